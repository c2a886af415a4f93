"""Retrieval exports: segments with context, XLSX and CSV cell by cell, the Word quote table and
its Chinese fonts, and the ``bianma export``/``import-qdpx`` commands."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import replace

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn
from sqlalchemy import func, select

import cli
from codebook.codes import add_code_path
from coding.codings import apply_codes, write_coding_memo
from coding.exports import (
    coding_rows, codings_csv, codings_xlsx, segment_rows, segments_csv, segments_docx, segments_xlsx,
)
from corpus.cases import attach_case, create_case
from corpus.projects import create_project
from demo.seed import seed_demo
from i18n import BianmaError
from storage.tables import Coding, Document, Passage, Project

# Three turns; the interviewee's turn has three sentences. Offsets are written out so the
# expected context is visible.
TEXT = ("访谈者：您搬来几年了？\n"
        "王大伯：五年了。𠀋村的老邻居😀都散了。过年也不来往。\n"
        "访谈者：=那您平时做什么？")
Q_START, Q_END = TEXT.index("您搬"), TEXT.index("\n")
A_START, A_END = TEXT.index("五年"), TEXT.rindex("\n")
S1 = (A_START, TEXT.index("𠀋"))
S2 = (S1[1], TEXT.index("过年"))
S3 = (S2[1], A_END)
LAST = TEXT.index("=那")


@pytest.fixture
def doc(Session):
    with Session.begin() as s:
        project = create_project(s, "导出测试")
        document = Document(
            project_id=project.id, name="访谈01", kind="interview", original_filename="a.txt",
            encoding="utf-8", text=TEXT,
            passages=[
                Passage(index=0, start=Q_START, end=Q_END, speaker="访谈者", sentences=[[Q_START, Q_END]]),
                Passage(index=1, start=A_START, end=A_END, speaker="王大伯", sentences=[list(S1), list(S2), list(S3)]),
                Passage(index=2, start=LAST, end=len(TEXT), speaker="访谈者", sentences=[[LAST, len(TEXT)]]),
            ],
        )
        s.add(document)
        s.flush()
        case = create_case(s, project.id, "王大伯")
        attach_case(s, project.id, case.id, document.id, speaker="王大伯")
        parent = add_code_path(s, project.id, "融入困境")
        network = add_code_path(s, project.id, "融入困境/社会网络萎缩")
        quote = "老邻居😀都散了"
        start = TEXT.index(quote)
        [coding] = apply_codes(s, document.id, start, start + len(quote), [network.id], coder="甲")
        write_coding_memo(s, coding.id, "=HYPERLINK(\"x\") 邻里断裂")
        apply_codes(s, document.id, LAST, len(TEXT), [parent.id], coder="乙")
        return {"project": project.id, "parent": parent.id, "network": network.id, "start": start,
                "end": start + len(quote)}


def test_segments_carry_speaker_case_coder_and_sentences_of_context(Session, doc):
    with Session() as s:
        [row] = segment_rows(s, doc["project"], doc["network"], context=0)
        [wide] = segment_rows(s, doc["project"], doc["network"], context=1)
        both = segment_rows(s, doc["project"], doc["parent"], include_children=True, context=0)
        alone = segment_rows(s, doc["project"], doc["parent"], context=0)
    assert (row.text, row.document, row.speaker, row.case, row.coder, row.code_path) == (
        "老邻居😀都散了", "访谈01", "王大伯", "王大伯", "甲", "融入困境/社会网络萎缩")
    # context 0 completes the sentence; context 1 adds one whole sentence each side
    assert (row.before, row.after) == ("𠀋村的", "。")
    assert (wide.before, wide.after) == ("五年了。𠀋村的", "。过年也不来往。")
    assert TEXT[row.start:row.end] == row.text
    assert [r.code_path for r in both] == ["融入困境/社会网络萎缩", "融入困境"]
    assert [(r.speaker, r.case, r.coder) for r in alone] == [("访谈者", "", "乙")]
    with pytest.raises(BianmaError) as error, Session() as s:
        segment_rows(s, doc["project"], 999_999)
    assert error.value.code == "E205"


def test_context_crosses_turns_and_keeps_their_labels(Session, doc):
    with Session() as s:
        [row] = segment_rows(s, doc["project"], doc["parent"], context=1)
    assert row.before == "过年也不来往。\n访谈者："
    assert row.after == ""


def test_segments_xlsx_cell_by_cell(Session, doc):
    with Session() as s:
        rows = segment_rows(s, doc["project"], doc["parent"], include_children=True, context=1)
    sheet = openpyxl.load_workbook(io.BytesIO(segments_xlsx(rows))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert sheet.title == "编码片段"
    assert values == [
        ["代码", "文档", "说话人", "个案", "编码者", "上文", "编码片段", "下文", "起点", "终点", "备忘录"],
        ["融入困境/社会网络萎缩", "访谈01", "王大伯", "王大伯", "甲", "五年了。𠀋村的", "老邻居😀都散了",
         "。过年也不来往。", doc["start"], doc["end"], "=HYPERLINK(\"x\") 邻里断裂"],
        ["融入困境", "访谈01", "访谈者", None, "乙", "过年也不来往。\n访谈者：", "=那您平时做什么？", None,
         LAST, len(TEXT), None],
    ]
    # text that looks like a formula stays text
    assert sheet["K2"].data_type == "s" and sheet["G3"].data_type == "s"
    english = openpyxl.load_workbook(io.BytesIO(segments_xlsx(rows, "en"))).active
    assert english["G1"].value == "Coded segment"


def test_csv_has_a_bom_and_neutralises_formulas(Session, doc):
    with Session() as s:
        rows = segment_rows(s, doc["project"], doc["parent"], include_children=True, context=0)
        all_rows = coding_rows(s, doc["project"])
    data = segments_csv(rows)
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert table[0][:3] == ["代码", "文档", "说话人"]
    assert table[1][6] == "老邻居😀都散了" and table[1][10] == "'=HYPERLINK(\"x\") 邻里断裂"
    assert table[2][6] == "'=那您平时做什么？"
    codings = codings_csv(all_rows)
    assert codings.startswith(b"\xef\xbb\xbf")
    header, *body = list(csv.reader(io.StringIO(codings.decode("utf-8-sig"), newline="")))
    assert header == ["编号", "文档", "代码", "起点", "终点", "编码片段", "编码者", "说话人", "个案", "来源方式",
                      "备忘录", "编码时间（UTC）"]
    assert [(r[2], r[3], r[4], r[6], r[9]) for r in body] == [
        ("融入困境/社会网络萎缩", str(doc["start"]), str(doc["end"]), "甲", "手动编码"),
        ("融入困境", str(LAST), str(len(TEXT)), "乙", "手动编码")]


def test_codings_xlsx_of_the_demo(Session):
    with Session.begin() as s:
        project = seed_demo(s)
        rows = coding_rows(s, project.id)
        count = s.scalar(select(func.count(Coding.id)))
    sheet = openpyxl.load_workbook(io.BytesIO(codings_xlsx(rows))).active
    values = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "全部编码" and len(values) == count + 1 == len(rows) + 1
    first = values[1]
    assert first[1:3] == ("访谈01_王大伯", "融入困境/社会网络萎缩")
    assert first[5].startswith("可是认识的人少了") and first[6] == "示例研究者" and first[8] == "王大伯"
    assert first[10] == "邻里互助的断裂：典型的“熟人社会”到“陌生人社会”。"
    assert first[11] is not None and first[11].tzinfo is None  # Excel has no time zones


def test_docx_quote_table_with_east_asian_fonts(Session, doc):
    with Session() as s:
        rows = segment_rows(s, doc["project"], doc["parent"], include_children=True, context=1)
    data = segments_docx(rows, title="代码“融入困境”的编码片段", show_context=True)
    document = docx.Document(io.BytesIO(data))
    assert document.paragraphs[0].text == "代码“融入困境”的编码片段"
    assert document.paragraphs[1].text == "共 2 个编码片段，来自 1 个文档。"
    [table] = document.tables
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0] == ["代码", "引文", "出处"]
    assert cells[1][0] == "融入困境/社会网络萎缩"
    assert cells[1][1] == "五年了。𠀋村的老邻居😀都散了。过年也不来往。"
    assert cells[1][2] == f"访谈01，王大伯，个案：王大伯，编码者：甲，位置 [{doc['start']}, {doc['end']})"
    assert cells[2][1] == "过年也不来往。\n访谈者：=那您平时做什么？"
    # The quote itself is bold, its context not.
    runs = table.rows[1].cells[1].paragraphs[0].runs
    assert [(r.text, bool(r.bold)) for r in runs] == [
        ("五年了。𠀋村的", False), ("老邻居😀都散了", True), ("。过年也不来往。", False)]
    # Every run and the Normal style name a Chinese face for East Asian text (Word and WPS).
    body = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert body.count('w:eastAsia="宋体"') == body.count("<w:r>") > 10
    normal = document.styles["Normal"].element.rPr
    fonts = normal.find(qn("w:rFonts"))
    assert (fonts.get(qn("w:eastAsia")), fonts.get(qn("w:ascii"))) == ("宋体", "Times New Roman")
    assert normal.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    heading = document.styles["Heading 1"].element.rPr.find(qn("w:rFonts"))
    assert heading.get(qn("w:eastAsia")) == "宋体" and heading.get(qn("w:asciiTheme")) is None
    # A4 paper
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)


def test_docx_without_context_and_with_control_characters(Session, doc):
    with Session() as s:
        [row] = segment_rows(s, doc["project"], doc["network"])
    data = segments_docx([replace(row, text="第一行\x0b第二行\x01")], title="标题")
    [table] = docx.Document(io.BytesIO(data)).tables
    assert table.rows[1].cells[1].text == "第一行\n第二行"


# --- the commands ---------------------------------------------------------------------------

def run(url: str, *argv: str) -> int:
    return cli.main([*argv, "--db", url])


def test_cli_exports_and_imports(tmp_path, sqlite_url, capsys):
    from storage.engine import make_engine, make_sessionmaker
    from storage.migrate import upgrade

    engine = make_engine(sqlite_url)
    upgrade(engine)
    with make_sessionmaker(engine).begin() as s:
        project = seed_demo(s)
    name = project.name
    assert run(sqlite_url, "export", "qdpx", name, str(tmp_path / "demo.qdpx")) == 0
    assert run(sqlite_url, "export", "codings", name, str(tmp_path / "codings.csv")) == 0
    assert run(sqlite_url, "export", "codings", name, str(tmp_path / "codings.xlsx"), "--lang", "en") == 0
    assert run(sqlite_url, "export", "segments", name, "--code", "融入困境", "--children",
               str(tmp_path / "segments.docx")) == 0
    assert run(sqlite_url, "export", "segments", name, "--code", "融入困境/相对贫困",
               str(tmp_path / "segments.xlsx"), "--json") == 0
    out = capsys.readouterr().out
    assert json.loads(out[out.rindex("{"):])["rows"] == 3
    assert (tmp_path / "codings.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert openpyxl.load_workbook(tmp_path / "codings.xlsx").active["C1"].value == "Code"
    assert len(docx.Document(str(tmp_path / "segments.docx")).tables[0].rows) == 1 + 9
    assert run(sqlite_url, "import-qdpx", str(tmp_path / "demo.qdpx"), "--name", "命令行导入", "--json") == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["name"], summary["documents"], summary["codings"]) == ("命令行导入", 4, 15)
    with make_sessionmaker(engine)() as s:
        assert s.scalar(select(func.count(Project.id))) == 2
    capsys.readouterr()
    assert run(sqlite_url, "export", "codings", name, str(tmp_path / "codings.pdf")) == 2
    assert capsys.readouterr().err.startswith("[E818]") and not (tmp_path / "codings.pdf").exists()
    assert run(sqlite_url, "export", "segments", name, "--code", "没有/这个", str(tmp_path / "x.docx")) == 2
    assert capsys.readouterr().err.startswith("[E207]") and not (tmp_path / "x.docx").exists()
    engine.dispose()
