"""A whole project as a REFI-QDA project file (.qdpx): a zip of ``project.qde`` and the
documents' text under ``sources/``.

Codes keep their stored GUIDs. Documents, selections, codings, cases, variables and memos
have no GUID column, so theirs are derived (uuid5) from a namespace of the project and the
row's id: exporting the same project twice gives the same file, byte for byte.

How Bianma's model maps onto the standard:

- a coding is a ``Coding`` (with its coder as ``creatingUser``) inside the
  ``PlainTextSelection`` of its span; codings of the same span share one selection;
- a case attached to a whole document is a ``SourceRef``; a case attached to one speaker's
  turns is a ``SelectionRef`` to a selection per turn (a selection without codings);
- attributes are typed ``Variables``; a date known only to the month or year has no
  xsd:date form, so its value is written as ``TextValue`` (Bianma reads it back as it was);
- the kind of a document (interview or field notes, which decides how it is cut into
  passages) is a source variable 文档类型, which other tools show as a document attribute;
- memos are ``Notes``, referenced from the coding, code, document or project they belong to.
"""

from __future__ import annotations

import io
import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from codebook.qdc import new_root, project_codes, serialize, write_code_tree
from coding.refi import (
    BIANMA_NAMESPACE, INTERNAL_SCHEME, KIND_VALUES, KIND_VARIABLE, ORIGIN, PROJECT_ENTRY, PROJECT_NS, SOURCES_FOLDER,
    derived_guid, user_guid, xml_datetime, xml_text,
)
from corpus.cases import list_attributes
from corpus.projects import find_project
from storage.tables import (
    AttributeValue, Case, Code, Coder, Coding, Document, Memo, Passage, Project,
)

# A fixed time for every zip entry, so the archive does not change with the clock.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
SELECTION_NAME_LENGTH = 40


def project_namespace(project: Project) -> uuid.UUID:
    return uuid.uuid5(BIANMA_NAMESPACE, f"project:{project.id}:{xml_datetime(project.created_at)}")


def _el(parent: ET.Element, name: str, attributes: dict[str, str | None] | None = None) -> ET.Element:
    clean = {k: v for k, v in (attributes or {}).items() if v is not None}
    return ET.SubElement(parent, name, clean)


def _text_el(parent: ET.Element, name: str, text: str) -> ET.Element:
    element = _el(parent, name)
    element.text = xml_text(text)
    return element


def variable_type(kind: str, values: list[str]) -> str:
    """The REFI-QDA type of an attribute: a number attribute is Integer while all its values are."""
    if kind == "number":
        return "Integer" if all(_is_integer(v) for v in values) else "Float"
    return {"text": "Text", "date": "Date", "boolean": "Boolean"}[kind]


def variable_value(variable: str, value: str) -> tuple[str, str]:
    """The value element for a stored value in a variable of type ``variable``, and its text."""
    if variable == "Integer":
        return "IntegerValue", value
    if variable == "Float":
        try:
            return "FloatValue", format(Decimal(value), "f")
        except InvalidOperation:  # inf or nan: no xsd:decimal form
            return "TextValue", value
    if variable == "Boolean":
        return "BooleanValue", value
    if variable == "Date" and len(value) == 10:
        return "DateValue", value
    return "TextValue", value


def _is_integer(value: str) -> bool:
    return value.removeprefix("-").isdigit()


def export_qdpx(session: Session, project_id: int) -> bytes:
    """The project as a .qdpx archive: text, codebook, codings, cases, attributes, memos."""
    project = find_project(session, project_id)
    ns = project_namespace(project)

    def guid(kind: str, key: object) -> str:
        return derived_guid(ns, kind, key)

    documents = list(session.scalars(
        select(Document).where(Document.project_id == project.id).order_by(Document.position, Document.id)))
    document_ids = [d.id for d in documents]
    coders = dict(session.execute(select(Coder.id, Coder.name)).all())
    codings = list(session.scalars(
        select(Coding).where(Coding.document_id.in_(document_ids)).order_by(Coding.start, Coding.end, Coding.id)))
    code_guids = dict(session.execute(
        select(Code.id, Code.guid).where(Code.project_id == project.id)).all())
    memos = list(session.scalars(select(Memo).where(Memo.project_id == project.id).order_by(Memo.id)))
    cases = list(session.scalars(select(Case).where(Case.project_id == project.id).order_by(Case.id)))
    passages = list(session.scalars(
        select(Passage).where(Passage.document_id.in_(document_ids), Passage.case_id.is_not(None))
        .order_by(Passage.document_id, Passage.index)))
    attributes = list_attributes(session, project.id)
    values: dict[int, dict[int, str]] = defaultdict(dict)
    for row in session.scalars(
            select(AttributeValue).join(Case, Case.id == AttributeValue.case_id)
            .where(Case.project_id == project.id)):
        values[row.case_id][row.attribute_id] = row.value

    memo_refs: dict[tuple[str, int | None], list[str]] = defaultdict(list)
    for memo in memos:
        target = (("coding", memo.coding_id) if memo.coding_id else ("code", memo.code_id) if memo.code_id
                  else ("document", memo.document_id) if memo.document_id else ("project", None))
        memo_refs[target].append(guid("memo", memo.id))

    used_coders = sorted({c.coder_id for c in codings} | {m.author_id for m in memos})
    root = new_root("Project", PROJECT_NS, {
        "name": xml_text(project.name), "origin": ORIGIN,
        "creationDateTime": xml_datetime(project.created_at),
    })
    if used_coders:
        users = _el(root, "Users")
        for coder_id in used_coders:
            _el(users, "User", {"guid": user_guid(coders[coder_id]), "name": xml_text(coders[coder_id])})

    tree = project_codes(session, project.id)
    if tree:
        codes = _el(_el(root, "CodeBook"), "Codes")
        write_code_tree(codes, tree, lambda code_id: memo_refs.get(("code", code_id), []))

    attribute_guids = {a.id: guid("attribute", a.id) for a in attributes}
    types = {a.id: variable_type(a.type, [v[a.id] for v in values.values() if a.id in v])
             for a in attributes}
    kind_guid = guid("variable", "document-kind")
    if attributes or documents:
        variables = _el(root, "Variables")
        for attribute in attributes:
            _el(variables, "Variable", {
                "guid": attribute_guids[attribute.id], "name": xml_text(attribute.name),
                "typeOfVariable": types[attribute.id]})
        if documents:
            kind_variable = _el(variables, "Variable", {
                "guid": kind_guid, "name": KIND_VARIABLE, "typeOfVariable": "Text"})
            _text_el(kind_variable, "Description", "Bianma：访谈转录稿（按话轮切分）或观察笔记（按段落切分）。"
                                                   " / Interview transcript (split into turns) or field notes.")

    def selection_guid(document_id: int, start: int, end: int) -> str:
        return guid("selection", f"{document_id}:{start}:{end}")

    if cases:
        cases_element = _el(root, "Cases")
        for case in cases:
            element = _el(cases_element, "Case", {"guid": guid("case", case.id), "name": xml_text(case.name)})
            if case.description:
                _text_el(element, "Description", case.description)
            for attribute_id, value in sorted(values[case.id].items()):
                value_element = _el(element, "VariableValue")
                _el(value_element, "VariableRef", {"targetGUID": attribute_guids[attribute_id]})
                value_tag, text = variable_value(types[attribute_id], value)
                _text_el(value_element, value_tag, text)
            for document in documents:
                if document.case_id == case.id:
                    _el(element, "SourceRef", {"targetGUID": guid("document", document.id)})
            for passage in passages:
                if passage.case_id == case.id:
                    _el(element, "SelectionRef", {
                        "targetGUID": selection_guid(passage.document_id, passage.start, passage.end)})

    by_document: dict[int, list[Coding]] = defaultdict(list)
    for coding in codings:
        by_document[coding.document_id].append(coding)
    case_spans: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for passage in passages:
        case_spans[passage.document_id].add((passage.start, passage.end))
    files: list[tuple[str, str]] = []
    if documents:
        sources = _el(root, "Sources")
        for document in documents:
            source_guid = guid("document", document.id)
            files.append((f"{SOURCES_FOLDER}/{source_guid}.txt", document.text))
            source = _el(sources, "TextSource", {
                "guid": source_guid, "name": xml_text(document.name),
                "plainTextPath": f"{INTERNAL_SCHEME}{source_guid}.txt",
                "creationDateTime": xml_datetime(document.created_at),
            })
            spans: dict[tuple[int, int], list[Coding]] = defaultdict(list)
            for coding in by_document[document.id]:
                spans[(coding.start, coding.end)].append(coding)
            for span in case_spans[document.id]:
                spans.setdefault(span, [])
            for (start, end), span_codings in sorted(spans.items()):
                first = min(span_codings, key=lambda c: (c.created_at, c.id)) if span_codings else None
                selection = _el(source, "PlainTextSelection", {
                    "guid": selection_guid(document.id, start, end),
                    "name": xml_text(document.text[start:end][:SELECTION_NAME_LENGTH]),
                    "startPosition": str(start), "endPosition": str(end),
                    "creatingUser": user_guid(coders[first.coder_id]) if first else None,
                    "creationDateTime": xml_datetime(first.created_at) if first else None,
                })
                for coding in span_codings:
                    coding_element = _el(selection, "Coding", {
                        "guid": guid("coding", coding.id), "creatingUser": user_guid(coders[coding.coder_id]),
                        "creationDateTime": xml_datetime(coding.created_at),
                    })
                    _el(coding_element, "CodeRef", {"targetGUID": code_guids[coding.code_id]})
                    for note in memo_refs.get(("coding", coding.id), []):
                        _el(coding_element, "NoteRef", {"targetGUID": note})
            for note in memo_refs.get(("document", document.id), []):
                _el(source, "NoteRef", {"targetGUID": note})
            kind_value = _el(source, "VariableValue")
            _el(kind_value, "VariableRef", {"targetGUID": kind_guid})
            _text_el(kind_value, "TextValue", KIND_VALUES[document.kind])

    if memos:
        notes = _el(root, "Notes")
        for memo in memos:
            note = _el(notes, "Note", {
                "guid": guid("memo", memo.id), "name": _memo_name(memo, documents),
                "creatingUser": user_guid(coders[memo.author_id]),
                "creationDateTime": xml_datetime(memo.created_at),
                "modifiedDateTime": xml_datetime(memo.updated_at),
            })
            _text_el(note, "PlainTextContent", memo.text)
    if project.description:
        _text_el(root, "Description", project.description)
    for note in memo_refs.get(("project", None), []):
        _el(root, "NoteRef", {"targetGUID": note})
    return _archive(serialize(root), files)


def _memo_name(memo: Memo, documents: list[Document]) -> str:
    names = {d.id: d.name for d in documents}
    if memo.document_id:
        return xml_text(f"文档备忘录：{names.get(memo.document_id, '')}")
    if memo.coding_id:
        return "编码备忘录"
    if memo.code_id:
        return "代码备忘录"
    return "项目备忘录"


def _archive(project_xml: bytes, files: list[tuple[str, str]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in [(PROJECT_ENTRY, project_xml), *((n, t.encode("utf-8")) for n, t in files)]:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()
