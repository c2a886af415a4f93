"""``bianma codebook …`` and ``bianma project create --template`` as a researcher runs them."""

from __future__ import annotations

import json

import pytest

import cli
from codebook.templates import load_template


def run(capsys, database_url, *argv: str):
    code = cli.main([*argv, "--db", database_url])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_templates_list_ids_and_names(capsys, database_url):
    code, out, _ = run(capsys, database_url, "codebook", "templates", "--json")
    assert code == 0
    listed = json.loads(out)
    assert [(t["id"], t["name"]) for t in listed][:2] == [
        ("migrant-integration", "非自愿移民的社区融合：困境、需求与分层介入"),
        ("community-industry", "社区产业反贫困社会工作：介入、增权、营造三阶段")]
    assert len(listed) == 5


def test_project_from_template_show_export_and_import(capsys, database_url, tmp_path):
    template = load_template("social-healing")
    code, out, err = run(capsys, database_url, "project", "create", "失独家庭研究",
                         "--template", "social-healing", "--json")
    assert code == 0, err
    assert json.loads(out)["codes"] == len(template.codes)

    code, out, _ = run(capsys, database_url, "codebook", "show", "失独家庭研究", "--json")
    shown = json.loads(out)
    assert [c["path"] for c in shown][:2] == ["丧失后的困境", "丧失后的困境/情感伤痛"]
    first = shown[1]
    assert first["definition"] == template.codes[1].definition and first["codable"] is True
    assert len(first["guid"]) == 36 and first["color"].startswith("#")
    assert shown[0]["codable"] is False

    code, out, _ = run(capsys, database_url, "codebook", "add", "失独家庭研究", "丧失后的困境/经济压力",
                       "--definition", "收入减少与医疗开支", "--json")
    assert code == 0 and json.loads(out)["path"] == "丧失后的困境/经济压力"

    code, out, _ = run(capsys, database_url, "codebook", "show", "失独家庭研究", "--json")
    expected = [(c["path"], c["definition"], c["codable"], c["color"]) for c in json.loads(out)]
    for suffix in ("csv", "xlsx", "qdc"):
        path = tmp_path / f"编码本.{suffix}"
        code, out, err = run(capsys, database_url, "codebook", "export", "失独家庭研究", str(path), "--json")
        assert code == 0, err
        assert json.loads(out)["codes"] == len(template.codes) + 1 and path.stat().st_size > 0
        project = f"副本{suffix}"
        run(capsys, database_url, "project", "create", project)
        code, out, err = run(capsys, database_url, "codebook", "import", project, str(path), "--json")
        assert code == 0, err
        assert json.loads(out)["added"] == len(template.codes) + 1
        code, out, _ = run(capsys, database_url, "codebook", "show", project, "--json")
        copied = json.loads(out)
        assert [(c["path"], c["definition"], c["codable"], c["color"]) for c in copied] == expected


def test_merge_undo_redo_from_the_shell(capsys, database_url):
    run(capsys, database_url, "project", "create", "移民访谈", "--template", "migrant-integration")
    code, out, err = run(capsys, database_url, "codebook", "merge", "移民访谈", "融入困境/文化冲击",
                         "融入困境/社会网络萎缩")
    assert code == 0, err
    code, out, _ = run(capsys, database_url, "codebook", "undo", "移民访谈")
    assert out.strip() == "已撤销：合并代码 融入困境/文化冲击 到 融入困境/社会网络萎缩"
    code, out, _ = run(capsys, database_url, "codebook", "redo", "移民访谈", "--json")
    assert json.loads(out)["action_en"] == "merge the code 融入困境/文化冲击 into 融入困境/社会网络萎缩"
    run(capsys, database_url, "codebook", "undo", "移民访谈")
    # the template is the project's starting point: nothing before it to undo
    code, _, err = run(capsys, database_url, "codebook", "undo", "移民访谈")
    assert (code, err.strip()) == (2, "[E220] 没有可以撤销的操作。 / There is nothing to undo.")


def test_bad_codebook_file_exits_2_with_every_row(capsys, database_url, tmp_path):
    run(capsys, database_url, "project", "create", "移民访谈")
    path = tmp_path / "坏.csv"
    path.write_bytes("代码路径,颜色\n甲,绿色\n甲,\n乙,紫红\n".encode("gb18030"))
    code, out, err = run(capsys, database_url, "codebook", "import", "移民访谈", str(path))
    assert code == 2 and out == ""
    assert err.splitlines() == [
        "[E230] 编码本文件“坏.csv”中有 2 处错误，未导入任何代码： / "
        "The codebook file “坏.csv” has 2 errors; no code was imported:",
        "[E232] 第3行：代码路径“甲”与第2行重复。 / Row 3: the code path “甲” repeats row 2.",
        "[E233] 第4行：无法识别颜色“紫红”，请使用 #RRGGBB（如 #f4a261）或常见颜色名称（如 红色、blue）。 / "
        "Row 4: the colour “紫红” is not known; use #RRGGBB (e.g. #f4a261) or a common colour name (e.g. 红色, blue).",
    ]
    code, out, _ = run(capsys, database_url, "codebook", "show", "移民访谈", "--json")
    assert json.loads(out) == []
    code, _, err = run(capsys, database_url, "project", "create", "另一个", "--template", "nope")
    assert code == 2 and err.startswith("[E217]")
    code, out, _ = run(capsys, database_url, "project", "list", "--json")
    assert [p["name"] for p in json.loads(out)] == ["移民访谈"]
