"""Hostile and broken codebook files through ``codebook.files.import_codebook``: CSV and XLSX
(read with the corpus readers), and REFI-QDA .qdc (``codebook.qdc``).

Each file must be refused with its own coded, bilingual message, and no table may change.
"""

from __future__ import annotations

import pytest

from codebook.files import import_codebook
from hostile.checks import assert_refused
from hostile.files import (
    EXTERNAL_DOCTYPE, LAUGHS_DOCTYPE, MIB, PNG, XXE_DOCTYPE, docx_file, lying_size, nested_bomb,
    patched, reencoded, replace_member, truncated, unknown_encoding, with_bomb, with_declaration,
    with_many_entries, xlsx_file, xlsx_part,
)

CODEBOOK_ROWS = (("代码路径", "定义"), ("融入困境/文化冲击", "饮食、语言、习俗的不适应"))
GUID = "b0000000-0000-4000-8000-{:012d}"


def case(filename: str, make, code: str):
    return pytest.param(filename, make, code, id=filename)


def codebook_xlsx() -> bytes:
    return xlsx_file(CODEBOOK_ROWS)


def sheet() -> bytes:
    return xlsx_part(rows=CODEBOOK_ROWS)


def xlsx_with(new_sheet: bytes) -> bytes:
    return replace_member(codebook_xlsx(), "xl/worksheets/sheet1.xml", new_sheet)


def qdc(codes: str = f'<Code guid="{GUID.format(1)}" name="经济压力"/>', extra: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0" '
            f'origin="别的软件"><Codes>{codes}</Codes>{extra}</CodeBook>').encode("utf-8")


def nested_codes(depth: int) -> str:
    opening = "".join(f'<Code guid="{GUID.format(n)}" name="层{n}">' for n in range(depth))
    return opening + "</Code>" * depth


CASES = [
    # CSV
    case("空文件.csv", lambda: b"", "E101"),
    case("超大.csv", lambda: b"a" * (10 * MIB + 1), "E102"),
    case("编码本.txt", lambda: "代码路径\n经济\n".encode("utf-8"), "E238"),
    case("编码本.docx", docx_file, "E238"),
    case("图片.csv", lambda: PNG * 20, "E104"),
    case("乱码.csv", lambda: b"\x80\xff" * 100, "E105"),
    case("引号不配对.csv", lambda: '代码路径,定义\n经济,"没有结束\n文化,好'.encode("utf-8"), "E113"),
    case("没有路径列.csv", lambda: "颜色,备注\n红色,无\n".encode("utf-8"), "E237"),
    case("只有表头.csv", lambda: "代码路径,定义\n".encode("utf-8"), "E243"),
    case("上级成环.csv", lambda: "名称,上级\n甲,乙\n乙,甲\n".encode("utf-8"), "E230"),
    case("路径含空名.csv", lambda: "代码路径\n经济//收入\n".encode("utf-8"), "E230"),
    case("名称过长.csv", lambda: ("代码路径\n" + "长" * 201 + "\n").encode("utf-8"), "E230"),
    case("HTML颜色.csv", lambda: '代码路径,颜色\n经济,"red;background:url(javascript:alert(1))"\n'
         .encode("utf-8"), "E230"),
    # XLSX
    case("不是压缩包.xlsx", lambda: "代码路径\n经济\n".encode("utf-8"), "E107"),
    case("截断.xlsx", lambda: truncated(codebook_xlsx()), "E107"),
    case("谎报大小.xlsx", lambda: lying_size(codebook_xlsx(), "xl/worksheets/sheet1.xml"), "E107"),
    case("加密条目.xlsx", lambda: patched(codebook_xlsx(), "xl/worksheets/sheet1.xml", flags=0x1), "E107"),
    case("嵌套压缩包.xlsx", lambda: xlsx_with(nested_bomb()), "E107"),
    case("压缩炸弹.xlsx", lambda: with_bomb(codebook_xlsx(), "xl/media/image1.png", 257), "E108"),
    case("条目过多.xlsx", lambda: with_many_entries(codebook_xlsx(), 5001), "E109"),
    case("XXE.xlsx", lambda: xlsx_with(with_declaration(sheet(), XXE_DOCTYPE)), "E110"),
    case("十亿笑声.xlsx", lambda: xlsx_with(with_declaration(sheet(), LAUGHS_DOCTYPE)), "E110"),
    case("GBK编码.xlsx", lambda: xlsx_with(reencoded(sheet(), "gbk")), "E107"),
    # REFI-QDA .qdc
    case("空的.qdc", lambda: b"", "E806"),
    case("不是XML.qdc", lambda: codebook_xlsx(), "E806"),
    case("截断.qdc", lambda: qdc()[:-30], "E806"),
    case("XXE.qdc", lambda: with_declaration(qdc(), XXE_DOCTYPE), "E807"),
    case("十亿笑声.qdc", lambda: with_declaration(qdc(), LAUGHS_DOCTYPE), "E807"),
    case("外部DTD.qdc", lambda: with_declaration(qdc(), EXTERNAL_DOCTYPE), "E807"),
    case("项目文件.qdc", lambda: b'<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>', "E808"),
    case("超大.qdc", lambda: qdc(extra="<!--" + "长" * (6 * MIB) + "-->"), "E805"),
    case("GUID无效.qdc", lambda: qdc('<Code guid="../../etc/passwd" name="经济"/>'), "E813"),
    case("GUID重复.qdc", lambda: qdc(f'<Code guid="{GUID.format(1)}" name="甲"/>'
                                     f'<Code guid="{GUID.format(1)}" name="乙"/>'), "E814"),
    case("嵌套过深.qdc", lambda: qdc(nested_codes(70)), "E816"),
    case("集合引用未知代码.qdc", lambda: qdc(extra=f'<Sets><Set guid="{GUID.format(8)}" name="集">'
                                              f'<MemberCode guid="{GUID.format(9)}"/></Set></Sets>'),
         "E810"),
    case("GBK编码.qdc", lambda: reencoded(qdc(), "gbk"), "E806"),
    case("未知编码.qdc", lambda: unknown_encoding(qdc()), "E806"),
]


@pytest.mark.parametrize("filename, make, code", CASES)
def test_a_hostile_codebook_file_is_refused_and_nothing_is_stored(store, filename, make, code):
    data = make()
    assert_refused(store, code, lambda s: import_codebook(s, store.project_id, filename, data,
                                                          coder="甲"))


FORMULAS = {  # code name -> definition, each written to run in a spreadsheet
    "=1+1": "=HYPERLINK(\"http://203.0.113.9\",\"点这里\")",
    "+86电话": "-负面情绪的定义",
    "@某人": "'=已经带撇号的定义",
    "'+也带撇号": "\t=制表符开头",
}


def test_an_exported_codebook_never_runs_a_formula_and_imports_back_unchanged(store):
    """Code names and definitions that start like a formula (CSV injection): the CSV writes
    them with an apostrophe and the XLSX as text cells, and both files import back to
    exactly the codes exported."""
    import csv
    import io

    import openpyxl

    from codebook.codes import add_code, code_tree
    from codebook.files import export_csv, export_xlsx
    from corpus.projects import create_project

    def fields(session, project_id):
        return [(n.path, n.definition) for n in code_tree(session, project_id)]

    with store.Session() as s:
        try:
            project = create_project(s, "公式代码")
            for name, definition in FORMULAS.items():
                add_code(s, project.id, name, definition=definition)
            exported = fields(s, project.id)
            csv_bytes, xlsx_bytes = export_csv(s, project.id), export_xlsx(s, project.id)
            rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
            cells = [cell for row in rows[1:] for cell in row[:2]]
            assert cells and not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t"))]
            sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes)).active
            written = [cell for row in sheet.iter_rows(min_row=2, max_col=2) for cell in row]
            assert {cell.data_type for cell in written} == {"s"}
            assert sorted(cell.value for cell in written) == sorted(v for pair in exported for v in pair)
            for filename, data in (("公式.csv", csv_bytes), ("公式.xlsx", xlsx_bytes)):
                again = create_project(s, f"再导入{filename}")
                import_codebook(s, again.id, filename, data, coder="甲")
                assert fields(s, again.id) == exported
        finally:
            s.rollback()
