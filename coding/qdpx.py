"""Reading a REFI-QDA project file (.qdpx) into plain data, checked, without touching the store.

Everything that can be wrong with a file is found here, so a refused file leaves no trace:
an archive that is not a zip, unsafe or oversized entries, XML that is malformed or carries a
DTD, a selection outside its text, a coding of a code the file does not define, a value that
does not fit its variable. What other tools write differently from Bianma is accepted:
NVivo's ``Sources`` folder, braces and capitals in GUIDs, selections without codings, cases
without names, codes without colours, text inline in ``PlainTextContent``, Windows line ends
(positions are mapped onto the normalised text), codings of a whole source.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import datetime
from xml.etree.ElementTree import Element

from codebook.qdc import ParsedCode, read_code_tree, walk
from coding.refi import (
    DEFAULT_LIMITS, INTERNAL_SCHEME, KIND_VALUES, KIND_VARIABLE, PROJECT_ENTRY, PROJECT_NS, ExchangeLimits, SafeArchive,
    check_root, child, child_text, children, clean_guid, decode_source, entry_stem,
    int_attribute, internal_entry, is_guid, parse_datetime, parse_xml,
)
from corpus.cases import canonical_value
from corpus.normalize import BOM, normalize_text
from i18n import BianmaError

VARIABLE_TYPES = {"Text": "text", "Boolean": "boolean", "Integer": "number", "Float": "number",
                  "Date": "date", "DateTime": "text"}
VALUE_TAGS = ("TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue", "DateTimeValue")
KIND_BY_VALUE = {**{label: kind for kind, label in KIND_VALUES.items()}, **{k: k for k in KIND_VALUES}}
OTHER_SOURCES = ("PictureSource", "PDFSource", "AudioSource", "VideoSource")


@dataclass(slots=True)
class QdpxCoding:
    code_guid: str
    user_guid: str | None
    created: datetime | None
    note_refs: list[str]


@dataclass(slots=True)
class QdpxSelection:
    guid: str | None
    start: int
    end: int
    codings: list[QdpxCoding]
    note_refs: list[str]
    description: str = ""


@dataclass(slots=True)
class QdpxSource:
    guid: str
    name: str
    text: str
    kind: str | None
    selections: list[QdpxSelection]
    note_refs: list[str]


@dataclass(slots=True)
class QdpxVariable:
    guid: str
    name: str
    kind: str
    on_sources_only: bool = False


@dataclass(slots=True)
class QdpxCase:
    guid: str
    name: str
    description: str
    values: dict[str, str]
    source_refs: list[str]
    selection_refs: list[str]


@dataclass(slots=True)
class QdpxNote:
    guid: str
    text: str
    user_guid: str | None
    created: datetime | None
    modified: datetime | None


@dataclass(slots=True)
class QdpxProject:
    name: str
    description: str
    users: dict[str, str]
    codes: list[ParsedCode]
    variables: list[QdpxVariable]
    cases: list[QdpxCase]
    sources: list[QdpxSource]
    notes: dict[str, QdpxNote]
    note_refs: list[str]
    skipped: list[str] = field(default_factory=list)


def _el(parent: Element | None, name: str) -> Element | None:
    return child(parent, PROJECT_NS, name)


def _all(parent: Element | None, name: str) -> list[Element]:
    return children(parent, PROJECT_NS, name)


def _refs(parent: Element, name: str = "NoteRef") -> list[str]:
    """Target GUIDs of references; one that is not a GUID points nowhere and is left out."""
    return [clean_guid(r.get("targetGUID"), name) for r in _all(parent, name) if is_guid(r.get("targetGUID"))]


def _user(element: Element) -> str | None:
    value = element.get("creatingUser")
    return clean_guid(value, element.tag) if is_guid(value) else None


def read_qdpx(data: bytes, filename: str = "project.qdpx",
              limits: ExchangeLimits = DEFAULT_LIMITS) -> QdpxProject:
    """Parse and check a .qdpx; raises ``BianmaError`` (E8xx) for anything unusable."""
    archive = SafeArchive(data, filename, limits)
    if archive.find(PROJECT_ENTRY) is None:
        raise BianmaError("E802", filename=filename)
    root = parse_xml(archive.read(PROJECT_ENTRY), PROJECT_ENTRY)
    check_root(root, PROJECT_NS, "Project", PROJECT_ENTRY)
    users = {}
    for user in _all(_el(root, "Users"), "User"):
        guid = clean_guid(user.get("guid"), "User")
        users[guid] = (user.get("name") or user.get("id") or f"用户 {guid[:8]}").strip()[:100]
    codes = read_code_tree(_el(_el(root, "CodeBook"), "Codes"), PROJECT_NS, PROJECT_ENTRY)
    variables = {}
    for element in _all(_el(root, "Variables"), "Variable"):
        guid = clean_guid(element.get("guid"), "Variable")
        kind = VARIABLE_TYPES.get((element.get("typeOfVariable") or "").strip())
        if kind is None:
            raise BianmaError("E813", element="Variable", attribute="typeOfVariable",
                              value=element.get("typeOfVariable") or "")
        variables[guid] = QdpxVariable(guid, (element.get("name") or "").strip(), kind)
    code_guids = {code.guid for code in walk(codes)}
    sources, skipped = [], []
    source_elements = _el(root, "Sources")
    for element in list(source_elements) if source_elements is not None else []:
        local = element.tag.rsplit("}", 1)[-1]
        if local in OTHER_SOURCES:
            skipped.append(element.get("name") or local)
        elif local == "TextSource":
            source = _read_source(element, archive, variables, code_guids)
            if source is not None and any(source.guid == other.guid for other in sources):
                raise BianmaError("E814", part=PROJECT_ENTRY, guid=source.guid)
            if source is None:
                skipped.append(element.get("name") or element.get("guid") or "TextSource")
            else:
                sources.append(source)
    cases = [_read_case(element, variables) for element in _all(_el(root, "Cases"), "Case")]
    notes = {}
    for element in _all(_el(root, "Notes"), "Note"):
        guid = clean_guid(element.get("guid"), "Note")
        text = _note_text(element, archive)
        notes[guid] = QdpxNote(guid, text, _user(element), parse_datetime(element.get("creationDateTime")),
                               parse_datetime(element.get("modifiedDateTime")))
    _mark_codings(codes, sources)
    return QdpxProject(
        name=(root.get("name") or "").strip() or entry_stem(filename),
        description=child_text(root, PROJECT_NS, "Description").strip(),
        users=users, codes=codes, variables=list(variables.values()), cases=cases, sources=sources,
        notes=notes, note_refs=_refs(root), skipped=skipped,
    )


def _read_source(element: Element, archive: SafeArchive, variables: dict[str, QdpxVariable],
                 code_guids: set[str]) -> QdpxSource | None:
    """A text source with its selections mapped onto the normalised text; None if its text
    lives outside the archive (or is empty) and so cannot be imported."""
    guid = clean_guid(element.get("guid"), "TextSource")
    path = (element.get("plainTextPath") or "").strip()
    name = (element.get("name") or "").strip() or (entry_stem(path) if path else guid)
    content = _el(element, "PlainTextContent")
    if content is not None:
        raw = content.text or ""
    elif path.lower().startswith(INTERNAL_SCHEME):
        entry = internal_entry(path)
        if archive.find(entry) is None:
            raise BianmaError("E811", source=name, path=path)
        raw = decode_source(archive.read(entry), path)
    elif path:
        return None  # relative:// or absolute://: a file on someone else's disk, never read
    else:
        raise BianmaError("E819", source=name)
    text = normalize_text(raw)
    if not text.strip():
        return None
    to_text = _offset_map(raw)
    selections = []
    for selection in _all(element, "PlainTextSelection"):
        start = int_attribute(selection, "startPosition", "PlainTextSelection")
        end = int_attribute(selection, "endPosition", "PlainTextSelection")
        codings = [_read_coding(c, code_guids) for c in _all(selection, "Coding")]
        if not (0 <= start <= end <= len(raw)) or (start == end and codings):
            raise BianmaError("E809", source=name, start=start, end=end, length=len(raw))
        if start == end:
            continue  # an empty selection without codings says nothing
        selections.append(QdpxSelection(
            clean_guid(selection.get("guid"), "PlainTextSelection"), to_text(start), to_text(end),
            codings, _refs(selection), child_text(selection, PROJECT_NS, "Description").strip()))
    whole = [_read_coding(c, code_guids) for c in _all(element, "Coding")]
    if whole:
        selections.append(QdpxSelection(None, 0, len(text), whole, []))
    kind = None
    for value in _all(element, "VariableValue"):
        variable = variables.get(_variable_ref(value) or "")
        if variable is not None:
            # Cases are read after sources and clear this for a variable they use too.
            variable.on_sources_only = True
            if variable.name == KIND_VARIABLE:
                kind = KIND_BY_VALUE.get(_value_text(value).strip(), kind)
    return QdpxSource(guid, name, text, kind, selections, _refs(element))


def _read_coding(element: Element, code_guids: set[str]) -> QdpxCoding:
    ref = _el(element, "CodeRef")
    target = clean_guid(ref.get("targetGUID") if ref is not None else None, "CodeRef")
    if target not in code_guids:
        raise BianmaError("E810", guid=target)
    return QdpxCoding(target, _user(element), parse_datetime(element.get("creationDateTime")),
                      _refs(element))


def _variable_ref(value: Element) -> str | None:
    ref = _el(value, "VariableRef")
    target = ref.get("targetGUID") if ref is not None else None
    return clean_guid(target, "VariableRef") if is_guid(target) else None


def _value_text(value: Element) -> str:
    for name in VALUE_TAGS:
        found = _el(value, name)
        if found is not None:
            return found.text or ""
    return ""


def _read_case(element: Element, variables: dict[str, QdpxVariable]) -> QdpxCase:
    guid = clean_guid(element.get("guid"), "Case")
    name = (element.get("name") or "").strip()
    values = {}
    for value in _all(element, "VariableValue"):
        target = _variable_ref(value)
        variable = variables.get(target or "")
        if variable is None:
            raise BianmaError("E820", case=name or guid, guid=target or "")
        variable.on_sources_only = False
        raw = _value_text(value).strip()
        if variable.kind == "date" and _el(value, "DateValue") is not None:
            raw = raw[:10]  # xsd:date may carry a time zone, which a day does not need
        values[variable.guid] = canonical_value(variable.kind, raw, attribute=variable.name)
    return QdpxCase(guid, name, child_text(element, PROJECT_NS, "Description").strip(), values,
                    _refs(element, "SourceRef"), _refs(element, "SelectionRef"))


def _note_text(element: Element, archive: SafeArchive) -> str:
    content = _el(element, "PlainTextContent")
    if content is not None:
        return normalize_text(content.text or "").strip()
    path = (element.get("plainTextPath") or "").strip()
    if path.lower().startswith(INTERNAL_SCHEME):
        entry = internal_entry(path)
        if archive.find(entry) is not None:
            return normalize_text(decode_source(archive.read(entry), path)).strip()
    return ""


def _mark_codings(codes: list[ParsedCode], sources: list[QdpxSource]) -> None:
    """A code the file codes text with is codable in Bianma, whatever the file says."""
    coded = {c.code_guid for s in sources for sel in s.selections for c in sel.codings}
    for code in walk(codes):
        if code.guid in coded:
            code.is_codable = True


def _offset_map(raw: str):
    """Positions in the text as the file has it -> positions in the normalised text.

    Normalising drops the leading byte-order marks (``strip_bom``: all of them) and the
    ``\\r`` of every ``\\r\\n``; a position moves back by the number of characters dropped
    before it.
    """
    dropped = list(range(len(raw) - len(raw.lstrip(BOM))))
    index = raw.find("\r\n")
    while index != -1:
        dropped.append(index)
        index = raw.find("\r\n", index + 2)
    if not dropped:
        return lambda position: position
    return lambda position: position - bisect_left(dropped, position)
