"""Memos on the project, a document, a code or a coding; listing and searching them all.

The project, a document and a code can have any number of memos (a dated research journal);
a coding keeps one, written through ``coding.codings.write_coding_memo``. Every change is an
undoable event (``codebook.changes``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from codebook import changes
from codebook.codes import code_tree, get_code
from coding.codings import write_coding_memo
from corpus.projects import find_project
from i18n import BianmaError
from storage import audit
from storage.tables import Coder, Coding, Document, Memo, utcnow

KINDS = ("project", "document", "code", "coding")
EXCERPT = 30


@dataclass(frozen=True, slots=True)
class MemoView:
    """A memo with what it is about, ready for a list or an export."""

    id: int
    kind: str
    target_id: int | None
    target: str
    text: str
    author: str
    created_at: datetime
    updated_at: datetime


def _coding_in_project(session: Session, project_id: int, coding_id: int) -> Coding:
    coding = session.scalar(select(Coding).join(Document, Document.id == Coding.document_id)
                            .where(Coding.id == coding_id, Document.project_id == project_id))
    if coding is None:
        raise BianmaError("E304", coding=coding_id)
    return coding


def add_memo(session: Session, project_id: int, text: str, *, document_id: int | None = None,
             code_id: int | None = None, coding_id: int | None = None,
             coder: str | None = None) -> Memo:
    """A new memo on the project (no target) or on one document, code or coding.

    A coding has one memo: writing to it replaces the text (``write_coding_memo``).
    """
    if sum(target is not None for target in (document_id, code_id, coding_id)) > 1:
        raise BianmaError("E333")
    text = text.strip()
    if not text:
        raise BianmaError("E331")
    find_project(session, project_id)
    if coding_id is not None:
        _coding_in_project(session, project_id, coding_id)
        write_coding_memo(session, coding_id, text, coder=coder)
        return session.scalar(select(Memo).where(Memo.coding_id == coding_id))
    if document_id is not None:
        document = session.get(Document, document_id)
        if document is None or document.project_id != project_id:
            raise BianmaError("E004", doc=document_id)
    if code_id is not None:
        get_code(session, project_id, code_id)
    changes.name_step(session, "history.memo")
    who = audit.coder_id(session, coder)
    memo = Memo(project_id=project_id, document_id=document_id, code_id=code_id, author_id=who,
                text=text)
    session.add(memo)
    session.flush()
    changes.memo_written(session, project_id, who, memo.id, None, changes.snapshot(memo))
    return memo


def _memo(session: Session, project_id: int, memo_id: int) -> Memo:
    memo = session.get(Memo, memo_id)
    if memo is None or memo.project_id != project_id:
        raise BianmaError("E332", memo=memo_id)
    return memo


def edit_memo(session: Session, project_id: int, memo_id: int, text: str,
              *, coder: str | None = None) -> Memo:
    """Replace a memo's text; deleting is a separate action so it is never an accident."""
    memo = _memo(session, project_id, memo_id)
    text = text.strip()
    if not text:
        raise BianmaError("E331")
    if text == memo.text:
        return memo
    changes.name_step(session, "history.memo")
    before = changes.snapshot(memo)
    memo.text, memo.updated_at = text, utcnow()
    session.flush()
    changes.memo_written(session, project_id, audit.coder_id(session, coder), memo.id, before,
                         changes.snapshot(memo))
    return memo


def delete_memo(session: Session, project_id: int, memo_id: int, *, coder: str | None = None) -> int:
    memo = _memo(session, project_id, memo_id)
    changes.name_step(session, "history.delete_memo")
    before = changes.snapshot(memo)
    session.delete(memo)
    session.flush()
    changes.memo_written(session, project_id, audit.coder_id(session, coder), memo_id, before, None)
    return memo_id


def list_memos(session: Session, project_id: int, *, kind: str | None = None,
               target_id: int | None = None, query: str = "") -> list[MemoView]:
    """Memos of the project, newest first; optionally of one kind, one target, or matching
    ``query`` (case-insensitive, in the text or in what the memo is about)."""
    project = find_project(session, project_id)
    paths = {node.id: node.path for node in code_tree(session, project_id)}
    documents = dict(session.execute(
        select(Document.id, Document.name).where(Document.project_id == project_id)).all())
    rows = session.execute(
        select(Memo, Coder.name).join(Coder, Coder.id == Memo.author_id)
        .where(Memo.project_id == project_id).order_by(Memo.updated_at.desc(), Memo.id.desc())
    ).all()
    codings = _coding_labels(session, [m.coding_id for m, _ in rows if m.coding_id is not None],
                             documents, paths)
    needle = query.strip().casefold()
    views = []
    for memo, author in rows:
        if memo.coding_id is not None:
            view_kind, target_id_, target = "coding", memo.coding_id, codings.get(memo.coding_id, "")
        elif memo.code_id is not None:
            view_kind, target_id_, target = "code", memo.code_id, paths.get(memo.code_id, "")
        elif memo.document_id is not None:
            view_kind, target_id_ = "document", memo.document_id
            target = documents.get(memo.document_id, "")
        else:
            view_kind, target_id_, target = "project", None, project.name
        if kind is not None and view_kind != kind:
            continue
        if target_id is not None and target_id_ != target_id:
            continue
        if needle and needle not in memo.text.casefold() and needle not in target.casefold():
            continue
        views.append(MemoView(memo.id, view_kind, target_id_, target, memo.text, author,
                              memo.created_at, memo.updated_at))
    return views


def search_memos(session: Session, project_id: int, query: str) -> list[MemoView]:
    return list_memos(session, project_id, query=query)


def _coding_labels(session: Session, coding_ids: list[int], documents: dict[int, str],
                   paths: dict[int, str]) -> dict[int, str]:
    """``文档 · 代码路径 · “片段开头…”`` for each coding, from one query."""
    if not coding_ids:
        return {}
    labels = {}
    rows = session.execute(
        select(Coding.id, Coding.document_id, Coding.code_id, Coding.start, Coding.end,
               Document.text).join(Document, Document.id == Coding.document_id)
        .where(Coding.id.in_(coding_ids))
    )
    for coding_id, document_id, code_id, start, end, text in rows:
        quote = text[start:end]
        quote = quote if len(quote) <= EXCERPT else quote[:EXCERPT] + "…"
        labels[coding_id] = f"{documents.get(document_id, '')} · {paths.get(code_id, '')} · “{quote}”"
    return labels
