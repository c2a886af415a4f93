"""The open- and axial-coding tables, checked cell by cell, and their XLSX and DOCX files."""

import io

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn

from codebook.codes import add_code_path, find_code_by_path
from coding.codings import apply_codes
from coding.grounded import set_grounded_fields
from coding.grounded_exports import (
    axial_table_docx, axial_table_xlsx, open_table_docx, open_table_xlsx, table_xlsx,
)
from coding.grounded_tables import (
    PlainTable, axial_coding_table, axial_plain, core_lines, open_coding_table, open_plain,
)
from corpus.projects import create_project
from storage.tables import Document, Passage

TEXT_1 = ("访谈者：搬来以后怎么样？\n"
          "王大伯：𠀋村的人都散了，对门是谁都不知道。以前谁家有事都来帮忙，现在没人管。"
          "亲戚也很少走动了。买菜要钱，物业费也要钱。")
TEXT_2 = "李阿姨：楼上楼下都不认识。过年亲戚不来了。物业费太贵。日子还行吧。"
STORY = "搬迁打断了邻里、亲属与生计，移民在新的社区里重新嵌入。"

# (document, quote, code path, coder)
CODINGS = [
    (2, "楼上楼下都不认识", "再嵌入/社会关系断裂/邻里关系疏远/不认识邻居", "甲"),
    (1, "对门是谁都不知道", "再嵌入/社会关系断裂/邻里关系疏远/不认识邻居", "甲"),
    (1, "对门是谁都不知道", "再嵌入/社会关系断裂/邻里关系疏远/不认识邻居", "乙"),  # listed once
    (1, "以前谁家有事都来帮忙，现在没人管", "再嵌入/社会关系断裂/邻里关系疏远/互助消失", "甲"),
    (1, "亲戚也很少走动了", "再嵌入/社会关系断裂/亲属往来减少/亲戚走动少", "甲"),
    (2, "过年亲戚不来了", "再嵌入/社会关系断裂/亲属往来减少/亲戚走动少", "乙"),
    (1, "买菜要钱", "再嵌入/生计压力/支出增加/买菜要钱", "甲"),
    (1, "物业费也要钱", "再嵌入/生计压力/支出增加/买菜要钱/物业费", "甲"),  # rolls up
    (2, "物业费太贵", "再嵌入/生计压力/支出增加", "甲"),  # on a category: left out
    (2, "日子还行吧", "其他", "甲"),
    (1, "𠀋村的人都散了", "再嵌入/社会关系断裂/邻里关系疏远/不认识邻居", "甲"),
]


@pytest.fixture
def study(Session):
    with Session.begin() as s:
        project = create_project(s, "三级编码")
        texts = {1: TEXT_1, 2: TEXT_2}
        # The second interview is stored first: the tables go by position, not by id.
        second = Document(project_id=project.id, name="访谈02", kind="interview", original_filename="b.txt",
                          encoding="utf-8", text=TEXT_2, position=1,
                          passages=[Passage(index=0, start=4, end=len(TEXT_2), speaker="李阿姨")])
        first = Document(project_id=project.id, name="访谈01", kind="interview", original_filename="a.txt",
                         encoding="utf-8", text=TEXT_1, position=0,
                         passages=[Passage(index=0, start=4, end=TEXT_1.index("\n"), speaker="访谈者"),
                                   Passage(index=1, start=TEXT_1.index("𠀋"), end=len(TEXT_1),
                                           speaker="王大伯")])
        s.add_all([second, first])
        documents = {1: first, 2: second}
        for path in ["再嵌入/社会关系断裂/邻里关系疏远/不认识邻居", "再嵌入/社会关系断裂/邻里关系疏远/搬家后失联",
                     "再嵌入/社会关系断裂/邻里关系疏远/互助消失", "再嵌入/社会关系断裂/亲属往来减少/亲戚走动少",
                     "再嵌入/生计压力/支出增加/买菜要钱/物业费", "再嵌入/生计压力/文化差异", "其他"]:
            add_code_path(s, project.id, path)

        def code(path):
            return find_code_by_path(s, project.id, path).id

        for doc, quote, path, coder in CODINGS:
            start = texts[doc].index(quote)
            apply_codes(s, documents[doc].id, start, start + len(quote), [code(path)], coder=coder)
        # 买菜要钱 is one concept with its sub-code; 文化差异 has no sub-codes yet but is a category.
        set_grounded_fields(s, project.id, code("再嵌入/生计压力/支出增加/买菜要钱"), gt_level="concept")
        set_grounded_fields(s, project.id, code("再嵌入/生计压力/文化差异"), gt_level="category")
        set_grounded_fields(s, project.id, code("再嵌入/社会关系断裂"), relation_type="因果",
                            relation_meaning="邻里与亲属关系的断裂构成融入困境的起点")
        set_grounded_fields(s, project.id, code("再嵌入/社会关系断裂/亲属往来减少"),
                            relation_meaning="亲属往来随距离变远而减少")
        set_grounded_fields(s, project.id, code("再嵌入"), relation_meaning=STORY)
        return {"project": project.id, "main": code("再嵌入/社会关系断裂")}


OPEN_ROWS = [
    ["a1-1", "𠀋村的人都散了", "访谈01", "王大伯", "a1 不认识邻居", "A1 邻里关系疏远"],
    ["a1-2", "对门是谁都不知道", "访谈01", "王大伯", "a1 不认识邻居", "A1 邻里关系疏远"],
    ["a1-3", "楼上楼下都不认识", "访谈02", "李阿姨", "a1 不认识邻居", "A1 邻里关系疏远"],
    ["a2-1", "以前谁家有事都来帮忙，现在没人管", "访谈01", "王大伯", "a2 互助消失", "A1 邻里关系疏远"],
    ["a3-1", "亲戚也很少走动了", "访谈01", "王大伯", "a3 亲戚走动少", "A2 亲属往来减少"],
    ["a3-2", "过年亲戚不来了", "访谈02", "李阿姨", "a3 亲戚走动少", "A2 亲属往来减少"],
    ["a4-1", "买菜要钱", "访谈01", "王大伯", "a4 买菜要钱", "A3 支出增加"],
    ["a4-2", "物业费也要钱", "访谈01", "王大伯", "a4 买菜要钱", "A3 支出增加"],
    ["a5-1", "日子还行吧", "访谈02", "李阿姨", "a5 其他", "（未归入范畴）"],
]
OPEN_HEADERS = ["编号", "原始语句", "来源文档", "说话人", "初始概念", "范畴"]
AXIAL_HEADERS = ["主范畴", "对应范畴", "关系类型", "关系内涵"]
AXIAL_ROWS = [
    ["社会关系断裂", "A1 邻里关系疏远", "因果", "邻里与亲属关系的断裂构成融入困境的起点"],
    ["社会关系断裂", "A2 亲属往来减少", "因果", "亲属往来随距离变远而减少"],
    ["生计压力", "A3 支出增加", "", ""],
    ["生计压力", "文化差异", "", ""],
]


def tables(Session, project_id, **options):
    with Session() as s:
        return open_coding_table(s, project_id, **options), axial_coding_table(s, project_id)


def test_open_coding_table_numbering_grouping_and_sources(Session, study):
    table, _axial = tables(Session, study["project"])
    plain = open_plain(table)
    assert plain.headers == OPEN_HEADERS
    assert plain.rows == OPEN_ROWS
    # concepts (column 4) merged within categories (column 5)
    assert plain.merged == [(4, 0, 2), (4, 4, 5), (4, 6, 7), (5, 0, 3), (5, 4, 5), (5, 6, 7)]
    assert (table.left_out, table.concepts, table.categories) == (1, 5, 3)
    row = table.rows[0]
    assert TEXT_1[row.start:row.end] == row.text == "𠀋村的人都散了"


def test_open_coding_table_of_one_coder(Session, study):
    table, _axial = tables(Session, study["project"], coders=["乙"])
    assert open_plain(table).rows == [
        ["a1-1", "对门是谁都不知道", "访谈01", "王大伯", "a1 不认识邻居", "A1 邻里关系疏远"],
        ["a2-1", "过年亲戚不来了", "访谈02", "李阿姨", "a2 亲戚走动少", "A2 亲属往来减少"],
    ]
    assert table.left_out == 0


def test_axial_coding_table_and_core_category(Session, study):
    _open, axial = tables(Session, study["project"])
    plain = axial_plain(axial)
    assert plain.headers == AXIAL_HEADERS
    assert plain.rows == AXIAL_ROWS
    assert plain.merged == [(0, 0, 1), (0, 2, 3), (2, 0, 1), (2, 2, 3), (3, 2, 3)]
    assert core_lines(axial) == ["核心范畴：再嵌入（统领主范畴：社会关系断裂、生计压力）", f"故事线：{STORY}"]
    assert core_lines(axial, "en")[0] == "Core category: 再嵌入 (over the main categories: 社会关系断裂、生计压力)"
    assert axial_plain(axial, "en").headers == ["Main category", "Categories", "Relation type",
                                                "Meaning of the relation"]


def test_axial_table_without_relation_types_has_no_type_column(Session, study):
    with Session.begin() as s:
        set_grounded_fields(s, study["project"], study["main"], relation_type="")
    _open, axial = tables(Session, study["project"])
    plain = axial_plain(axial)
    assert plain.headers == ["主范畴", "对应范畴", "关系内涵"]
    assert plain.rows[0] == ["社会关系断裂", "A1 邻里关系疏远", "邻里与亲属关系的断裂构成融入困境的起点"]


def merged_ranges(sheet) -> list[str]:
    return sorted(str(r) for r in sheet.merged_cells.ranges)


def test_open_table_xlsx_cell_by_cell(Session, study):
    table, _axial = tables(Session, study["project"])
    book = openpyxl.load_workbook(io.BytesIO(open_table_xlsx(table)))
    sheet = book["开放式编码"]
    assert [c.value for c in sheet[1]] == OPEN_HEADERS
    assert sheet[1][0].font.bold
    for row_number, expected in enumerate(OPEN_ROWS, start=2):
        cells = [c.value for c in sheet[row_number]]
        # the cells a merge covers are empty; the first cell of a group holds the text
        for column, value in enumerate(expected):
            if cells[column] is not None:
                assert cells[column] == value, (row_number, column)
    assert [sheet.cell(row=r, column=5).value for r in range(2, 11)] == [
        "a1 不认识邻居", None, None, "a2 互助消失", "a3 亲戚走动少", None, "a4 买菜要钱", None, "a5 其他"]
    assert [sheet.cell(row=r, column=6).value for r in range(2, 11)] == [
        "A1 邻里关系疏远", None, None, None, "A2 亲属往来减少", None, "A3 支出增加", None, "（未归入范畴）"]
    assert [sheet.cell(row=r, column=2).value for r in range(2, 11)] == [r[1] for r in OPEN_ROWS]
    assert [sheet.cell(row=r, column=3).value for r in range(2, 11)] == [r[2] for r in OPEN_ROWS]
    assert merged_ranges(sheet) == sorted(["E2:E4", "E6:E7", "E8:E9", "F2:F5", "F6:F7", "F8:F9"])
    assert sheet.max_row == 10


def test_axial_table_xlsx_with_the_selective_coding_sheet(Session, study):
    _open, axial = tables(Session, study["project"])
    book = openpyxl.load_workbook(io.BytesIO(axial_table_xlsx(axial)))
    assert book.sheetnames == ["主轴编码", "选择性编码"]
    sheet = book["主轴编码"]
    assert [c.value for c in sheet[1]] == AXIAL_HEADERS
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [
        ["社会关系断裂", "A1 邻里关系疏远", "因果", "邻里与亲属关系的断裂构成融入困境的起点"],
        [None, "A2 亲属往来减少", None, "亲属往来随距离变远而减少"],
        ["生计压力", "A3 支出增加", None, None],
        [None, "文化差异", None, None],
    ]
    assert merged_ranges(sheet) == sorted(["A2:A3", "A4:A5", "C2:C3", "C4:C5", "D4:D5"])
    assert [c.value for c in book["选择性编码"]["A"]] == core_lines(axial)


def test_xlsx_keeps_formula_like_statements_as_text():
    plain = PlainTable(["原始语句"], [["=HYPERLINK(\"x\")"], ["@人"]], widths=(5.0,))
    sheet = openpyxl.load_workbook(io.BytesIO(table_xlsx(plain, "表"))).active
    assert [(c.value, c.data_type) for c in sheet["A"][1:]] == [("=HYPERLINK(\"x\")", "s"), ("@人", "s")]


def east_asian_font(run) -> str | None:
    fonts = run._r.rPr.find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia"))


def cell_texts(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def vertical_merges(table, column: int) -> list[str | None]:
    return [row.cells[column]._tc.vMerge for row in table.rows]


def test_open_table_docx_opens_with_chinese_text_in_a_cjk_font(Session, study):
    table, _axial = tables(Session, study["project"])
    document = docx.Document(io.BytesIO(open_table_docx(table)))
    assert document.paragraphs[0].text == "开放式编码结果（原始语句 → 初始概念 → 范畴）"
    [grid] = document.tables
    # a merged group shows its text on every row it spans
    assert cell_texts(grid) == [OPEN_HEADERS, *OPEN_ROWS]
    concept_column = [row._tr.tc_lst[4].vMerge for row in grid.rows]
    assert concept_column == [None, "restart", "continue", "continue", None, "restart", "continue",
                              "restart", "continue", None]
    category_column = [row._tr.tc_lst[5].vMerge for row in grid.rows]
    assert category_column == [None, "restart", "continue", "continue", "continue", "restart",
                               "continue", "restart", "continue", None]
    runs = [run for row in grid.rows for cell in row.cells for p in cell.paragraphs for run in p.runs]
    assert runs and all(east_asian_font(run) == "宋体" for run in runs)
    assert any("𠀋村的人都散了" == run.text for run in runs)
    header_runs = [run for cell in grid.rows[0].cells for run in cell.paragraphs[0].runs]
    assert all(run.bold for run in header_runs)
    normal = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == "宋体"


def test_axial_table_docx_with_story_line(Session, study):
    _open, axial = tables(Session, study["project"])
    document = docx.Document(io.BytesIO(axial_table_docx(axial)))
    [grid] = document.tables
    assert cell_texts(grid) == [AXIAL_HEADERS, *AXIAL_ROWS]
    assert [row._tr.tc_lst[0].vMerge for row in grid.rows] == [None, "restart", "continue", "restart", "continue"]
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "主轴编码结果（主范畴 → 对应范畴 → 关系内涵）"
    assert texts[-2:] == core_lines(axial)
    story = document.paragraphs[-1].runs[0]
    assert east_asian_font(story) == "宋体"


def test_empty_project_gives_empty_tables(Session):
    with Session.begin() as s:
        project = create_project(s, "空项目").id
    table, axial = tables(Session, project)
    assert (table.rows, table.left_out, axial.rows, axial.core) == ([], 0, [], [])
    assert open_plain(table).rows == []
    sheet = openpyxl.load_workbook(io.BytesIO(open_table_xlsx(table))).active
    assert sheet.max_row == 1
    assert cell_texts(docx.Document(io.BytesIO(axial_table_docx(axial))).tables[0]) == [
        ["主范畴", "对应范畴", "关系内涵"]]
