"""From uploaded bytes to text or table rows: size caps, encoding detection, .docx, .csv, .xlsx.

Everything here treats the upload as hostile: sizes are checked before anything is decoded or
unpacked, archives are measured before a parser opens them, and each refusal is a
``BianmaError`` naming the file.
"""

from __future__ import annotations

import csv
import io
import re
import threading
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePath

import charset_normalizer
import defusedxml.ElementTree
import docx
import openpyxl
from defusedxml import DefusedXmlException
from docx.table import Table

from corpus.normalize import normalize_text
from i18n import BianmaError

MIB = 1024 * 1024
FORMATS = {".txt": "text", ".docx": "docx", ".csv": "csv", ".xlsx": "xlsx"}
# Below this many bytes charset-normalizer has too little evidence. Measured on snippets of
# interview text: it read a few GBK snippets of up to 16 characters (32 bytes) as Big5, and
# none of 24 characters or more; 64 bytes leaves a margin.
SHORT_PAYLOAD_BYTES = 64
# Without a byte-order mark we choose only among encodings our users' files come in:
# GB18030 (superset of GBK and GB2312, the default of Simplified Chinese Windows) and Big5.
_LEGACY_CANDIDATES = ["gb18030", "big5"]
_UTF16_CANDIDATES = ["utf_16_le", "utf_16_be"]
_CODEC_NAMES = {"utf_16_le": "utf-16-le", "utf_16_be": "utf-16-be"}
# Longest first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# Images, PDFs, archives, old Office files and executables: certain, and cheaper than decoding.
_BINARY_SIGNATURES = (
    b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"%PDF-", b"PK\x03\x04",
    b"PK\x05\x06", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x1f\x8b", b"\x7fELF", b"Rar!\x1a\x07",
    b"7z\xbc\xaf\x27\x1c",
)
# Control characters that never occur in typed text (tab, line breaks, \x0b from Word's manual
# line break and \x0c stay allowed).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
_FIELD_LIMIT_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class ImportLimits:
    """Caps checked before decoding or unpacking; the defaults suit interview files."""

    max_file_bytes: int = 50 * MIB
    max_unpacked_bytes: int = 256 * MIB
    max_archive_entries: int = 5000


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    encoding: str


# A table row as (row number as a spreadsheet shows it, cell values).
TableRow = tuple[int, tuple[object, ...]]


def file_format(filename: str) -> str:
    """``'text'``, ``'docx'``, ``'csv'`` or ``'xlsx'`` from the extension; E103 otherwise."""
    extension = PurePath(filename).suffix.lower()
    if extension not in FORMATS:
        raise BianmaError("E103", filename=filename, extension=extension or "—")
    return FORMATS[extension]


def check_size(filename: str, data: bytes, limits: ImportLimits) -> None:
    if not data:
        raise BianmaError("E101", filename=filename)
    if len(data) > limits.max_file_bytes:
        raise BianmaError(
            "E102", filename=filename, size_mb=_megabytes(len(data)),
            limit_mb=_megabytes(limits.max_file_bytes),
        )


def decode_text(filename: str, data: bytes) -> DecodedText:
    """The text of a plain-text upload and the encoding it was read with.

    Byte-order marks and strict UTF-8 are tried before charset-normalizer because both are
    cheap and certain: a BOM states the encoding, and GBK or Big5 Chinese text is practically
    never valid UTF-8, whereas a statistical guess can be wrong, above all on short files.
    """
    if data.startswith(_BINARY_SIGNATURES):
        raise BianmaError("E104", filename=filename)
    encoding = _encoding_from_bom(data)
    if encoding is None and b"\x00" in data:
        # NUL bytes without a BOM: UTF-16 written without its mark, or a binary file.
        encoding = _best_guess(data, _UTF16_CANDIDATES)
        if encoding is None:
            raise BianmaError("E104", filename=filename)
    if encoding is None:
        # Decoded once: the check that the bytes are UTF-8 gives the text as well.
        if (text := _utf8_text(data)) is not None:
            return _typed_text(filename, text, "utf-8", utf8=data)
        encoding = _legacy_encoding(data)
    if encoding is None:
        raise BianmaError("E105", filename=filename)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise BianmaError("E105", filename=filename) from error
    return _typed_text(filename, text, encoding)


def _typed_text(
    filename: str, text: str, encoding: str, utf8: bytes | None = None
) -> DecodedText:
    """The decoded text, unless it is a binary file that happened to decode."""
    if _looks_binary(text, utf8):
        raise BianmaError("E104", filename=filename)
    return DecodedText(text, encoding)


def read_docx_text(filename: str, data: bytes, limits: ImportLimits) -> str:
    """Body paragraphs and table rows in document order, one line each."""
    check_archive(filename, data, limits, invalid_code="E106")
    try:
        document = docx.Document(io.BytesIO(data))
        lines = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines.extend(_table_lines(block))
            else:
                lines.append(block.text)
    # python-docx raises many types on a damaged package (KeyError for a missing part,
    # ValueError for a wrong content type, lxml errors, ...); all mean "not a usable .docx".
    except Exception as error:
        raise BianmaError("E106", filename=filename) from error
    return "\n".join(lines)


def read_csv_rows(filename: str, data: bytes) -> tuple[list[TableRow], str]:
    """Rows numbered as a spreadsheet shows them (header = 1), and the detected encoding."""
    decoded = decode_text(filename, data)
    text = normalize_text(decoded.text)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    _allow_fields_of(len(text))
    rows: list[TableRow] = []
    # strict: an unpaired quote is reported (E113) instead of silently swallowing later rows.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for number, cells in enumerate(reader, start=1):
            rows.append((number, tuple(cells)))
    except csv.Error as error:
        raise BianmaError("E113", filename=filename, row=len(rows) + 1) from error
    return rows, decoded.encoding


def _allow_fields_of(length: int) -> None:
    """Let one CSV cell be as long as the whole (already size-checked) text.

    Python's csv refuses a field over 131,072 characters with the same ``csv.Error`` as an
    unpaired quote, so a long answer pasted into one cell was reported as E113. The limit is
    process-wide: it is only ever raised, under a lock, so a reader in another thread never
    sees it lowered under a cell it is reading.
    """
    with _FIELD_LIMIT_LOCK:
        if csv.field_size_limit() <= length:
            csv.field_size_limit(length + 1)


def read_xlsx_rows(filename: str, data: bytes, limits: ImportLimits) -> list[TableRow]:
    """Rows of the first worksheet, with cell values as openpyxl types them."""
    check_archive(filename, data, limits, invalid_code="E107")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    # Like python-docx, openpyxl signals a damaged workbook with many exception types.
    except Exception as error:
        raise BianmaError("E107", filename=filename) from error
    try:
        if not workbook.worksheets:
            return []
        sheet = workbook.worksheets[0]
        return list(enumerate(sheet.iter_rows(values_only=True), start=1))
    except Exception as error:  # the sheet's XML is parsed lazily, here
        raise BianmaError("E107", filename=filename) from error
    finally:
        workbook.close()


def check_archive(filename: str, data: bytes, limits: ImportLimits, invalid_code: str) -> None:
    """Refuse a .docx/.xlsx that is not a zip, unpacks too big, has too many entries or a DTD.

    The declared sizes are enough to refuse a zip bomb: Python's zipfile never returns more
    bytes for an entry than its declared size, which is what python-docx and openpyxl read.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > limits.max_archive_entries:
                raise BianmaError("E109", filename=filename, limit=limits.max_archive_entries)
            if sum(entry.file_size for entry in entries) > limits.max_unpacked_bytes:
                raise BianmaError(
                    "E108", filename=filename, limit_mb=_megabytes(limits.max_unpacked_bytes)
                )
            for entry in entries:
                if entry.filename.endswith((".xml", ".rels")):
                    _refuse_dtd(filename, archive, entry, invalid_code)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
        # RuntimeError: an encrypted entry; NotImplementedError: an unknown compression method.
        raise BianmaError(invalid_code, filename=filename) from error


def _refuse_dtd(filename: str, archive: zipfile.ZipFile, entry: zipfile.ZipInfo, code: str) -> None:
    """Office XML never has a DTD; one is how entity-expansion attacks start.

    python-docx's parser already leaves entities unresolved, but we check every part with
    defusedxml anyway. A DTD can only come before the root element, so parsing stops there.
    """
    with archive.open(entry) as stream:
        try:
            for _event, _element in defusedxml.ElementTree.iterparse(
                stream, events=("start",), forbid_dtd=True
            ):
                return
        except DefusedXmlException as error:
            raise BianmaError("E110", filename=filename) from error
        # ValueError: a part declared in a multi-byte legacy encoding (GBK), which expat
        # cannot read; LookupError: an encoding Python does not know. Office writes UTF-8 or
        # UTF-16 only, so either means a damaged or forged file.
        except (defusedxml.ElementTree.ParseError, ValueError, LookupError) as error:
            raise BianmaError(code, filename=filename) from error


def _table_lines(table: Table) -> list[str]:
    """A Word table row as one line, cells separated by tabs (merged cells counted once)."""
    lines = []
    for row in table.rows:
        # python-docx repeats a merged cell once per grid column it spans.
        cells = list({id(cell._tc): cell for cell in row.cells}.values())
        lines.append("\t".join(cell.text for cell in cells))
    return lines


def _encoding_from_bom(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _utf8_text(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _legacy_encoding(data: bytes) -> str | None:
    if len(data) < SHORT_PAYLOAD_BYTES:
        # Too short for statistics: fall back on the likeliest encoding for our users.
        try:
            data.decode("gb18030")
        except UnicodeDecodeError:
            pass
        else:
            return "gb18030"
    return _best_guess(data, _LEGACY_CANDIDATES)


def _best_guess(data: bytes, candidates: list[str]) -> str | None:
    best = charset_normalizer.from_bytes(data, cp_isolation=candidates).best()
    if best is None:
        return None
    return _CODEC_NAMES.get(best.encoding, best.encoding)


def _looks_binary(text: str, utf8: bytes | None = None) -> bool:
    """NUL, or more than one character in a hundred a control character no one types.

    ``utf8``, if given, is ``text`` encoded as UTF-8, where each of those characters is one
    byte: counting bytes is three times faster than scanning the text.
    """
    if "\x00" in text:
        return True
    if utf8 is not None:
        controls = len(utf8) - len(utf8.translate(None, _CONTROL_BYTES))
    else:
        controls = len(_CONTROL.findall(text))
    return controls * 100 > len(text)


def _megabytes(size: int) -> str:
    return f"{size / MIB:.1f}"
