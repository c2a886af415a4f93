"""Codebooks in and out as CSV (UTF-8 with BOM, GB18030) and XLSX; bad files import nothing."""

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from codebook.codes import add_code_path, code_tree
from codebook.files import export_csv, export_xlsx, import_codebook, parse_color
from codebook.specs import CodebookFileError
from coding.undo import history, undo
from corpus.projects import create_project
from i18n import BianmaError
from storage.tables import Code

CSV_ZH = (
    "代码路径,定义,纳入标准,排除标准,示例,颜色,可编码\n"
    "融入困境,移民在安置社区遇到的困难,,,,红色,否\n"
    "融入困境/社会网络萎缩,原有关系中断、新关系未建立,老邻居走散,只谈收入,“老邻居都散了”,#90BE6D,是\n"
    "融入困境/相对贫困,生活成本上升、收入偏低,,,,#abc,\n"
    "服务需求/提升经济能力,希望获得就业信息和培训,,,,,1\n"
)


def fields(session, project_id):
    return [(n.path, n.definition, n.inclusion, n.exclusion, n.example, n.color, n.is_codable)
            for n in code_tree(session, project_id)]


@pytest.fixture
def project_id(Session):
    with Session.begin() as s:
        return create_project(s, "编码本文件").id


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig"])
def test_csv_from_chinese_excel_imports_every_field(Session, project_id, encoding):
    with Session.begin() as s:
        report = import_codebook(s, project_id, "编码本.csv", CSV_ZH.encode(encoding))
    assert (report.added, report.updated, report.unchanged) == (5, 0, 0)
    with Session() as s:
        assert fields(s, project_id) == [
            ("融入困境", "移民在安置社区遇到的困难", "", "", "", "#f28482", False),
            ("融入困境/社会网络萎缩", "原有关系中断、新关系未建立", "老邻居走散", "只谈收入", "“老邻居都散了”",
             "#90be6d", True),
            ("融入困境/相对贫困", "生活成本上升、收入偏低", "", "", "", "#aabbcc", True),
            ("服务需求", "", "", "", "", fields(s, project_id)[3][5], True),
            ("服务需求/提升经济能力", "希望获得就业信息和培训", "", "", "", fields(s, project_id)[4][5], True),
        ]


def test_english_headers_and_name_parent_columns(Session, project_id):
    data = ("Name,Parent,Description,Colour,isCodable\n"
            "Needs,,Service needs,blue,no\n"
            "Income,Needs,Better income,,yes\n"
            "Jobs,Income,Job information,,\n").encode("utf-8")
    with Session.begin() as s:
        import_codebook(s, project_id, "codebook.csv", data)
    with Session() as s:
        assert [(n.path, n.definition, n.is_codable) for n in code_tree(s, project_id)] == [
            ("Needs", "Service needs", False), ("Needs/Income", "Better income", True),
            ("Needs/Income/Jobs", "Job information", True)]


def test_export_then_import_round_trips_csv_and_xlsx(Session, project_id):
    with Session.begin() as s:
        import_codebook(s, project_id, "编码本.csv", CSV_ZH.encode("utf-8"))
        csv_bytes = export_csv(s, project_id)
        xlsx_bytes = export_xlsx(s, project_id, lang="en")
        original = fields(s, project_id)
        others = [create_project(s, name).id for name in ("副本一", "副本二")]
    assert csv_bytes.startswith(b"\xef\xbb\xbf" + "代码路径,定义".encode())
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes)).active
    assert [c.value for c in sheet[1]] == ["path", "definition", "inclusion", "exclusion", "example",
                                           "colour", "codable"]
    assert sheet["F2"].fill.fgColor.rgb.endswith("F28482")
    with Session.begin() as s:
        import_codebook(s, others[0], "a.csv", csv_bytes)
        import_codebook(s, others[1], "a.xlsx", xlsx_bytes)
    with Session() as s:
        assert fields(s, others[0]) == original == fields(s, others[1])


def test_importing_again_updates_what_changed_and_is_one_undo_step(Session, project_id):
    with Session.begin() as s:
        import_codebook(s, project_id, "编码本.csv", CSV_ZH.encode("utf-8"))
    changed = CSV_ZH.replace("生活成本上升、收入偏低", "生计中断、开支上升")
    with Session.begin() as s:
        report = import_codebook(s, project_id, "编码本v2.csv", changed.encode("utf-8"))
    assert (report.added, report.updated, report.unchanged) == (0, 1, 3)
    with Session() as s:
        assert history(s, project_id).undo.label() == "导入编码本文件“编码本v2.csv”"
    with Session.begin() as s:
        undo(s, project_id)
    with Session() as s:
        assert fields(s, project_id)[2][1] == "生活成本上升、收入偏低"


BAD = (
    "代码路径,定义,颜色,可编码\n"
    "融入困境,类别,,否\n"
    "融入困境/社会网络萎缩,定义一,,\n"
    "融入困境//文化冲击,定义二,,\n"
    "融入困境/社会网络萎缩,重复,,\n"
    ",没有路径,,\n"
    "服务需求,需求,淡紫,\n"
    "服务需求/参与,参与,#12345,也许\n"
)


def test_a_bad_file_reports_every_row_in_both_languages_and_imports_nothing(Session, project_id):
    with pytest.raises(CodebookFileError) as error, Session.begin() as s:
        import_codebook(s, project_id, "坏.csv", BAD.encode("gb18030"))
    assert str(error.value).splitlines() == [
        "[E230] 编码本文件“坏.csv”中有 6 处错误，未导入任何代码： / "
        "The codebook file “坏.csv” has 6 errors; no code was imported:",
        "[E231] 第4行：代码路径“融入困境//文化冲击”中有空的名称。 / "
        "Row 4: the code path “融入困境//文化冲击” has an empty name in it.",
        "[E232] 第5行：代码路径“融入困境/社会网络萎缩”与第3行重复。 / "
        "Row 5: the code path “融入困境/社会网络萎缩” repeats row 3.",
        "[E231] 第6行：代码路径“”中有空的名称。 / Row 6: the code path “” has an empty name in it.",
        "[E233] 第7行：无法识别颜色“淡紫”，请使用 #RRGGBB（如 #f4a261）或常见颜色名称（如 红色、blue）。 / "
        "Row 7: the colour “淡紫” is not known; use #RRGGBB (e.g. #f4a261) or a common colour name (e.g. 红色, blue).",
        "[E233] 第8行：无法识别颜色“#12345”，请使用 #RRGGBB（如 #f4a261）或常见颜色名称（如 红色、blue）。 / "
        "Row 8: the colour “#12345” is not known; use #RRGGBB (e.g. #f4a261) or a common colour name (e.g. 红色, blue).",
        "[E234] 第8行：“可编码”一栏的“也许”无法识别，请填写“是”或“否”。 / "
        "Row 8: “也许” in the codable column is not understood; write yes or no.",
    ]
    assert error.value.message("en").split("  \n")[1] == (
        "[E231] Row 4: the code path “融入困境//文化冲击” has an empty name in it.")
    with Session() as s:
        assert s.scalar(select(func.count(Code.id))) == 0


def test_cycles_and_unknown_parents_in_name_parent_files(Session, project_id):
    data = ("名称,上级代码,定义\n"
            "甲,乙,\n"
            "乙,丙,\n"
            "丙,甲,\n"
            "丁,,\n"
            "戊,不存在/某代码,\n").encode("utf-8")
    with pytest.raises(CodebookFileError) as error, Session.begin() as s:
        import_codebook(s, project_id, "环.csv", data)
    assert [e.code for e in error.value.errors] == ["E235"]
    assert error.value.errors[0].message("zh") == "[E235] 第2行：代码“甲”的上级关系形成循环：甲 → 乙 → 丙 → 甲。"
    fixed = data.replace("丙,甲".encode(), "丙,丁".encode())
    with pytest.raises(CodebookFileError) as error, Session.begin() as s:
        import_codebook(s, project_id, "环.csv", fixed)
    assert [e.message("zh") for e in error.value.errors] == [
        "[E236] 第6行：找不到上级代码“不存在/某代码”，它既不在文件中，也不在项目的编码本中。"]
    with Session.begin() as s:
        add_code_path(s, project_id, "不存在/某代码")
        import_codebook(s, project_id, "环.csv", fixed)
    with Session() as s:
        assert [n.path for n in code_tree(s, project_id)] == [
            "不存在", "不存在/某代码", "不存在/某代码/戊", "丁", "丁/丙", "丁/丙/乙", "丁/丙/乙/甲"]


def test_a_coded_code_cannot_become_a_category_by_import(Session, coded):
    data = "代码路径,可编码\n融入困境/社会网络萎缩,否\n".encode("utf-8")
    with pytest.raises(CodebookFileError) as error, Session.begin() as s:
        import_codebook(s, coded["project"], "类别.csv", data)
    assert error.value.errors[0].message("zh") == (
        "[E241] 第2行：代码“融入困境/社会网络萎缩”在项目中已有 3 个编码片段，不能设为不可编码。")


@pytest.mark.parametrize("filename, data, code", [
    ("codebook.txt", b"path\nA\n", "E238"),
    ("codebook.csv", "名字,说明\n甲,乙\n".encode(), "E237"),
    ("codebook.csv", "代码路径\n\n".encode(), "E243"),
    ("codebook.csv", b"", "E101"),
    ("codebook.xlsx", b"not a zip", "E107"),
])
def test_unusable_files(Session, project_id, filename, data, code):
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        import_codebook(s, project_id, filename, data)
    assert error.value.code == code


@pytest.mark.parametrize("text, expected", [
    ("#F4A261", "#f4a261"), ("f4a261", "#f4a261"), ("#abc", "#aabbcc"), ("红色", "#f28482"),
    ("Blue", "#4cc9f0"), ("淡紫", None), ("#12345", None), ("rgb(1,2,3)", None),
])
def test_colours(text, expected):
    assert parse_color(text) == expected
