"""``bianma evaluate`` keeps its contract: the JSON keys, the curve, clear errors."""

from __future__ import annotations

import argparse
import json

import pytest

from models.evaluate_cli import register

KEYS = {
    "example_f1", "micro_f1", "macro_f1", "p_at_1", "r_at_3",
    "fit_seconds", "suggest_ms_per_1000", "n_train", "n_test",
}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="bianma")
    register(parser.add_subparsers())
    args = parser.parse_args(list(argv))
    code = args.func(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write_jsonl(path, records) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return str(path)


@pytest.fixture
def files(tmp_path, record_maker):
    records = record_maker(160, seed=3)
    return (
        write_jsonl(tmp_path / "train.jsonl", records[:120]),
        write_jsonl(tmp_path / "test.jsonl", records[120:]),
    )


def test_json_output_has_the_contract_keys(capsys, files):
    train, test = files
    code, out, err = run(capsys, "evaluate", "--train", train, "--test", test, "--json")
    assert code == 0, err
    result = json.loads(out)
    assert KEYS <= result.keys()
    assert (result["n_train"], result["n_test"]) == (120, 40)
    assert 0.0 <= result["example_f1"] <= 1.0 and result["p_at_1"] >= 0.8
    assert result["fit_seconds"] > 0 and result["suggest_ms_per_1000"] > 0
    assert set(result["group_accuracy"]) == {"情绪"}
    assert "curve" not in result


def test_sizes_add_a_learning_curve(capsys, files):
    train, test = files
    code, out, err = run(
        capsys, "evaluate", "--train", train, "--test", test, "--json",
        "--sizes", "40,80,500", "--seeds", "2",
    )
    assert code == 0, err
    curve = json.loads(out)["curve"]
    # 500 is more than the training file holds and is left out
    assert [entry["size"] for entry in curve] == [40, 80]
    for entry in curve:
        assert KEYS <= entry.keys()
        assert entry["n_train"] == entry["size"] and entry["seeds"] == 2


def test_english_records_work_too(capsys, tmp_path):
    rows = [
        ("jobs and the economy", ["economy"]), ("taxes are too high", ["economy"]),
        ("the economy is bad", ["economy"]), ("lower taxes, more jobs", ["economy"]),
        ("the war in Iraq", ["war"]), ("bring the troops home", ["war"]),
        ("Iraq war costs", ["war"]), ("troops should leave Iraq", ["war"]),
        ("economy and the war", ["economy", "war"]), ("jobs, troops, Iraq", ["economy", "war"]),
    ]
    records = [{"id": str(i), "text": t, "codes": c} for i, (t, c) in enumerate(rows)]
    train = write_jsonl(tmp_path / "train.jsonl", records * 2)
    test = write_jsonl(tmp_path / "test.jsonl", [
        {"id": "t1", "text": "The TROOPS in Iraq", "codes": ["war"]},
        {"id": "t2", "text": "high taxes and no jobs", "codes": ["economy"]},
    ])
    code, out, err = run(capsys, "evaluate", "--train", train, "--test", test, "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["p_at_1"] == 1.0


def test_plain_output_is_a_table(capsys, files):
    train, test = files
    code, out, _ = run(capsys, "evaluate", "--train", train, "--test", test)
    assert code == 0
    assert out.splitlines()[0].split() == [
        "train", "example_f1", "micro_f1", "macro_f1", "p_at_1", "r_at_3",
        "fit_seconds", "suggest_ms_per_1000",
    ]
    assert out.splitlines()[1].split()[0] == "all"


def test_a_malformed_line_is_reported_with_its_number(capsys, tmp_path, files):
    _, test = files
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1", "text": "好", "codes": ["a"]}\n{"id": "2", "text": 5}\n', "utf-8")
    code, out, err = run(capsys, "evaluate", "--train", str(bad), "--test", test, "--json")
    assert code == 1 and out == ""
    assert f"[E732] {bad} 第2行的字段“text”缺失或格式不对" in err


def test_a_missing_file_is_reported(capsys, tmp_path, files):
    train, _ = files
    code, _, err = run(capsys, "evaluate", "--train", train, "--test", str(tmp_path / "no.jsonl"))
    assert code == 1
    assert "[E730]" in err and "no.jsonl" in err


def test_bad_sizes_are_refused_by_the_parser(capsys, files):
    train, test = files
    with pytest.raises(SystemExit):
        run(capsys, "evaluate", "--train", train, "--test", test, "--sizes", "50,abc")
    assert "positive whole numbers" in capsys.readouterr().err
