"""Hostile and broken transcripts through the document importer (.txt, .docx, .csv, .xlsx):
``corpus.documents.import_document``, which parses with ``corpus.importing.parse_document``.

Each file must be refused with its own coded, bilingual message, and no table may change.
"""

from __future__ import annotations

import pytest

from corpus.documents import import_document
from corpus.importing import parse_document
from hostile.checks import assert_refused, within_deadline
from i18n import BianmaError
from hostile.files import (
    ELF, EXTERNAL_DOCTYPE, LAUGHS_DOCTYPE, MIB, PNG, TRANSCRIPT, XXE_DOCTYPE, deflated, docx_bomb,
    docx_file, docx_part, lying_size, members, nested_bomb, patched, reencoded, replace_member,
    truncated, unknown_encoding, with_bomb, with_declaration, with_extra_members,
    with_many_entries, xlsx_file, xlsx_part, zip_bytes,
)

def case(filename: str, make, code: str):
    return pytest.param(filename, make, code, id=filename)


def docx_with(part: str, new: bytes) -> bytes:
    return replace_member(docx_file(), part, new)


def xlsx_with(new_sheet: bytes) -> bytes:
    return replace_member(xlsx_file(), "xl/worksheets/sheet1.xml", new_sheet)


# (file name, how to make the file, the code it must be refused with)
CASES = [
    # plain text
    case("空文件.txt", lambda: b"", "E101"),
    case("超大.txt", lambda: b"a" * (50 * MIB + 1), "E102"),
    case("访谈.html", lambda: b"<html><body>\xe8\xae\xbf\xe8\xb0\x88</body></html>", "E103"),
    case("图片.txt", lambda: PNG + bytes(range(256)) * 4, "E104"),
    case("程序.txt", lambda: ELF * 10, "E104"),
    case("压缩包.txt", docx_file, "E104"),
    case("空字节.txt", lambda: TRANSCRIPT.encode("utf-8") + b"\x00" * 64, "E104"),
    case("控制字符.txt", lambda: "访谈者：\x01\x02\x03\x04\x05\x06\x07您好".encode("utf-8") * 5, "E104"),
    case("乱码.txt", lambda: b"\x80\xff" * 100, "E105"),
    case("截断的UTF-16.txt", lambda: b"\xff\xfe" + "访谈者：您好".encode("utf-16-le") + b"\x00", "E105"),
    case("代理字符.txt", lambda: "访谈者：您好".encode() + b"\xed\xa0\x80" + "受访者：好".encode() * 5,
         "E105"),
    case("只有空白.txt", lambda: b"\n \n\t\n\xe3\x80\x80\n", "E114"),
    # Word
    case("超大.docx", lambda: b"PK\x03\x04" + bytes(50 * MIB), "E102"),
    case("不是压缩包.docx", lambda: TRANSCRIPT.encode("utf-8"), "E106"),
    case("截断.docx", lambda: truncated(docx_file()), "E106"),
    case("谎报大小.docx", lambda: lying_size(docx_file(), "word/document.xml"), "E106"),
    case("加密条目.docx", lambda: patched(docx_file(), "word/document.xml", flags=0x1), "E106"),
    case("未知压缩.docx", lambda: patched(docx_file(), "word/document.xml", method=99), "E106"),
    case("缺正文.docx", lambda: zip_bytes({name: body for name, body in members(docx_file()).items()
                                       if name != "word/document.xml"}), "E106"),
    case("嵌套压缩包.docx", lambda: docx_with("word/document.xml", nested_bomb()), "E106"),
    case("压缩炸弹.docx", docx_bomb, "E108"),
    case("条目过多.docx", lambda: with_many_entries(docx_file(), 5001), "E109"),
    case("XXE.docx", lambda: docx_with("word/document.xml", with_declaration(docx_part(), XXE_DOCTYPE)),
         "E110"),
    case("十亿笑声.docx", lambda: docx_with("word/document.xml",
                                        with_declaration(docx_part(), LAUGHS_DOCTYPE)), "E110"),
    case("类型表笑声.docx", lambda: docx_with("[Content_Types].xml", with_declaration(
        docx_part("[Content_Types].xml"), LAUGHS_DOCTYPE)), "E110"),
    case("外部DTD.docx", lambda: docx_with("_rels/.rels", with_declaration(
        docx_part("_rels/.rels"), EXTERNAL_DOCTYPE)), "E110"),
    case("未知编码.docx", lambda: docx_with("word/document.xml", unknown_encoding(docx_part())),
         "E106"),
    case("GBK编码.docx", lambda: docx_with("word/document.xml", reencoded(docx_part(), "gbk")),
         "E106"),
    # tables
    case("乱码.csv", lambda: b"\x80\xff" * 100, "E105"),
    case("图片.csv", lambda: PNG * 20, "E104"),
    case("引号不配对.csv", lambda: '说话人,内容\n甲,"你好\n乙,好'.encode("utf-8"), "E113"),
    case("没有内容列.csv", lambda: "说话人,年龄\n甲,30\n".encode("utf-8"), "E111"),
    case("时间无效.csv", lambda: "说话人,时间,内容\n甲,昨天下午,你好\n".encode("utf-8"), "E112"),
    case("不是压缩包.xlsx", lambda: "说话人,内容\n甲,你好\n".encode("utf-8"), "E107"),
    case("截断.xlsx", lambda: truncated(xlsx_file()), "E107"),
    case("谎报大小.xlsx", lambda: lying_size(xlsx_file(), "xl/worksheets/sheet1.xml"), "E107"),
    case("加密条目.xlsx", lambda: patched(xlsx_file(), "xl/worksheets/sheet1.xml", flags=0x1), "E107"),
    case("XML残缺.xlsx", lambda: xlsx_with(xlsx_part()[:-20]), "E107"),
    case("压缩炸弹.xlsx", lambda: with_bomb(xlsx_file(), "xl/media/image1.png", 257), "E108"),
    case("条目过多.xlsx", lambda: with_many_entries(xlsx_file(), 5001), "E109"),
    case("XXE.xlsx", lambda: xlsx_with(with_declaration(xlsx_part(), XXE_DOCTYPE)), "E110"),
    case("十亿笑声.xlsx", lambda: xlsx_with(with_declaration(xlsx_part(), LAUGHS_DOCTYPE)), "E110"),
    case("未知编码.xlsx", lambda: xlsx_with(unknown_encoding(xlsx_part())), "E107"),
    case("GBK编码.xlsx", lambda: xlsx_with(reencoded(xlsx_part(), "gbk")), "E107"),
]


@pytest.mark.parametrize("filename, make, code", CASES)
def test_a_hostile_transcript_is_refused_and_nothing_is_stored(store, filename, make, code):
    data = make()
    error = assert_refused(store, code, lambda s: import_document(
        s, store.project_id, filename, data, kind="interview", coder="甲"))
    # Every refusal names the file, in both languages.
    assert filename in error.message("zh") and filename in error.message("en")
    # The pure parser refuses it the same way, before any session exists.
    with pytest.raises(type(error)) as again:
        within_deadline(lambda: parse_document(filename, data, "interview"))
    assert again.value.code == code


def test_an_archive_nested_inside_a_docx_is_never_unpacked(store):
    """A zip of zip bombs as an embedded object: the importer reads the text and nothing
    else, so the file imports (and the bombs stay shut)."""
    data = with_extra_members(docx_file(), [deflated("word/embeddings/oleObject1.bin", nested_bomb())])
    parsed = within_deadline(lambda: parse_document("嵌入压缩包.docx", data))
    assert parsed.text == TRANSCRIPT.rstrip("\n")
    assert [parsed.text[p.start:p.end] for p in parsed.passages] == ["您来城里几年了？",
                                                                      "五年了，刚来的时候谁也不认识。"]


def test_the_bombs_are_real():
    """Guard for the corpus itself: the docx bomb's member inflates to what it declares."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(docx_bomb())) as archive:
        info = archive.getinfo("word/media/image1.png")
        assert info.file_size == 257 * MIB and info.compress_size < MIB
        with archive.open(info) as stream:
            assert stream.read(4 * MIB) == bytes(4 * MIB)


def test_a_csv_cell_longer_than_the_csv_modules_default_limit_imports(store):
    """Python's csv refuses a field over 131,072 characters with the error an unpaired quote
    gives; one long answer pasted into one cell is not a malformed file."""
    answer = "我们家是二〇一五年从老家搬过来的，刚来的时候谁也不认识。" * 6000  # 168,000 characters
    data = ("说话人,内容\n访谈者,后来呢？\n受访者," + answer + "\n").encode("utf-8")
    parsed = within_deadline(lambda: parse_document("长回答.csv", data, "interview"))
    assert [parsed.text[p.start:p.end] for p in parsed.passages][-1] == answer
    # A quote left open is still reported as one, however long the rest of the file.
    broken = ('说话人,内容\n受访者,"' + answer + "\n访谈者,好\n").encode("utf-8")
    with pytest.raises(BianmaError) as caught:
        parse_document("引号不配对的长回答.csv", broken, "interview")
    assert caught.value.code == "E113"


def test_several_leading_byte_order_marks_are_all_dropped_once_and_for_all(store):
    """Text normalised once does not change when normalised again (a .qdpx import hands the
    normalised text to the document importer, which normalises it again)."""
    from corpus.normalize import normalize_text

    raw = "\ufeff\ufeff\ufeff" + TRANSCRIPT
    assert normalize_text(raw) == TRANSCRIPT == normalize_text(normalize_text(raw))
    with store.Session() as session:
        try:
            document = import_document(session, store.project_id, "三个BOM.txt",
                                       raw.encode("utf-8"), kind="interview", coder="甲")
            assert document.text == TRANSCRIPT
        finally:
            session.rollback()
