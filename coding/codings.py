"""Codings: a code applied by a coder to a span ``[start, end)`` of a document.

Codings overlap freely; the same coder applying the same code to the same span twice keeps
one coding, so a double click never counts twice in a frequency table. The store holds to
that too (a unique index), so two sessions of one coder applying it at the same moment still
keep one.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from codebook import changes
from codebook.codes import LOCKS, code_tree, get_code, lock_codes
from corpus.documents import get_document
from i18n import BianmaError
from storage import audit
from storage.tables import Code, Coder, Coding, Document, Memo, Passage, utcnow

PROVENANCES = ("manual", "suggested", "machine")


@dataclass(frozen=True, slots=True)
class CodedSegment:
    """A coding with everything a page or an export shows about it."""

    id: int
    document_id: int
    document: str
    code_id: int
    code_path: str
    color: str
    start: int
    end: int
    text: str
    coder: str
    provenance: str
    speaker: str | None
    created_at: datetime
    memo: str


def check_span(document: Document, start: int, end: int) -> None:
    if not (0 <= start < end <= len(document.text)):
        raise BianmaError("E301", start=start, end=end, length=len(document.text))
    if not document.text[start:end].strip():
        raise BianmaError("E302")


def apply_codes(
    session: Session,
    document_id: int,
    start: int,
    end: int,
    code_ids: list[int],
    *,
    coder: str | None = None,
    provenance: str = "manual",
) -> list[Coding]:
    """Code one span with one or several codes; returns the codings (new or already there).

    The document and the codes are locked against deletion (not against other codings) until
    the transaction ends: a merge or delete that began first is waited for, and then a code
    it removed is refused with E205.
    """
    # Locked, and held in ``document`` while get_document runs: the session keeps loaded rows
    # only weakly, so without it get_document would read the row a second time.
    document = session.get(Document, document_id, with_for_update=LOCKS["key share"])
    document = get_document(session, document_id)
    check_span(document, start, end)
    if not code_ids:
        raise BianmaError("E303")
    if provenance not in PROVENANCES:
        raise ValueError(f"unknown provenance {provenance!r}")
    locked = lock_codes(session, document.project_id, code_ids, lock="key share")
    codes = [locked[code_id] for code_id in code_ids]
    for code in codes:
        if not code.is_codable:
            raise BianmaError("E305", name=code.name)
    who = audit.coder_id(session, coder)
    changes.name_step(session, "history.apply", count=len(codes),
                      text=_excerpt(document.text[start:end]))
    result = []
    for code in codes:
        existing = _same_coding(session, document.id, code.id, who, start, end)
        if existing is not None:
            result.append(existing)
            continue
        coding = Coding(document_id=document.id, code_id=code.id, coder_id=who,
                        start=start, end=end, provenance=provenance)
        try:
            with session.begin_nested():
                session.add(coding)
                session.flush()
        except IntegrityError:
            # The same coder's other session stored this very coding after we looked and has
            # committed it (the unique index made us wait for it): it is the one we keep.
            existing = _same_coding(session, document.id, code.id, who, start, end)
            if existing is None:
                raise
            result.append(existing)
            continue
        changes.record(
            session, project_id=document.project_id, coder=who, action="add", entity="coding",
            entity_id=coding.id, document_id=document.id, code_id=code.id, start=start, end=end,
            row=changes.snapshot(coding),
        )
        result.append(coding)
    return result


def _same_coding(session: Session, document_id: int, code_id: int, coder_id: int, start: int,
                 end: int) -> Coding | None:
    return session.scalar(select(Coding).where(
        Coding.document_id == document_id, Coding.code_id == code_id,
        Coding.coder_id == coder_id, Coding.start == start, Coding.end == end,
    ))


def remove_coding(session: Session, coding_id: int, *, coder: str | None = None) -> int:
    """Delete one coding (its memo goes with it); returns the id removed."""
    # Locked and read afresh: removed meanwhile by someone else is E304, not a stale delete.
    coding = session.get(Coding, coding_id, with_for_update=True, populate_existing=True)
    if coding is None:
        raise BianmaError("E304", coding=coding_id)
    document = get_document(session, coding.document_id)
    changes.name_step(session, "history.remove_coding",
                      text=_excerpt(document.text[coding.start:coding.end]))
    memo = session.scalar(select(Memo).where(Memo.coding_id == coding_id))
    changes.record(
        session, project_id=document.project_id, coder=audit.coder_id(session, coder),
        action="remove", entity="coding", entity_id=coding.id, document_id=coding.document_id,
        code_id=coding.code_id, start=coding.start, end=coding.end,
        coder_id=coding.coder_id, provenance=coding.provenance,
        row=changes.snapshot(coding), memo=changes.snapshot(memo) if memo else None,
    )
    if memo is not None:
        session.delete(memo)
        session.flush()
    session.delete(coding)
    session.flush()
    return coding_id


def write_coding_memo(session: Session, coding_id: int, text: str, *, coder: str | None = None) -> str:
    """Set the memo of a coding (one per coding); empty text deletes it. Returns the text kept."""
    # The coding locked against removal (FOR UPDATE by remove_coding, a merge or a split)
    # while its memo is written; two memos on one coding queue up on the same lock.
    coding = session.get(Coding, coding_id, with_for_update=True, populate_existing=True)
    if coding is None:
        raise BianmaError("E304", coding=coding_id)
    document = get_document(session, coding.document_id)
    who = audit.coder_id(session, coder)
    memo = session.scalar(select(Memo).where(Memo.coding_id == coding_id))
    text = text.strip()
    before = memo.text if memo else ""
    if text == before:
        return text
    changes.name_step(session, "history.coding_memo",
                      text=_excerpt(document.text[coding.start:coding.end]))
    before_row = changes.snapshot(memo) if memo else None
    if not text:
        if memo is not None:
            session.delete(memo)
    elif memo is None:
        memo = Memo(project_id=document.project_id, coding_id=coding_id, author_id=who, text=text)
        session.add(memo)
    else:
        memo.text, memo.updated_at = text, utcnow()
    session.flush()
    changes.record(session, project_id=document.project_id, coder=who, action="memo",
                   entity="coding", entity_id=coding_id, before=before, after=text,
                   before_row=before_row, after_row=changes.snapshot(memo) if text else None)
    return text


def _excerpt(text: str, limit: int = 12) -> str:
    """The start of a span, for naming a change in the undo button."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _segments(session: Session, query) -> list[CodedSegment]:
    rows = session.execute(query).all()
    if not rows:
        return []
    paths = {node.id: node.path for node in code_tree(session, rows[0].project_id)}
    memos = dict(
        session.execute(
            select(Memo.coding_id, Memo.text).where(Memo.coding_id.in_([r.id for r in rows]))
        ).all()
    )
    document_ids = {r.document_id for r in rows}
    # Each document's text is read once, not carried by every coding row.
    texts = dict(session.execute(select(Document.id, Document.text).where(Document.id.in_(document_ids))).all())
    speakers = _speaker_lookup(session, document_ids)
    return [
        CodedSegment(
            id=r.id, document_id=r.document_id, document=r.document_name,
            code_id=r.code_id, code_path=paths[r.code_id], color=r.color,
            start=r.start, end=r.end, text=texts[r.document_id][r.start:r.end],
            coder=r.coder_name, provenance=r.provenance,
            speaker=speakers(r.document_id, r.start),
            created_at=r.created_at, memo=memos.get(r.id, ""),
        )
        for r in rows
    ]


def _speaker_lookup(session: Session, document_ids: set[int]):
    """A function (document, offset) -> speaker of the passage there, from one query."""
    starts: dict[int, list[int]] = {}
    passages: dict[int, list[tuple[int, int, str | None]]] = {}
    rows = session.execute(
        select(Passage.document_id, Passage.start, Passage.end, Passage.speaker)
        .where(Passage.document_id.in_(document_ids))
        .order_by(Passage.document_id, Passage.start)
    )
    for document_id, start, end, speaker in rows:
        starts.setdefault(document_id, []).append(start)
        passages.setdefault(document_id, []).append((start, end, speaker))

    def speaker_at(document_id: int, offset: int) -> str | None:
        i = bisect_right(starts.get(document_id, []), offset) - 1
        if i < 0:
            return None
        start, end, speaker = passages[document_id][i]
        return speaker if start <= offset < end else None

    return speaker_at


def _base_query():
    """Only the columns a segment needs: selecting whole documents would fetch the text again
    with every coding."""
    return (
        select(Coding.id, Coding.document_id, Coding.code_id, Coding.start, Coding.end,
               Coding.provenance, Coding.created_at, Document.project_id,
               Document.name.label("document_name"), Code.color, Coder.name.label("coder_name"))
        .join(Document, Document.id == Coding.document_id)
        .join(Code, Code.id == Coding.code_id)
        .join(Coder, Coder.id == Coding.coder_id)
    )


def document_codings(session: Session, document_id: int) -> list[CodedSegment]:
    """The codings of one document in reading order."""
    get_document(session, document_id)
    query = _base_query().where(Coding.document_id == document_id).order_by(
        Coding.start, Coding.end, Coding.id)
    return _segments(session, query)


def project_codings(session: Session, project_id: int) -> list[CodedSegment]:
    query = _base_query().where(Document.project_id == project_id).order_by(
        Document.position, Document.id, Coding.start, Coding.id)
    return _segments(session, query)


def code_segments(session: Session, project_id: int, code_id: int, *,
                  include_children: bool = False) -> list[CodedSegment]:
    """All segments coded with a code (and, if asked, with any code beneath it)."""
    root = get_code(session, project_id, code_id)
    ids = {root.id}
    if include_children:
        nodes = code_tree(session, project_id)
        added = True
        while added:
            new = {n.id for n in nodes if n.parent_id in ids} - ids
            ids |= new
            added = bool(new)
    query = _base_query().where(Coding.code_id.in_(ids)).order_by(
        Document.position, Document.id, Coding.start, Coding.id)
    return _segments(session, query)
