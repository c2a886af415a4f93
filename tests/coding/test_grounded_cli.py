"""``bianma grounded …`` on the demo project, with the commands registered as cli.py will."""

import io
import json

import docx
import openpyxl
import pytest
from PIL import Image

import cli
from coding.grounded_cli import register


@pytest.fixture
def demo(database_url, monkeypatch, capsys):
    original = cli._register_packages

    def with_grounded(commands, common):
        original(commands, common)
        if "grounded" not in commands.choices:  # until cli.py registers it itself
            register(commands, common)

    monkeypatch.setattr(cli, "_register_packages", with_grounded)
    assert cli.main(["demo", "--db", database_url, "--json"]) == 0
    return {"db": database_url, "project": json.loads(capsys.readouterr().out)["id"]}


def run(capsys, *argv):
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_open_and_axial_tables_as_files(demo, capsys, tmp_path):
    out = tmp_path / "开放式编码.xlsx"
    code, stdout, err = run(capsys, "grounded", "open-table", "--project", str(demo["project"]),
                            "--out", str(out), "--db", demo["db"], "--json")
    assert code == 0, err
    assert json.loads(stdout) == {"path": str(out), "rows": 15, "concepts": 10, "categories": 3,
                                  "left_out": 0}
    sheet = openpyxl.load_workbook(out).active
    assert [c.value for c in sheet[1]] == ["编号", "原始语句", "来源文档", "说话人", "初始概念", "范畴"]
    assert [c.value for c in sheet[2]] == [
        "a1-1", "可是认识的人少了。以前在村里，谁家有事大家都来帮忙，现在住在楼上，对门是谁都不知道。",
        "访谈01_王大伯", "王大伯", "a1 社会网络萎缩", "A1 融入困境"]

    out = tmp_path / "open.docx"
    code, stdout, err = run(capsys, "grounded", "open-table", "--project", "示例项目：非自愿移民的社区融合",
                            "--out", str(out), "--coded-by", "无此人", "--db", demo["db"])
    assert code == 0, err
    assert stdout.strip() == f"已写入 {out}（0 行）"
    assert len(docx.Document(str(out)).tables[0].rows) == 1

    out = tmp_path / "axial.docx"
    code, stdout, err = run(capsys, "grounded", "axial-table", "--project", str(demo["project"]),
                            "--out", str(out), "--db", demo["db"], "--lang", "en")
    assert code == 0, err
    assert stdout.strip() == f"Wrote {out} (0 rows)"  # the demo's codebook has two levels


def test_saturation_in_json_and_as_text(demo, capsys):
    code, stdout, err = run(capsys, "grounded", "saturation", "--project", str(demo["project"]),
                            "--holdout", "1", "--db", demo["db"], "--json")
    assert code == 0, err
    report = json.loads(stdout)
    assert [(s["document"], len(s["new_concepts"]), s["concepts_total"]) for s in report["steps"]] == [
        ("访谈01_王大伯", 3, 3), ("访谈02_李阿姨", 4, 7), ("访谈03_小张", 3, 10), ("观察笔记_安置社区", 0, 10)]
    assert report["saturated"] is True

    ids = [s["document_id"] for s in report["steps"]]
    order = ",".join(str(i) for i in reversed(ids))
    code, stdout, err = run(capsys, "grounded", "saturation", "--project", str(demo["project"]),
                            "--order", order, "--holdout", "1", "--db", demo["db"])
    assert code == 0, err
    lines = stdout.strip().splitlines()
    assert lines[0].split("\t")[:3] == ["顺序", "文档", "新增初始概念数"]
    assert lines[1].split("\t")[:3] == ["1", "观察笔记_安置社区", "1"]
    # read last, 王大伯 still brings one concept nobody else mentions
    assert lines[-1] == "最后 1 份文档带来了新的内容，尚未饱和。新增初始概念：融入困境/政治参与减少；新增范畴：—。"


def test_paradigm_images(demo, capsys, tmp_path):
    for name in ("model.svg", "model.png"):
        out = tmp_path / name
        code, _stdout, err = run(capsys, "grounded", "paradigm", "--project", str(demo["project"]),
                                 "--out", str(out), "--db", demo["db"])
        assert code == 0, err
    assert (tmp_path / "model.svg").read_text(encoding="utf-8").startswith("<svg ")
    assert Image.open(io.BytesIO((tmp_path / "model.png").read_bytes())).format == "PNG"


def test_refusals_exit_with_status_2(demo, capsys, tmp_path):
    code, _stdout, err = run(capsys, "grounded", "open-table", "--project", str(demo["project"]),
                             "--out", str(tmp_path / "table.pdf"), "--db", demo["db"])
    assert code == 2 and "[E279]" in err and ".xlsx、.docx" in err
    assert not (tmp_path / "table.pdf").exists()
    code, _stdout, err = run(capsys, "grounded", "saturation", "--project", str(demo["project"]),
                             "--holdout", "9", "--db", demo["db"])
    assert code == 2 and "[E277]" in err
