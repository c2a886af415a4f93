"""Hostile and broken files, made here (never downloaded): zip bombs, XXE, billion laughs,
truncated and corrupt archives, forged headers, wrong encodings.

Every builder returns bytes and is cached: a case that runs on two databases builds its file
once. The zip bombs are honest ones: a real deflate stream that would inflate to the size it
declares (built from one compressed megabyte of zeros repeated, so making a gigabyte-sized
bomb takes a fraction of a second).
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

import docx
import openpyxl

MIB = 1024 * 1024
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
TRANSCRIPT = "访谈者：您来城里几年了？\n受访者：五年了，刚来的时候谁也不认识。\n"

XXE_DOCTYPE = '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS_DOCTYPE = (
    '<!DOCTYPE r [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
              for n in range(1, 10))
    + "]>"
)
EXTERNAL_DOCTYPE = '<!DOCTYPE r SYSTEM "http://203.0.113.9/evil.dtd">'


# --- zip archives written by hand, for what zipfile will not write -------------------------


@dataclass(frozen=True)
class RawEntry:
    """One member: its bytes as stored, and what the headers claim about it."""

    name: str
    stored: bytes
    crc: int
    size: int  # uncompressed size, as declared
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0


def raw_zip(entries: list[RawEntry]) -> bytes:
    """A zip archive (no zip64, so each size below 4 GiB) with exactly the headers given."""
    out = bytearray()
    central = bytearray()
    for entry in entries:
        name = entry.name.encode("utf-8")
        flags = entry.flags | 0x800  # names in UTF-8
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, entry.method, 0, 0x21,
                           entry.crc, len(entry.stored), entry.size, len(name), 0)
        out += name + entry.stored
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, entry.method, 0,
                               0x21, entry.crc, len(entry.stored), entry.size, len(name), 0, 0,
                               0, 0, 0, offset)
        central += name
    start = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central),
                       start, 0)
    return bytes(out)


def stored(name: str, data: bytes) -> RawEntry:
    return RawEntry(name, data, zlib.crc32(data), len(data), zipfile.ZIP_STORED)


def deflated(name: str, data: bytes) -> RawEntry:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return RawEntry(name, compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data))


@functools.cache
def _zeros_segment() -> bytes:
    """One MiB of zeros, deflated and fully flushed: the compressor starts afresh after it,
    so the same bytes may follow themselves any number of times in one valid stream."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = compressor.compress(bytes(MIB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(bytes(MIB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert again == segment
    return segment


@functools.cache
def bomb_entry(name: str, mebibytes: int) -> RawEntry:
    """A member that really inflates to ``mebibytes`` MiB of zeros (about 1 KiB each)."""
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty last block
    crc = 0
    zeros = bytes(MIB)
    for _ in range(mebibytes):
        crc = zlib.crc32(zeros, crc)
    return RawEntry(name, _zeros_segment() * mebibytes + final, crc, mebibytes * MIB)


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def replace_member(data: bytes, name: str, new: bytes) -> bytes:
    parts = members(data)
    assert name in parts, f"{name} not in {sorted(parts)}"
    parts[name] = new
    return zip_bytes(parts)


def with_extra_members(data: bytes, extra: list[RawEntry]) -> bytes:
    return raw_zip([deflated(name, body) for name, body in members(data).items()] + extra)


def with_bomb(data: bytes, name: str, mebibytes: int) -> bytes:
    return with_extra_members(data, [bomb_entry(name, mebibytes)])


def with_many_entries(data: bytes, count: int) -> bytes:
    return with_extra_members(data, [stored(f"customXml/item{n}.bin", b"x") for n in range(count)])


def patched(data: bytes, name: str, *, flags: int | None = None, method: int | None = None,
            size: int | None = None) -> bytes:
    """Forge a member's flags, compression method or declared size in both of its headers."""
    raw = bytearray(data)
    layouts = ((b"PK\x03\x04", 6, 8, 22, 26, 30), (b"PK\x01\x02", 8, 10, 24, 28, 46))
    for signature, flags_at, method_at, size_at, name_length_at, name_at in layouts:
        position = raw.find(signature)
        while position != -1:
            length = struct.unpack_from("<H", raw, position + name_length_at)[0]
            if raw[position + name_at: position + name_at + length].decode() == name:
                if flags is not None:
                    struct.pack_into("<H", raw, position + flags_at, flags)
                if method is not None:
                    struct.pack_into("<H", raw, position + method_at, method)
                if size is not None:
                    struct.pack_into("<I", raw, position + size_at, size)
            position = raw.find(signature, position + 4)
    return bytes(raw)


def lying_size(data: bytes, name: str) -> bytes:
    """The member inflates to more than its headers declare (a bomb that lies about itself)."""
    return patched(data, name, size=16)


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def with_declaration(xml: bytes, doctype: str) -> bytes:
    """``doctype`` inserted before the root element of an XML document."""
    text = xml.decode("utf-8")
    if text.startswith("<?xml"):
        end = text.index("?>") + 2
        return (text[:end] + doctype + text[end:]).encode("utf-8")
    return (doctype + text).encode("utf-8")


def reencoded(xml: bytes, encoding: str) -> bytes:
    """The same document declared and encoded in ``encoding`` (GBK, as some tools write)."""
    text = xml.decode("utf-8")
    if text.startswith("<?xml"):
        text = text[text.index("?>") + 2:]
    return f'<?xml version="1.0" encoding="{encoding}"?>'.encode("ascii") + text.encode(
        "gbk" if encoding.lower() in ("gbk", "gb2312", "gb18030") else "utf-8")


def unknown_encoding(xml: bytes) -> bytes:
    text = xml.decode("utf-8")
    if text.startswith("<?xml"):
        text = text[text.index("?>") + 2:]
    return b'<?xml version="1.0" encoding="x-bianma-unknown"?>' + text.encode("utf-8")


# --- Office documents -------------------------------------------------------------------------


@functools.cache
def docx_file() -> bytes:
    document = docx.Document()
    for line in TRANSCRIPT.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@functools.cache
def xlsx_file(rows: tuple[tuple[str, ...], ...] = (("说话人", "内容"), ("访谈者", "您来城里几年了？"),
                                                    ("受访者", "五年了。"))) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def docx_part(name: str = "word/document.xml") -> bytes:
    return members(docx_file())[name]


def xlsx_part(name: str = "xl/worksheets/sheet1.xml", rows=None) -> bytes:
    return members(xlsx_file() if rows is None else xlsx_file(rows))[name]


@functools.cache
def docx_bomb() -> bytes:
    """A .docx with an image part that inflates to 257 MiB (over the 256 MiB cap)."""
    return with_bomb(docx_file(), "word/media/image1.png", 257)


@functools.cache
def nested_bomb() -> bytes:
    """A zip whose members are zip bombs: 16 × 64 MiB inside about 70 KiB."""
    inner = raw_zip([bomb_entry(f"layer{n}.bin", 64) for n in range(4)])
    return raw_zip([deflated(f"nested{n}.zip", inner) for n in range(4)])
