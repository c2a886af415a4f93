"""The ``bianma`` command as a researcher runs it, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from cli import main

INTERVIEW = (
    "访谈者：您搬来几年了？\n"
    "张阿姨：五年了。以前的老邻居都散了，过年也不来往。\n"
    "访谈者：现在收入怎么样？\n"
    "张阿姨：地没了，只能打零工。\n"
)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def project(database_url, capsys):
    code, out, _ = run(capsys, "project", "create", "移民访谈", "--db", database_url, "--json")
    assert code == 0
    return json.loads(out)


def test_import_passages_code_and_list(database_url, project, capsys, tmp_path):
    path = tmp_path / "访谈01.txt"
    path.write_bytes(INTERVIEW.encode("gbk"))
    code, out, err = run(capsys, "import", "移民访谈", str(path), "--db", database_url, "--json")
    assert code == 0, err
    [imported] = json.loads(out)
    assert (imported["encoding"], imported["passages"], imported["speakers"]) == (
        "gb18030", 4, ["张阿姨", "访谈者"])

    code, out, _ = run(capsys, "passages", "移民访谈", "--doc", str(imported["doc"]),
                       "--db", database_url, "--json")
    passages = json.loads(out)
    assert [(p["index"], p["speaker"], p["text"]) for p in passages] == [
        (0, "访谈者", "您搬来几年了？"), (1, "张阿姨", "五年了。以前的老邻居都散了，过年也不来往。"),
        (2, "访谈者", "现在收入怎么样？"), (3, "张阿姨", "地没了，只能打零工。")]
    assert all(INTERVIEW[p["start"]:p["end"]] == p["text"] for p in passages)

    code, _, err = run(capsys, "codebook", "add", "移民访谈", "融入困境/社会网络萎缩", "--db", database_url)
    assert code == 0, err
    start = INTERVIEW.index("以前的老邻居都散了")
    code, out, err = run(capsys, "code", "移民访谈", "--doc", str(imported["doc"]), "--start", str(start),
                         "--end", str(start + 9), "--code", "融入困境/社会网络萎缩", "--coder", "李老师",
                         "--db", database_url, "--json")
    assert code == 0, err
    code, out, _ = run(capsys, "codings", "移民访谈", "--db", database_url, "--json")
    [coding] = json.loads(out)
    assert (coding["code"], coding["text"], coding["coder"], coding["speaker"]) == (
        "融入困境/社会网络萎缩", "以前的老邻居都散了", "李老师", "张阿姨")


def test_errors_are_bilingual_with_a_code_and_exit_2(database_url, project, capsys, tmp_path):
    code, _, err = run(capsys, "code", "移民访谈", "--doc", "99", "--start", "0", "--end", "2",
                       "--code", "没有", "--db", database_url)
    assert code == 2
    assert err.strip() == "[E004] 未找到文档 99。 / Document 99 was not found."
    code, _, err = run(capsys, "project", "create", "移民访谈", "--db", database_url)
    assert (code, err.strip()) == (2, "[E002] 项目“移民访谈”已存在。 / A project named “移民访谈” already exists.")


def test_a_bad_file_among_good_ones_imports_nothing(database_url, project, capsys, tmp_path):
    good = tmp_path / "好.txt"
    good.write_text(INTERVIEW, encoding="utf-8")
    empty = tmp_path / "空.txt"
    empty.write_bytes(b"")
    code, _, err = run(capsys, "import", "移民访谈", str(good), str(empty), "--db", database_url)
    assert code == 2 and err.startswith("[E1")
    code, out, _ = run(capsys, "project", "list", "--db", database_url, "--json")
    assert json.loads(out)[0]["documents"] == 0


def test_demo_command_is_idempotent(sqlite_url, capsys):
    assert run(capsys, "demo", "--db", sqlite_url)[0] == 0
    assert run(capsys, "demo", "--db", sqlite_url)[0] == 0
    _, out, _ = run(capsys, "project", "list", "--db", sqlite_url, "--json")
    [demo] = json.loads(out)
    assert demo["documents"] == 4 and demo["codings"] >= 10


def test_evaluate_contract_through_the_bianma_command(capsys, tmp_path):
    topics = {"搬迁": ["搬迁以后邻居都散了", "搬到新小区不认识人", "搬家以后很少来往"],
              "收入": ["地没了收入少了", "打零工一个月两千块", "买菜要钱收入不够"]}
    lines = [json.dumps({"id": f"{code}{i}", "text": text, "codes": [f"困境/{code}"]}, ensure_ascii=False)
             for code, texts in topics.items() for i, text in enumerate(texts * 4)]
    train, test = tmp_path / "train.jsonl", tmp_path / "test.jsonl"
    train.write_text("\n".join(lines[::2]), encoding="utf-8")
    test.write_text("\n".join(lines[1::2]), encoding="utf-8")
    code, out, err = run(capsys, "evaluate", "--train", str(train), "--test", str(test), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert {"example_f1", "micro_f1", "macro_f1", "p_at_1", "r_at_3", "fit_seconds",
            "suggest_ms_per_1000", "n_train", "n_test"} <= result.keys()
    assert (result["n_train"], result["n_test"]) == (12, 12)
