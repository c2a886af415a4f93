"""Normalisation moves no character except line endings and a leading BOM."""

import pytest

from corpus.importing import parse_document
from corpus.normalize import normalize_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("访谈者：你好。\r\n受访者：好。\r\n", "访谈者：你好。\n受访者：好。\n"),
        ("第一行\r第二行\r", "第一行\n第二行\n"),
        ("混合\r\n换行\r符号\n结束", "混合\n换行\n符号\n结束"),
        ("\r\r\n\n", "\n\n\n"),
        ("\ufeff访谈者：你好。", "访谈者：你好。"),
        ("访谈者：\ufeff你好。", "访谈者：\ufeff你好。"),
        # NFKC would fold every one of these; the researcher's text must stay as written.
        ("ＡＢＣ１２３，全角！", "ＡＢＣ１２３，全角！"),
        ("①②③ ㈠㈡ ﬁ ㎡ ½", "①②③ ㈠㈡ ﬁ ㎡ ½"),
        ("e\u0301 和 é", "e\u0301 和 é"),
        ("　　全角空格缩进\t制表符", "　　全角空格缩进\t制表符"),
        ("行分隔符\u2028段分隔符\u2029结束", "行分隔符\u2028段分隔符\u2029结束"),
    ],
)
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == expected


def test_document_text_is_the_normalised_file():
    raw = "\ufeff访谈者：您好！\r\n受访者：ＯＫ，①号楼。\r\n"
    doc = parse_document("访谈.txt", raw.encode("utf-8"))
    assert doc.text == "访谈者：您好！\n受访者：ＯＫ，①号楼。\n"


def test_reparsing_the_stored_text_gives_the_same_document():
    raw = "\ufeff访谈者：您好！\r\n\r\n受访者：ＯＫ。\r"
    first = parse_document("访谈.txt", raw.encode("utf-8"))
    again = parse_document("访谈.txt", first.text.encode("utf-8"))
    assert again.text == first.text
    assert (again.passages, again.sentences) == (first.passages, first.sentences)
