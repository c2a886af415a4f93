"""The codebook in the REFI-QDA exchange format (.qdc), out and in.

Codes are written as nested ``Code`` elements (the hierarchy other tools such as QualCoder,
MAXQDA, ATLAS.ti and NVivo read), never as flat paths. Reading matches codes by path, so
importing a codebook twice, or into a project that already has part of it, adds only what is
missing. The tree readers and writers here also serve the project exchange (.qdpx), whose
codebook has the same shape in the project namespace.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from sqlalchemy import select
from sqlalchemy.orm import Session

from codebook import changes
from codebook.codes import PATH_SEPARATOR, add_code
from coding.refi import (
    CODEBOOK_NS, DEFAULT_LIMITS, ORIGIN, ExchangeLimits, check_root, child, child_text,
    children, clean_color, clean_guid, is_guid, megabytes, parse_xml, xml_text,
)
from corpus.projects import find_project
from i18n import BianmaError
from storage.tables import Code

MAX_DEPTH = 64
NAME_LENGTH = 200
UNNAMED_CODE = "未命名代码"
# A code name may not contain the path separator; other tools allow it, so it is replaced by
# the full-width solidus, which reads the same.
SEPARATOR_STAND_IN = "／"


@dataclass(slots=True)
class ParsedCode:
    guid: str
    name: str
    color: str | None
    description: str
    is_codable: bool
    note_refs: list[str] = field(default_factory=list)
    children: list[ParsedCode] = field(default_factory=list)


# --- writing ----------------------------------------------------------------------------


def project_codes(session: Session, project_id: int) -> dict[int | None, list[Code]]:
    """The project's codes by parent, each list in the codebook's order."""
    codes = session.scalars(
        select(Code).where(Code.project_id == project_id).order_by(Code.position, Code.id))
    tree: dict[int | None, list[Code]] = {}
    for code in codes:
        tree.setdefault(code.parent_id, []).append(code)
    return tree


def write_code_tree(parent: Element, tree: dict[int | None, list[Code]],
                    note_refs: Callable[[int], list[str]] | None = None) -> None:
    """Nested ``Code`` elements under ``parent`` (a ``Codes`` element)."""

    def write(into: Element, parent_id: int | None) -> None:
        for code in tree.get(parent_id, []):
            element = ET.SubElement(into, "Code", {
                "guid": code.guid, "name": xml_text(code.name),
                "isCodable": "true" if code.is_codable is not False else "false",
                "color": code.color,
            })
            if code.definition:
                ET.SubElement(element, "Description").text = xml_text(code.definition)
            for target in (note_refs(code.id) if note_refs else []):
                ET.SubElement(element, "NoteRef", {"targetGUID": target})
            write(element, code.id)

    write(parent, None)


def new_root(name: str, namespace: str, attributes: dict[str, str]) -> Element:
    """A root element in ``namespace`` as the default namespace. Writers use local names below
    it: ElementTree cannot write unprefixed attributes together with a default namespace."""
    return ET.Element(name, {"xmlns": namespace, **attributes})


def serialize(root: Element) -> bytes:
    # The usual double-quoted declaration, written by hand (ElementTree's own uses single quotes).
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode").encode("utf-8")


def export_qdc(session: Session, project_id: int) -> bytes:
    """The project's codebook as a REFI-QDA .qdc document (UTF-8 XML)."""
    project = find_project(session, project_id)
    tree = project_codes(session, project.id)
    if not tree:
        raise BianmaError("E817", project=project.name)
    root = new_root("CodeBook", CODEBOOK_NS, {"origin": ORIGIN})
    write_code_tree(ET.SubElement(root, "Codes"), tree)
    return serialize(root)


# --- reading ----------------------------------------------------------------------------


def read_code_tree(codes: Element | None, namespace: str, part: str) -> list[ParsedCode]:
    """The codes under a ``Codes`` element, checked: GUIDs valid and unique, depth bounded."""
    seen: set[str] = set()

    def read(parent: Element | None, depth: int) -> list[ParsedCode]:
        if depth > MAX_DEPTH:
            raise BianmaError("E816", part=part, limit=MAX_DEPTH)
        result = []
        for element in children(parent, namespace, "Code"):
            guid = clean_guid(element.get("guid"), "Code")
            if guid in seen:
                raise BianmaError("E814", part=part, guid=guid)
            seen.add(guid)
            result.append(ParsedCode(
                guid=guid, name=element.get("name") or "", color=clean_color(element.get("color")),
                description=child_text(element, namespace, "Description").strip(),
                is_codable=(element.get("isCodable") or "true").strip().lower() not in ("false", "0"),
                note_refs=[clean_guid(ref.get("targetGUID"), "NoteRef")
                           for ref in children(element, namespace, "NoteRef") if is_guid(ref.get("targetGUID"))],
                children=read(element, depth + 1),
            ))
        return result

    return read(codes, 0)


def read_qdc(data: bytes, limits: ExchangeLimits = DEFAULT_LIMITS) -> list[ParsedCode]:
    """Parse and check a .qdc without touching the store."""
    if len(data) > limits.max_codebook_bytes:
        raise BianmaError("E805", filename="codebook.qdc", limit_mb=megabytes(limits.max_codebook_bytes))
    root = parse_xml(data, "codebook.qdc")
    check_root(root, CODEBOOK_NS, "CodeBook", "codebook.qdc")
    codes = read_code_tree(child(root, CODEBOOK_NS, "Codes"), CODEBOOK_NS, "codebook.qdc")
    # Sets group codes across branches; Bianma has no sets, but a set naming a code the file
    # does not define means the file is damaged.
    known = {code.guid for code in walk(codes)}
    for member in (m for s in children(child(root, CODEBOOK_NS, "Sets"), CODEBOOK_NS, "Set")
                   for m in children(s, CODEBOOK_NS, "MemberCode")):
        if clean_guid(member.get("guid"), "MemberCode") not in known:
            raise BianmaError("E810", guid=member.get("guid"))
    return codes


def walk(codes: list[ParsedCode]):
    for code in codes:
        yield code
        yield from walk(code.children)


def clean_code_name(name: str) -> str:
    name = " ".join(name.split()) or UNNAMED_CODE
    return name.replace(PATH_SEPARATOR, SEPARATOR_STAND_IN)[:NAME_LENGTH]


def store_code_tree(session: Session, project_id: int, codes: list[ParsedCode], *,
                    coder: str | None = None) -> tuple[dict[str, int], int]:
    """Add the parsed codes to a project: match by path, create what is missing.

    Returns the id each file GUID now stands for, and how many codes were created. A created
    code keeps its GUID unless another code in the store already has it (Code.guid is unique
    across projects), in which case it gets a new one.
    """
    existing: dict[tuple[int | None, str], Code] = {}
    by_guid: dict[str, Code] = {}
    for code in session.scalars(select(Code).where(Code.project_id == project_id)):
        existing[(code.parent_id, code.name)] = code
        by_guid[code.guid] = code
    file_guids = [code.guid for code in walk(codes)]
    taken: set[str] = set()
    for start in range(0, len(file_guids), 500):
        taken |= set(session.scalars(select(Code.guid).where(Code.guid.in_(file_guids[start:start + 500]))))
    ids: dict[str, int] = {}
    created = 0

    def store(nodes: list[ParsedCode], parent_id: int | None) -> None:
        nonlocal created
        names_here: set[str] = set()
        for node in nodes:
            name = _unique(clean_code_name(node.name), names_here)
            code = existing.get((parent_id, name)) or by_guid.get(node.guid)
            if code is None:
                code = add_code(session, project_id, name, parent_id=parent_id, color=node.color,
                                definition=node.description, is_codable=node.is_codable,
                                guid=None if node.guid in taken else node.guid, coder=coder)
                existing[(parent_id, name)] = code
                created += 1
            ids[node.guid] = code.id
            store(node.children, code.id)

    store(codes, None)
    return ids, created


def _unique(name: str, names: set[str]) -> str:
    """Two siblings of the same name (other tools allow it) become 名称 and 名称（2）."""
    candidate, number = name, 1
    while candidate in names:
        number += 1
        suffix = f"（{number}）"
        candidate = name[:NAME_LENGTH - len(suffix)] + suffix
    names.add(candidate)
    return candidate


def import_qdc(session: Session, project_id: int, data: bytes, coder: str | None = None, *,
               filename: str = "codebook.qdc") -> int:
    """Add a .qdc codebook to a project; returns how many codes were created.

    Codes already in the project at the same path (or with the same GUID) are kept as they
    are, so nothing is duplicated and no definition the team has edited is overwritten. The
    codes created are one step of the undo history.
    """
    project = find_project(session, project_id)
    codes = read_qdc(data)
    changes.name_step(session, "history.import", filename=filename)
    _ids, created = store_code_tree(session, project.id, codes, coder=coder)
    return created
