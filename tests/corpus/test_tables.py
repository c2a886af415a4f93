"""Transcripts as tables (one row per turn): CSV in the encodings Excel writes, and XLSX."""

import datetime as dt

import openpyxl
import pytest

from corpus.importing import parse_document

ROWS = [
    ("受访者", "00:01:02", "我们是二〇一五年搬过来的。"),
    ("访谈者", "00:01:10", "刚来的时候习惯吗？"),
    ("受访者", "00:01:15", "不习惯，说话别人听不懂，\n买菜也不知道去哪儿。"),
]
EXPECTED_TEXT = (
    "受访者 [00:01:02]：我们是二〇一五年搬过来的。\n"
    "访谈者 [00:01:10]：刚来的时候习惯吗？\n"
    "受访者 [00:01:15]：不习惯，说话别人听不懂，\n买菜也不知道去哪儿。"
)


def csv_bytes(header, rows, encoding, delimiter=","):
    def quote(cell):
        return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\n\t') else cell

    lines = [delimiter.join(quote(cell) for cell in row) for row in [header, *rows]]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def turns(doc):
    return [(p.speaker, p.timestamp, doc.text[p.start : p.end]) for p in doc.passages]


@pytest.mark.parametrize(
    ("encoding", "detected"), [("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("utf-8", "utf-8")]
)
def test_csv_in_excel_encodings(tmp_path, encoding, detected):
    path = tmp_path / "访谈.csv"
    path.write_bytes(csv_bytes(("说话人", "时间", "内容"), ROWS, encoding))
    doc = parse_document(path.name, path.read_bytes())
    assert doc.encoding == detected
    assert doc.text == EXPECTED_TEXT
    assert turns(doc) == [(s, t, x) for s, t, x in ROWS]


@pytest.mark.parametrize(
    "header",
    [
        ("说话人", "时间", "内容"),
        ("发言人", "时间戳", "文本"),
        ("Speaker", "Timestamp", "Text"),
        ("speaker", "Start Time", "content"),
        ("角色", "开始时间", "发言内容"),
        ("姓名", "时间（秒）", "转写文本"),
    ],
)
def test_header_names(tmp_path, header):
    rows = [("张阿姨", "62", "我们楼里都是老人。"), ("社工", "75", "那平时谁照顾呢？")]
    path = tmp_path / "访谈.csv"
    path.write_bytes(csv_bytes(header, rows, "utf-8-sig"))
    doc = parse_document(path.name, path.read_bytes())
    assert turns(doc) == [
        ("张阿姨", "00:01:02", "我们楼里都是老人。"),
        ("社工", "00:01:15", "那平时谁照顾呢？"),
    ]


def test_columns_in_any_order_with_extra_columns_and_tabs(tmp_path):
    header = ("序号", "内容", "结束时间", "说话人")
    rows = [("1", "今天就聊到这儿。", "00:40:00", "访谈者"), ("2", "好，谢谢你们。", "00:40:05", "受访者")]
    path = tmp_path / "访谈.csv"
    path.write_bytes(csv_bytes(header, rows, "utf-8", delimiter="\t"))
    doc = parse_document(path.name, path.read_bytes())
    assert doc.text == "访谈者：今天就聊到这儿。\n受访者：好，谢谢你们。"
    assert turns(doc) == [("访谈者", None, "今天就聊到这儿。"), ("受访者", None, "好，谢谢你们。")]


def test_text_column_only_and_blank_rows(tmp_path):
    path = tmp_path / "笔记.csv"
    path.write_bytes("文本\n第一条观察。\n\n   \n第二条观察。\n".encode("utf-8"))
    doc = parse_document(path.name, path.read_bytes(), kind="notes")
    assert doc.text == "第一条观察。\n第二条观察。"
    assert turns(doc) == [(None, None, "第一条观察。"), (None, None, "第二条观察。")]


def save_xlsx(path, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path.read_bytes()


def test_xlsx_with_typed_time_cells(tmp_path):
    data = save_xlsx(tmp_path / "访谈.xlsx", [
        ("发言人", "开始时间", "文本"),
        ("说话人1", dt.time(0, 3, 15), "喂，您好，是张阿姨吗？"),
        ("说话人2", "00:03:20", "是我。"),
        (None, None, None),
        ("说话人2", 200.5, "你们是社区的吧？"),
        ("说话人1", dt.timedelta(minutes=3, seconds=31), "对，我们是社工站的。"),
        ("说话人1", None, "想跟您聊聊。"),
        (None, "00:04:00", "（录音中断）"),
    ])
    doc = parse_document("访谈.xlsx", data)
    assert doc.encoding == "xlsx"
    assert turns(doc) == [
        ("说话人1", "00:03:15", "喂，您好，是张阿姨吗？"),
        ("说话人2", "00:03:20", "是我。"),
        ("说话人2", "00:03:20", "你们是社区的吧？"),
        ("说话人1", "00:03:31", "对，我们是社工站的。"),
        ("说话人1", None, "想跟您聊聊。"),
        (None, "00:04:00", "（录音中断）"),
    ]
    assert doc.text.splitlines()[-1] == "[00:04:00] （录音中断）"


def test_xlsx_multiline_cell_and_outside_bmp(tmp_path):
    data = save_xlsx(tmp_path / "访谈.xlsx", [
        ("speaker", "text"),
        ("受访者", "我姓𠀋。\r\n这个字很少见😀！"),
    ])
    doc = parse_document("访谈.xlsx", data)
    assert doc.text == "受访者：我姓𠀋。\n这个字很少见😀！"
    passage = doc.passages[0]
    assert doc.text[passage.start : passage.end] == "我姓𠀋。\n这个字很少见😀！"
    assert [doc.text[s:e] for s, e in passage.sentences] == ["我姓𠀋。", "这个字很少见😀！"]


def test_table_text_reparses_as_the_same_turns(tmp_path):
    path = tmp_path / "访谈.csv"
    path.write_bytes(csv_bytes(("说话人", "时间", "内容"), ROWS, "utf-8"))
    doc = parse_document(path.name, path.read_bytes())
    again = parse_document("访谈.txt", doc.text.encode("utf-8"))
    assert again.text == doc.text
    assert turns(again) == turns(doc)
