"""Encoding detection on interview text as researchers' files really carry it."""

import pytest

from corpus.importing import parse_document
from corpus.reading import decode_text

# A realistic transcript page (about 300 characters), with the punctuation, digits, quotes and
# line breaks that real files have; every encoding below can represent all of it.
TRANSCRIPT = (
    "访谈编号：SH-07\n访谈时间：2023年5月12日下午\n\n"
    "访谈者：您是哪一年搬到这个社区的？\n"
    "受访者：大概是二零一五年吧，那时候孩子刚上小学。\n"
    "访谈者：搬过来以后生活上有什么困难吗？\n"
    "受访者：困难肯定有啊，一开始语言不通，邻居说的话听不懂，买菜都不知道去哪里。"
    "后来慢慢熟悉了，社区的社工也来帮忙，组织了一些活动，我才认识了几个老乡。\n"
    "访谈者：您觉得社区活动对您有帮助吗？\n"
    "受访者：有帮助的。像那个“邻里节”，大家一起包饺子，我就是在那儿认识了张阿姨。"
    "她人很好，有什么事都会叫上我。现在孩子上初中了，我也在超市找了份工作，"
    "每个月三千多块钱，比在老家强多了。\n"
)
SHORT = "问：几岁了？\n答：六十八。"
TINY = "受访者：嗯。"

ENCODINGS = [
    pytest.param(lambda s: s.encode("utf-8"), "utf-8", id="UTF-8"),
    pytest.param(lambda s: b"\xef\xbb\xbf" + s.encode("utf-8"), "utf-8-sig", id="UTF-8 with BOM"),
    pytest.param(lambda s: s.encode("gb18030"), "gb18030", id="GB18030"),
    pytest.param(lambda s: s.encode("gbk"), "gb18030", id="GBK"),
    pytest.param(lambda s: b"\xff\xfe" + s.encode("utf-16-le"), "utf-16", id="UTF-16LE with BOM"),
    pytest.param(lambda s: b"\xfe\xff" + s.encode("utf-16-be"), "utf-16", id="UTF-16BE with BOM"),
]


@pytest.mark.parametrize("text", [TRANSCRIPT, SHORT, TINY], ids=["transcript", "short", "tiny"])
@pytest.mark.parametrize(("encode", "encoding"), ENCODINGS)
def test_detects_encoding(text, encode, encoding):
    doc = parse_document("访谈.txt", encode(text))
    assert doc.encoding == encoding
    assert doc.text == text
    reference = parse_document("访谈.txt", text.encode("utf-8"))
    assert doc.passages == reference.passages


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(codec):
    doc = parse_document("访谈.txt", TRANSCRIPT.encode(codec))
    assert doc.encoding == codec
    assert doc.text == TRANSCRIPT


def test_gb18030_four_byte_characters():
    text = TRANSCRIPT + "受访者：我老家在𠀋村，😀。\n"
    doc = parse_document("访谈.txt", text.encode("gb18030"))
    assert doc.encoding == "gb18030"
    assert doc.text == text


@pytest.mark.parametrize("length", [2, 4, 7, 12, 20, 40, 80, 160])
def test_gbk_snippets_of_any_length_are_not_taken_for_big5(length):
    # Charset detectors confuse GBK and Big5 on short inputs; a GBK file must read back intact.
    snippet = TRANSCRIPT[len("访谈编号：SH-07\n访谈时间：2023年5月12日下午\n\n"):][:length]
    decoded = decode_text("访谈.txt", snippet.encode("gbk"))
    assert (decoded.encoding, decoded.text) == ("gb18030", snippet)


def test_big5_transcript():
    text = (
        "訪談者：您是哪一年搬到這個社區的？\n受訪者：大概是二零一五年吧，那時候孩子剛上小學。\n"
        "訪談者：搬過來以後生活上有什麼困難嗎？\n受訪者：困難肯定有啊，一開始語言不通，"
        "鄰居說的話聽不懂，買菜都不知道去哪裡。後來慢慢熟悉了，社區的社工也來幫忙。\n"
    )
    decoded = decode_text("訪談.txt", text.encode("big5"))
    assert (decoded.encoding, decoded.text) == ("big5", text)


def test_windows_line_endings_in_gbk_file():
    doc = parse_document("访谈.txt", TRANSCRIPT.replace("\n", "\r\n").encode("gbk"))
    assert doc.text == TRANSCRIPT
