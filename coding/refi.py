"""What the REFI-QDA codebook (.qdc) and project (.qdpx) formats share: namespaces, GUIDs,
colours, safe XML parsing and safe reading of the project archive.

Files in these formats come from other people's machines, so everything here treats them as
hostile: XML is parsed with defusedxml and a DTD is refused outright (REFI-QDA files never need
one; it is how XXE and entity-expansion attacks start), and an archive is measured from its
directory before a single entry is decompressed.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import PurePosixPath
from xml.etree.ElementTree import Element

import defusedxml.ElementTree
from defusedxml import DefusedXmlException

from i18n import BianmaError

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = "Bianma 编码"
PROJECT_ENTRY = "project.qde"
SOURCES_FOLDER = "sources"
INTERNAL_SCHEME = "internal://"
# A document's kind decides how it is cut into passages; it travels as a source variable.
KIND_VARIABLE = "文档类型"
KIND_VALUES = {"interview": "访谈转录稿", "notes": "观察笔记"}

# Fixed root of every GUID Bianma derives (uuid5), so an export is reproducible byte for byte.
BIANMA_NAMESPACE = uuid.UUID("6f1d3c52-8a2e-5b7c-9e41-0d2b7a6c3f18")

MIB = 1024 * 1024
_GUID = re.compile(
    r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")
_RGB = re.compile(r"^#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")
# Characters XML 1.0 cannot carry at all; Word's manual line break (\x0b) is one of them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class ExchangeLimits:
    """Caps checked before anything is decompressed or parsed; the defaults suit real projects
    (a .qdpx may carry audio and video we never open, so the total is generous, while each
    part we do read is capped on its own)."""

    max_archive_bytes: int = 512 * MIB
    max_unpacked_bytes: int = 1024 * MIB
    max_entries: int = 20_000
    max_part_bytes: int = 64 * MIB
    max_codebook_bytes: int = 16 * MIB


DEFAULT_LIMITS = ExchangeLimits()


# --- GUIDs ------------------------------------------------------------------------------


def derived_guid(namespace: uuid.UUID, kind: str, key: object) -> str:
    """A GUID that is the same every time the same thing is exported."""
    return str(uuid.uuid5(namespace, f"{kind}:{key}"))


def user_guid(name: str) -> str:
    """Coders are shared by all projects of a store, so their GUID depends on the name only."""
    return derived_guid(BIANMA_NAMESPACE, "user", name)


def clean_guid(value: str | None, element: str) -> str:
    """A GUID as Bianma stores it: lower case, without the braces some tools write."""
    match = _GUID.match((value or "").strip())
    if not match:
        raise BianmaError("E813", element=element, attribute="guid", value=value or "")
    return match.group(1).lower()


def is_guid(value: str | None) -> bool:
    return bool(value) and _GUID.match(value.strip()) is not None


# --- colours, times, text ----------------------------------------------------------------


def clean_color(value: str | None) -> str | None:
    """``#rrggbb`` in lower case, or None for a missing or unreadable colour."""
    match = _RGB.match((value or "").strip())
    if not match:
        return None
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return "#" + digits


def xml_datetime(moment: datetime | None) -> str | None:
    """xsd:dateTime in UTC; SQLite hands back naive datetimes, which Bianma writes in UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_datetime(value: str | None) -> datetime | None:
    """A tolerant reading of xsd:dateTime; an unreadable time is dropped, not fatal."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def xml_text(text: str) -> str:
    """Text XML 1.0 can hold: Word's line and page breaks become newlines, other control
    characters (never typed, but pasted in now and then) are dropped."""
    return _NOT_XML.sub(lambda m: "\n" if m.group() in "\x0b\x0c" else "", text)


# --- XML --------------------------------------------------------------------------------


def tag(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def parse_xml(data: bytes, part: str) -> Element:
    """The root element of an untrusted XML document."""
    try:
        return defusedxml.ElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as error:
        raise BianmaError("E807", part=part) from error
    except defusedxml.ElementTree.ParseError as error:
        raise BianmaError("E806", part=part, detail=str(error)) from error
    # expat reads UTF-8, UTF-16 and single-byte encodings only: a document declared in GBK
    # raises ValueError, one in an encoding Python does not know LookupError. REFI-QDA files
    # are UTF-8 by the standard, so both are malformed.
    except (ValueError, LookupError) as error:
        raise BianmaError("E806", part=part, detail=str(error)) from error


def check_root(root: Element, namespace: str, name: str, part: str) -> None:
    if root.tag != tag(namespace, name):
        found = root.tag.replace("{", "").replace("}", " ").strip()
        raise BianmaError("E808", part=part, expected=f"{namespace} {name}", found=found)


def children(parent: Element | None, namespace: str, name: str) -> list[Element]:
    return [] if parent is None else parent.findall(tag(namespace, name))


def child(parent: Element | None, namespace: str, name: str) -> Element | None:
    return None if parent is None else parent.find(tag(namespace, name))


def child_text(parent: Element | None, namespace: str, name: str) -> str:
    found = child(parent, namespace, name)
    return (found.text or "") if found is not None else ""


def int_attribute(element: Element, name: str, where: str) -> int:
    value = element.get(name)
    try:
        return int((value or "").strip())
    except ValueError:
        raise BianmaError("E813", element=where, attribute=name, value=value or "") from None


# --- the archive ------------------------------------------------------------------------


def megabytes(size: int) -> str:
    return f"{size / MIB:.1f}".removesuffix(".0")


def check_entry_name(name: str) -> None:
    """Refuse names that would escape a folder if anyone ever unpacked the archive."""
    parts = re.split(r"[\\/]", name)
    if (name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or "\x00" in name
            or ".." in parts):
        raise BianmaError("E803", path=name)


class SafeArchive:
    """A .qdpx opened for reading after its directory has been checked.

    Only the parts Bianma uses (project.qde and the plain-text sources) are ever read, each
    through a cap, so neither a zip bomb nor a forged size in the directory gets through.
    """

    def __init__(self, data: bytes, filename: str, limits: ExchangeLimits = DEFAULT_LIMITS) -> None:
        self.filename = filename
        self.limits = limits
        if len(data) > limits.max_archive_bytes:
            raise BianmaError("E805", filename=filename, limit_mb=megabytes(limits.max_archive_bytes))
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            entries = self._zip.infolist()
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as error:
            raise BianmaError("E801", filename=filename) from error
        if len(entries) > limits.max_entries:
            raise BianmaError("E804", filename=filename, count=len(entries), limit=limits.max_entries)
        if sum(entry.file_size for entry in entries) > limits.max_unpacked_bytes:
            raise BianmaError("E805", filename=filename, limit_mb=megabytes(limits.max_unpacked_bytes))
        for entry in entries:
            check_entry_name(entry.filename)
        # Other tools differ in case (NVivo writes Sources/), so look names up case-insensitively.
        self._names = {entry.filename.casefold(): entry for entry in entries if not entry.is_dir()}

    def find(self, name: str) -> zipfile.ZipInfo | None:
        return self._names.get(name.casefold())

    def read(self, name: str) -> bytes:
        entry = self.find(name)
        if entry is None:
            raise KeyError(name)
        if entry.flag_bits & 0x1:
            raise BianmaError("E815", filename=self.filename, path=entry.filename)
        if entry.file_size > self.limits.max_part_bytes:
            raise BianmaError("E805", filename=self.filename,
                              limit_mb=megabytes(self.limits.max_part_bytes))
        try:
            with self._zip.open(entry) as stream:
                data = stream.read(self.limits.max_part_bytes + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
            raise BianmaError("E801", filename=self.filename) from error
        if len(data) > self.limits.max_part_bytes:
            raise BianmaError("E805", filename=self.filename,
                              limit_mb=megabytes(self.limits.max_part_bytes))
        return data


def internal_entry(path: str) -> str:
    """The archive entry of an ``internal://GUID.txt`` path (always in the sources folder)."""
    name = path[len(INTERNAL_SCHEME):]
    check_entry_name(name)
    if "/" in name or "\\" in name or not name:
        raise BianmaError("E803", path=path)
    return f"{SOURCES_FOLDER}/{name}"


def decode_source(data: bytes, path: str) -> str:
    """REFI-QDA plain-text sources are UTF-8; a byte-order mark is not part of the text."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BianmaError("E812", path=path) from error


def entry_stem(name: str) -> str:
    return PurePosixPath(name).stem
