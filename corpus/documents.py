"""Storing imported documents with their passages, sentences and tokens.

Parsing happens before anything is added to the session, so a file that fails to parse
leaves no trace; the caller's transaction makes the rest all-or-nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from corpus.dictionary import project_tokenizer
from corpus.importing import ParsedDocument, parse_document
from corpus.tokenize import Tokenizer
from corpus.projects import find_project
from i18n import BianmaError
from storage import audit
from storage.tables import Case, Coding, Document, Passage, Project

KINDS = ("interview", "notes")


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    id: int
    name: str
    kind: str
    original_filename: str
    encoding: str
    characters: int
    passages: int
    speakers: list[str]
    codings: int
    case: str | None


def _passage_rows(parsed: ParsedDocument, tokenizer: Tokenizer) -> list[dict]:
    # One batched call for the whole document, and only lengths kept: building Token objects
    # per passage would cost more than cutting the words.
    words = tokenizer.lcut_many([parsed.text[p.start:p.end] for p in parsed.passages])
    return [
        {"index": p.index, "start": p.start, "end": p.end, "speaker": p.speaker,
         "timestamp": p.timestamp, "sentences": [[s, e] for s, e in p.sentences],
         "token_lengths": [len(word) for word in passage_words]}
        for p, passage_words in zip(parsed.passages, words)
    ]


def _passages(parsed: ParsedDocument, tokenizer: Tokenizer) -> list[Passage]:
    return [Passage(**row) for row in _passage_rows(parsed, tokenizer)]


def import_document(
    session: Session,
    project_id: int,
    filename: str,
    data: bytes,
    *,
    kind: str = "interview",
    name: str | None = None,
    coder: str | None = None,
) -> Document:
    """Parse, segment and tokenize one file and add it to the project."""
    project = find_project(session, project_id)
    if kind not in KINDS:
        raise BianmaError("E006", kind=kind)
    name = (name or PurePath(filename).stem).strip() or filename
    if session.scalar(select(Document.id).where(Document.project_id == project.id, Document.name == name)):
        raise BianmaError("E005", name=name)
    parsed = parse_document(filename, data, kind)
    tokenizer = project_tokenizer(project)
    rows = _passage_rows(parsed, tokenizer)
    position = session.scalar(select(func.count(Document.id)).where(Document.project_id == project.id))
    document = Document(
        project_id=project.id, name=name, kind=kind, original_filename=filename,
        encoding=parsed.encoding, text=parsed.text, position=position or 0,
        dictionary_version=tokenizer.dictionary_version,
    )
    session.add(document)
    session.flush()
    if rows:
        # One executemany instead of an INSERT per passage (SQLite cannot batch inserts whose
        # generated ids the ORM waits for).
        session.execute(insert(Passage), [{**row, "document_id": document.id} for row in rows])
    # Callers read the passages after their session has closed: load them while it is open.
    session.refresh(document, ["passages"])
    audit.record(
        session, project_id=project.id, coder=audit.coder_id(session, coder), action="import",
        entity="document", entity_id=document.id, name=name, filename=filename,
        passages=len(rows),
    )
    return document


def set_document_kind(session: Session, document_id: int, kind: str, *, coder: str | None = None) -> Document:
    """Switch between interview and notes: passages are cut anew; codings keep their offsets."""
    document = get_document(session, document_id)
    if kind not in KINDS:
        raise BianmaError("E006", kind=kind)
    if kind == document.kind:
        return document
    parsed = parse_document(f"{document.name}.txt", document.text.encode("utf-8"), kind)
    if parsed.text != document.text:
        raise AssertionError("re-parsing stored text must not change it")
    cases = {p.speaker: p.case_id for p in document.passages if p.case_id is not None}
    document.passages.clear()
    session.flush()
    passages = _passages(parsed, project_tokenizer(document.project))
    for passage in passages:
        passage.case_id = cases.get(passage.speaker)
    document.passages.extend(passages)
    before, document.kind = document.kind, kind
    audit.record(session, project_id=document.project_id, coder=audit.coder_id(session, coder),
                 action="set_kind", entity="document", entity_id=document.id, before=before, after=kind)
    return document


def get_document(session: Session, document_id: int, project_id: int | None = None) -> Document:
    document = session.get(Document, document_id)
    if document is None or (project_id is not None and document.project_id != project_id):
        raise BianmaError("E004", doc=document_id)
    return document


def list_documents(session: Session, project_id: int) -> list[DocumentSummary]:
    """One summary per document, in project order, from four queries whatever the size.

    Every page calls this on each run, so it never loads a document's text or passages: the
    length is counted by the database (code points on SQLite and PostgreSQL alike; stored
    text never holds NUL, which reading refuses) and the passages are counted per speaker in
    one grouped query.
    """
    project: Project = find_project(session, project_id)
    coding_counts = dict(session.execute(
        select(Coding.document_id, func.count(Coding.id)).join(Document)
        .where(Document.project_id == project.id).group_by(Coding.document_id)).all())
    case_names = dict(session.execute(select(Case.id, Case.name).where(Case.project_id == project.id)).all())
    passage_counts: dict[int, int] = {}
    first_turns: dict[int, list[tuple[int, str]]] = {}
    for document_id, speaker, count, first in session.execute(
        select(Passage.document_id, Passage.speaker, func.count(Passage.id), func.min(Passage.index))
        .join(Document).where(Document.project_id == project.id)
        .group_by(Passage.document_id, Passage.speaker)
    ):
        passage_counts[document_id] = passage_counts.get(document_id, 0) + count
        if speaker:
            first_turns.setdefault(document_id, []).append((first, speaker))
    rows = session.execute(
        select(Document.id, Document.name, Document.kind, Document.original_filename,
               Document.encoding, func.length(Document.text), Document.case_id)
        .where(Document.project_id == project.id).order_by(Document.position, Document.id))
    return [
        DocumentSummary(
            id=id_, name=name, kind=kind, original_filename=filename, encoding=encoding,
            characters=characters or 0, passages=passage_counts.get(id_, 0),
            # Speakers in the order they first speak.
            speakers=[speaker for _, speaker in sorted(first_turns.get(id_, []))],
            codings=coding_counts.get(id_, 0), case=case_names.get(case_id),
        )
        for id_, name, kind, filename, encoding, characters, case_id in rows
    ]
