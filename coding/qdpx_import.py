"""Importing a REFI-QDA project file (.qdpx) as a new Bianma project.

The file is read and checked in full first (``coding.qdpx.read_qdpx``); only then is anything
added to the session, and the caller's transaction makes the whole import all-or-nothing.
Documents go through the ordinary import (passages, sentences, tokens), so an imported
project is coded and searched like any other. The imported state is the start of the new
project's undo history.

Where Bianma has less than the standard: selections are kept only as the spans of their
codings (and of cases attached to them); sets, links, graphs and non-text sources are left
out (the summary names the sources); a code's memos stay memos on that code.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from codebook.qdc import store_code_tree, walk
from coding.qdpx import QdpxNote, QdpxProject, QdpxSelection, QdpxSource, read_qdpx
from coding.refi import DEFAULT_LIMITS, ExchangeLimits
from coding.undo import mark_baseline
from corpus.cases import attach_case, create_case, define_attribute, set_attributes
from corpus.documents import import_document
from corpus.projects import create_project
from corpus.transcript import parse_transcript
from storage import audit
from storage.tables import Coding, Document, Memo, utcnow

DOCUMENT_NAME_LENGTH = 300
CASE_NAME_LENGTH = 200


@dataclass(frozen=True, slots=True)
class ImportSummary:
    project_id: int
    name: str
    documents: int
    codes: int
    codings: int
    cases: int
    memos: int
    skipped: list[str] = field(default_factory=list)


def import_qdpx(session: Session, data: bytes, *, filename: str = "project.qdpx",
                name: str | None = None, coder: str | None = None,
                limits: ExchangeLimits = DEFAULT_LIMITS) -> ImportSummary:
    """Create a new project from a .qdpx file; ``name`` overrides the name in the file."""
    parsed = read_qdpx(data, filename, limits)
    project = create_project(session, (name or "").strip() or parsed.name, coder=coder,
                             description=parsed.description)
    who = audit.coder_id(session, coder)
    code_ids, codes = store_code_tree(session, project.id, parsed.codes, coder=coder)
    attribute_names = _define_attributes(session, project.id, parsed, coder)
    documents = _import_documents(session, project.id, parsed.sources, coder)
    coders = _coders(session, parsed, who)
    selections: dict[str, tuple[int, QdpxSelection]] = {}
    codings: dict[int, list[Coding]] = {}
    # The same coder coding the same span with the same code twice keeps one coding, as in
    # coding.codings.apply_codes.
    unique: dict[tuple[int, int, int, int, int], Coding] = {}
    for source in parsed.sources:
        document = documents[source.guid]
        for selection in source.selections:
            if selection.guid:
                selections[selection.guid] = (document.id, selection)
            kept = []
            for coding in selection.codings:
                key = (document.id, code_ids[coding.code_guid], coders.get(coding.user_guid, who),
                       selection.start, selection.end)
                if key not in unique:
                    unique[key] = Coding(document_id=key[0], code_id=key[1], coder_id=key[2],
                                         start=key[3], end=key[4], provenance="manual",
                                         created_at=coding.created or utcnow())
                    session.add(unique[key])
                kept.append(unique[key])
            codings[id(selection)] = kept
    session.flush()
    cases = _import_cases(session, project.id, parsed, documents, selections, attribute_names, coder)
    memos = _import_memos(session, project.id, parsed, documents, code_ids, codings, coders, who)
    summary = ImportSummary(project.id, project.name, len(documents), codes, len(unique), cases,
                            memos, parsed.skipped)
    audit.record(session, project_id=project.id, coder=who, action="import", entity="project",
                 entity_id=project.id, filename=filename, format="qdpx", documents=len(documents),
                 codes=codes, codings=len(unique), cases=cases, memos=memos, skipped=parsed.skipped)
    mark_baseline(session, project.id, coder=coder)
    return summary


def _unique(name: str, taken: set[str], limit: int) -> str:
    candidate, number = name[:limit], 1
    while candidate in taken:
        number += 1
        suffix = f"（{number}）"
        candidate = name[:limit - len(suffix)] + suffix
    taken.add(candidate)
    return candidate


def _coders(session: Session, parsed: QdpxProject, fallback: int) -> dict[str | None, int]:
    """Coder ids by user GUID; a GUID the file does not list gets a name made from it."""
    used = {c.user_guid for s in parsed.sources for sel in s.selections for c in sel.codings}
    used |= {n.user_guid for n in parsed.notes.values()}
    coders: dict[str | None, int] = {None: fallback}
    for guid in sorted(g for g in used if g):
        coders[guid] = audit.coder_id(session, parsed.users.get(guid) or f"用户 {guid[:8]}")
    return coders


def _define_attributes(session: Session, project_id: int, parsed: QdpxProject,
                       coder: str | None) -> dict[str, str]:
    """Case attributes from the variables (not those only documents carry); name by GUID."""
    names = {}
    for number, variable in enumerate(parsed.variables, start=1):
        if variable.on_sources_only:
            continue
        name = (variable.name or f"变量{number}")[:200]
        define_attribute(session, project_id, name, variable.kind, coder=coder)
        names[variable.guid] = name
    return names


def _kind(source: QdpxSource) -> str:
    """The kind the file states, else interview when the text has speaker labels."""
    if source.kind:
        return source.kind
    return "interview" if any(turn.speaker for turn in parse_transcript(source.text)) else "notes"


def _import_documents(session: Session, project_id: int, sources: list[QdpxSource],
                      coder: str | None) -> dict[str, Document]:
    documents = {}
    taken: set[str] = set()
    for source in sources:
        name = _unique(" ".join(source.name.split()) or "文档", taken, DOCUMENT_NAME_LENGTH)
        document = import_document(session, project_id, f"{name}.txt", source.text.encode("utf-8"),
                                   kind=_kind(source), name=name, coder=coder)
        if document.text != source.text:
            raise RuntimeError(f"importing {name!r} changed its text; offsets would be wrong")
        documents[source.guid] = document
    return documents


def _import_cases(session: Session, project_id: int, parsed: QdpxProject, documents: dict[str, Document],
                  selections: dict[str, tuple[int, QdpxSelection]], attribute_names: dict[str, str],
                  coder: str | None) -> int:
    taken: set[str] = set()
    names_of = {s.guid: s.name for s in parsed.sources}
    for number, parsed_case in enumerate(parsed.cases, start=1):
        # A case without a name (some tools allow it) is named after its first document.
        fallback = next((names_of[g] for g in parsed_case.source_refs if g in names_of), f"个案{number}")
        name = _unique(" ".join(parsed_case.name.split()) or fallback, taken, CASE_NAME_LENGTH)
        case = create_case(session, project_id, name, description=parsed_case.description, coder=coder)
        values = {attribute_names[guid]: value for guid, value in parsed_case.values.items()}
        if values:
            set_attributes(session, project_id, case.id, values, coder=coder)
        for guid in parsed_case.source_refs:
            if guid in documents:
                attach_case(session, project_id, case.id, documents[guid].id, coder=coder)
        for guid in parsed_case.selection_refs:
            if guid not in selections:
                continue
            document_id, selection = selections[guid]
            document = session.get(Document, document_id)
            for passage in document.passages:
                if passage.start < selection.end and selection.start < passage.end:
                    passage.case_id = case.id
    session.flush()
    return len(parsed.cases)


def _import_memos(session: Session, project_id: int, parsed: QdpxProject, documents: dict[str, Document],
                  code_ids: dict[str, int], codings: dict[int, list[Coding]],
                  coders: dict[str | None, int], who: int) -> int:
    """Notes become memos on what refers to them; a note nothing refers to is a project memo."""
    notes = dict(parsed.notes)
    targets: list[tuple[str, object, str]] = []  # (kind, target, note guid)
    for source in parsed.sources:
        document = documents[source.guid]
        targets += [("document", document.id, guid) for guid in source.note_refs]
        for selection in source.selections:
            kept = codings[id(selection)]
            for coding, row in zip(selection.codings, kept):
                targets += [("coding", row, guid) for guid in coding.note_refs]
            # Notes on a selection (NVivo's annotations) go to its first coding, else the document.
            where = ("coding", kept[0]) if kept else ("document", document.id)
            targets += [(*where, guid) for guid in selection.note_refs]
            if selection.description:
                # QualCoder keeps the memo of a coded selection in its Description.
                key = f"description:{id(selection)}"
                notes[key] = QdpxNote(key, selection.description, None, None, None)
                targets.append((*where, key))
    for code in walk(parsed.codes):
        targets += [("code", code_ids[code.guid], guid) for guid in code.note_refs]
    targets += [("project", None, guid) for guid in parsed.note_refs]
    referenced = {guid for _kind, _target, guid in targets}
    targets += [("project", None, guid) for guid in notes if guid not in referenced]

    coding_texts: dict[int, list[tuple[Coding, QdpxNote]]] = defaultdict(list)
    count = 0
    for kind, target, guid in targets:
        note = notes.get(guid)
        if note is None or not note.text:
            continue
        if kind == "coding":
            coding_texts[id(target)].append((target, note))
            continue
        session.add(_memo(project_id, note, coders, who, **{
            "document_id": target if kind == "document" else None,
            "code_id": target if kind == "code" else None}))
        count += 1
    # A coding keeps one memo (as in coding.codings.write_coding_memo): several notes join.
    for pairs in coding_texts.values():
        row, first = pairs[0]
        text = "\n\n".join(dict.fromkeys(note.text for _row, note in pairs))
        memo = _memo(project_id, first, coders, who, coding_id=row.id)
        memo.text = text
        session.add(memo)
        count += 1
    session.flush()
    return count


def _memo(project_id: int, note: QdpxNote, coders: dict[str | None, int], who: int, **target) -> Memo:
    created = note.created or utcnow()
    return Memo(project_id=project_id, author_id=coders.get(note.user_guid, who), text=note.text,
                created_at=created, updated_at=note.modified or created, **target)
