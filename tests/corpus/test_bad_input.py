"""Every way an upload can be refused, each with its own code and a message naming the file."""

import io
import zipfile

import docx
import openpyxl
import pytest

from corpus.importing import parse_document
from corpus.reading import ImportLimits
from i18n import BianmaError

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
TRANSCRIPT = "访谈者：您好。\n受访者：你好。\n".encode("utf-8")


def refused(filename, data, kind="interview", **options) -> BianmaError:
    with pytest.raises(BianmaError) as caught:
        parse_document(filename, data, kind, **options)
    error = caught.value
    # The message names the file in both languages.
    assert filename in error.message("zh") and filename in error.message("en")
    return error


def docx_bytes(tmp_path, *paragraphs):
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(tmp_path / "x.docx")
    return (tmp_path / "x.docx").read_bytes()


def zip_bytes(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize("filename", ["访谈.txt", "访谈.docx", "访谈.csv", "访谈.xlsx"])
def test_empty_file(filename):
    assert refused(filename, b"").code == "E101"


def test_too_large_is_refused_before_decoding():
    # Undecodable bytes: had the file been decoded first, the error would be E105.
    error = refused("访谈.txt", b"\xff" * 2001, limits=ImportLimits(max_file_bytes=2000))
    assert error.code == "E102"
    assert "2000" not in error.message("zh")  # shown in MB, not bytes
    assert "MB" in error.message("zh")


def test_default_cap_is_50_megabytes():
    data = b"a" * (50 * 1024 * 1024 + 1)
    error = refused("访谈.txt", data)
    assert error.code == "E102"
    assert error.params["limit_mb"] == "50.0"


@pytest.mark.parametrize("filename", ["访谈.pdf", "访谈.doc", "访谈.xls", "访谈", "访谈.txt.exe"])
def test_unsupported_extension(filename):
    error = refused(filename, TRANSCRIPT)
    assert error.code == "E103"


def test_extension_case_does_not_matter():
    assert parse_document("访谈.TXT", TRANSCRIPT).passages


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(PNG, id="PNG"),
        pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", id="PDF"),
        pytest.param(TRANSCRIPT + b"\x00\x00\x00\x00", id="NUL bytes"),
        pytest.param(b"\x00\x01\x02\x03" * 50, id="NUL bytes only"),
        pytest.param("访谈者：您好。\x07\x08\x01\x02\x03受访者：你好。".encode("utf-8"), id="control characters"),
    ],
)
def test_binary_file(data):
    assert refused("访谈.txt", data).code == "E104"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"abc\x80\x81\xff" * 30, id="bytes no Chinese encoding has"),
        pytest.param(b"\xef\xbb\xbf" + "你好".encode("gbk"), id="UTF-8 BOM on GBK bytes"),
        pytest.param("café au lait".encode("latin-1"), id="Latin-1"),
    ],
)
def test_undecodable(data):
    assert refused("访谈.txt", data).code == "E105"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(PNG, id="PNG renamed"),
        pytest.param(TRANSCRIPT, id="text renamed"),
        pytest.param(zip_bytes([("readme.txt", "不是 Word 文档")]), id="zip without a document"),
        pytest.param(b"PK\x03\x04" + b"\x00" * 40, id="truncated zip"),
    ],
)
def test_docx_that_is_not_a_docx(data):
    assert refused("访谈.docx", data).code == "E106"


def test_xlsx_that_is_not_a_workbook(tmp_path):
    assert refused("访谈.xlsx", TRANSCRIPT).code == "E107"
    assert refused("访谈.xlsx", docx_bytes(tmp_path, "访谈者：你好。")).code == "E107"


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            zeros = b"\x00" * (1 << 20)
            for _ in range(257):  # 257 MB unpacked from about 260 KB
                entry.write(zeros)
    return buffer.getvalue()


@pytest.mark.parametrize("filename", ["炸弹.docx", "炸弹.xlsx"])
def test_zip_bomb(filename, zip_bomb):
    assert len(zip_bomb) < 1024 * 1024
    error = refused(filename, zip_bomb)
    assert error.code == "E108"
    assert error.params["limit_mb"] == "256.0"


def test_too_many_entries():
    data = zip_bytes([(f"word/media/image{n}.xml", "<a/>") for n in range(5001)])
    error = refused("访谈.docx", data)
    assert error.code == "E109"


def test_archive_limits_are_configurable(tmp_path):
    data = docx_bytes(tmp_path, "访谈者：你好。")
    assert refused("访谈.docx", data, limits=ImportLimits(max_archive_entries=3)).code == "E109"
    assert refused("访谈.docx", data, limits=ImportLimits(max_unpacked_bytes=1000)).code == "E108"


def test_xml_with_a_dtd(tmp_path):
    source = io.BytesIO(docx_bytes(tmp_path, "访谈者：你好。"))
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"
    )
    output = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(output, "w") as patched:
        for item in original.infolist():
            content = bomb if item.filename == "word/document.xml" else original.read(item)
            patched.writestr(item, content)
    assert refused("访谈.docx", output.getvalue()).code == "E110"


@pytest.mark.parametrize(
    "header",
    [("说话人", "时间", "备注"), ("speaker", "time"), ("受访者", "我们搬过来以后")],
)
def test_csv_without_text_column(header):
    data = (",".join(header) + "\n张阿姨,00:01:00,嗯\n").encode("utf-8")
    error = refused("访谈.csv", data)
    assert error.code == "E111"
    assert header[0] in error.message("zh")


def test_xlsx_without_text_column(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(("说话人", "时间"))
    workbook.active.append(("张阿姨", "00:01:00"))
    workbook.save(tmp_path / "访谈.xlsx")
    error = refused("访谈.xlsx", (tmp_path / "访谈.xlsx").read_bytes())
    assert error.code == "E111"


def test_unrecognised_time_names_the_row():
    data = "说话人,时间,内容\n张阿姨,00:01:00,嗯。\n\n社工,大约三分钟,后来呢？\n".encode("gbk")
    error = refused("访谈.csv", data)
    assert error.code == "E112"
    assert error.params["row"] == 4
    assert "第4行" in error.message("zh") and "Row 4" in error.message("en")
    assert "大约三分钟" in error.message("zh")


def test_unrecognised_time_in_xlsx_names_the_row(tmp_path):
    workbook = openpyxl.Workbook()
    for row in [("发言人", "时间", "文本"), ("说话人1", "00:00:05", "好。"), ("说话人2", "下午", "嗯。")]:
        workbook.active.append(row)
    workbook.save(tmp_path / "访谈.xlsx")
    error = refused("访谈.xlsx", (tmp_path / "访谈.xlsx").read_bytes())
    assert (error.code, error.params["row"]) == ("E112", 3)


def test_malformed_csv_names_the_row():
    data = '说话人,内容\n张阿姨,嗯。\n社工,"后来"呢\n张阿姨,好。\n'.encode("utf-8")
    error = refused("访谈.csv", data)
    assert (error.code, error.params["row"]) == ("E113", 3)


@pytest.mark.parametrize(
    ("filename", "data", "kind"),
    [
        pytest.param("访谈.txt", " \n\u3000\n\t".encode("utf-8"), "interview", id="whitespace"),
        pytest.param("访谈.txt", "\ufeff\r\n".encode("utf-8"), "notes", id="BOM and a line break"),
        pytest.param("访谈.txt", "访谈者：\n受访者：\n".encode("utf-8"), "interview", id="labels only"),
        pytest.param("访谈.csv", "说话人,内容\n".encode("utf-8"), "interview", id="CSV header only"),
        pytest.param("访谈.csv", "说话人,内容\n张阿姨,\n".encode("utf-8"), "interview", id="CSV empty cells"),
        pytest.param("访谈.csv", b",,\n,,\n", "interview", id="CSV of empty cells"),
    ],
)
def test_no_text_after_parsing(filename, data, kind):
    assert refused(filename, data, kind).code == "E114"


def test_no_text_in_docx_or_xlsx(tmp_path):
    assert refused("空.docx", docx_bytes(tmp_path, "", "  ")).code == "E114"
    openpyxl.Workbook().save(tmp_path / "空.xlsx")
    assert refused("空.xlsx", (tmp_path / "空.xlsx").read_bytes()).code == "E114"


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        parse_document("访谈.txt", TRANSCRIPT, "diary")
