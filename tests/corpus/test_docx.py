"""Word documents built here with python-docx, read back as transcripts and as notes."""

import docx
import pytest

from corpus.importing import parse_document


def save_docx(path, paragraphs, *, table_rows=(), closing=()):
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table_rows:
        table = document.add_table(rows=0, cols=len(table_rows[0]))
        for cells in table_rows:
            row = table.add_row()
            for cell, text in zip(row.cells, cells):
                cell.text = text
    for text in closing:
        document.add_paragraph(text)
    document.save(path)
    return path.read_bytes()


def test_interview_paragraphs_in_order(tmp_path):
    data = save_docx(tmp_path / "访谈.docx", [
        "社区融入访谈（三）",
        "访谈者：您是什么时候来上海的？",
        "受访者：零八年，跟着老乡过来的。",
        "",
        "访谈者：刚来的时候住在哪里？",
        "受访者：城中村，一间屋住四个人。",
    ])
    doc = parse_document("访谈.docx", data)
    assert doc.encoding == "docx"
    assert doc.text == (
        "社区融入访谈（三）\n访谈者：您是什么时候来上海的？\n受访者：零八年，跟着老乡过来的。\n\n"
        "访谈者：刚来的时候住在哪里？\n受访者：城中村，一间屋住四个人。"
    )
    assert [(p.speaker, doc.text[p.start : p.end]) for p in doc.passages] == [
        (None, "社区融入访谈（三）"),
        ("访谈者", "您是什么时候来上海的？"),
        ("受访者", "零八年，跟着老乡过来的。"),
        ("访谈者", "刚来的时候住在哪里？"),
        ("受访者", "城中村，一间屋住四个人。"),
    ]


def test_line_break_inside_a_paragraph_continues_the_turn(tmp_path):
    document = docx.Document()
    paragraph = document.add_paragraph("受访者：我们搬过来以后……")
    paragraph.add_run().add_break()
    paragraph.add_run("什么都不懂。")
    document.add_paragraph("访谈者：嗯。")
    document.save(tmp_path / "换行.docx")
    doc = parse_document("换行.docx", (tmp_path / "换行.docx").read_bytes())
    assert [(p.speaker, doc.text[p.start : p.end]) for p in doc.passages] == [
        ("受访者", "我们搬过来以后……\n什么都不懂。"),
        ("访谈者", "嗯。"),
    ]


def test_a_speaker_table_between_paragraphs(tmp_path):
    data = save_docx(
        tmp_path / "表格.docx",
        ["访谈者：我们从头说起吧。"],
        table_rows=[("受访者", "好。我是零八年来的。"), ("访谈者", "一个人来的吗？")],
        closing=["受访者：和我爱人一起。"],
    )
    doc = parse_document("表格.docx", data)
    assert [(p.speaker, doc.text[p.start : p.end]) for p in doc.passages] == [
        ("访谈者", "我们从头说起吧。"),
        ("受访者", "好。我是零八年来的。"),
        ("访谈者", "一个人来的吗？"),
        ("受访者", "和我爱人一起。"),
    ]


def test_notes_from_docx_are_one_passage_per_paragraph(tmp_path):
    data = save_docx(tmp_path / "观察笔记.docx", [
        "2023年5月12日 上午 社区活动室",
        "几位老人在下棋，旁边有人在聊拆迁的事。",
        "社工小王进来后，大家安静了一会儿。",
    ])
    doc = parse_document("观察笔记.docx", data, kind="notes")
    assert [doc.text[p.start : p.end] for p in doc.passages] == [
        "2023年5月12日 上午 社区活动室",
        "几位老人在下棋，旁边有人在聊拆迁的事。",
        "社工小王进来后，大家安静了一会儿。",
    ]
    assert all(p.speaker is None for p in doc.passages)


@pytest.mark.parametrize("kind", ["interview", "notes"])
def test_characters_outside_the_bmp_keep_offsets(tmp_path, kind):
    data = save_docx(tmp_path / "生僻字.docx", ["访谈者：您贵姓？😀", "受访者：姓𠀋，𠀋字很少见。好记吧😀？"])
    doc = parse_document("生僻字.docx", data, kind=kind)
    texts = [doc.text[p.start : p.end] for p in doc.passages]
    assert texts[-1].endswith("𠀋，𠀋字很少见。好记吧😀？")
    sentences = [doc.text[s:e] for s, e in doc.passages[-1].sentences]
    assert sentences[-1] == "好记吧😀？"
