"""Code suggestions in the store: suggest, accept, reject, the review queue, the machine coder.

Suggestions come from ``coding.suggester_loading.current_suggester``: the project's active
version, or the codebook matcher before one is trained. A document's passages are scored
together so each one is read with its neighbouring turns. An accepted suggestion is a coding
like any other (provenance "suggested", the model version kept on it, undoable); acceptances
and rejections are kept per (passage, code, coder) for the next training.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from codebook import changes
from codebook.codes import get_code
from coding.code_mapping import codable_paths
from coding.codings import check_span, remove_coding
# CodeSuggestion and PassageSuggestions are part of this module's answers: pages import them here.
from coding.suggester_loading import (  # noqa: F401
    MIN_CONFIDENCE, CodeSuggestion, PassageSuggestions, applied_codes, current_suggester,
    document_probabilities, excluded_codes, load_version, passage_rows, suggest_rows,
)
from coding.suggester_training import get_version, model_label
from corpus.documents import get_document
from corpus.projects import find_project
from i18n import BianmaError
from models.suggester import CodeSuggester
from storage import audit
from storage.tables import Code, Coder, Coding, Document, Passage, SuggestionDecision, utcnow

MAX_TOP_K = 20
ORDERS = ("uncertainty", "confidence")


@dataclass(frozen=True, slots=True)
class DocumentSuggestions:
    document_id: int
    model_id: int | None   # None: cold start from the codebook (or no codable code at all)
    model_label: str | None
    calibrated: bool
    passages: list[PassageSuggestions]


@dataclass(frozen=True, slots=True)
class Decision:
    passage_id: int
    code_id: int
    code_path: str
    coder: str
    decision: str          # "accepted" or "rejected"
    model_id: int | None
    confidence: float | None
    coding_id: int | None  # the coding an acceptance made (or found)
    changed: bool          # False when the same decision was already recorded


def _check_top_k(top_k: int) -> None:
    if not 1 <= top_k <= MAX_TOP_K:
        raise BianmaError("E749", maximum=MAX_TOP_K)


def suggest_for_document(session: Session, project_id: int, document_id: int, *, top_k: int = 3,
                         coder: str | None = None) -> DocumentSuggestions:
    """The top suggestions for every passage of a document, without the codes ``coder`` has
    already applied to a passage or rejected there."""
    _check_top_k(top_k)
    document = get_document(session, document_id, project_id)
    paths = codable_paths(session, project_id)
    loaded = current_suggester(session, project_id, paths=paths)
    rows = passage_rows(session, Passage.document_id == document.id)
    if loaded is None:
        return DocumentSuggestions(document.id, None, None, False, [])
    excluded = excluded_codes(session, rows, audit.existing_coder_id(session, coder))
    found = suggest_rows(session, project_id, loaded, rows, {document.id: document.text},
                         {r.id for r in rows}, top_k, excluded, paths)
    return DocumentSuggestions(document.id, loaded.model_id, loaded.label, loaded.calibrated, found)


def suggest_for_passage(session: Session, passage_id: int, *, top_k: int = 3,
                        coder: str | None = None) -> PassageSuggestions:
    """The top suggestions for one passage, read with its previous and next turn."""
    _check_top_k(top_k)
    passage = _get_passage(session, passage_id)
    document = passage.document
    rows = passage_rows(session, (Passage.document_id == document.id)
                        & Passage.index.between(passage.index - 1, passage.index + 1))
    paths = codable_paths(session, document.project_id)
    loaded = current_suggester(session, document.project_id, paths=paths)
    if loaded is None:
        return PassageSuggestions(passage.id, document.id, passage.index, passage.start, passage.end,
                                  passage.speaker, document.text[passage.start:passage.end], ())
    excluded = excluded_codes(session, [r for r in rows if r.id == passage.id],
                              audit.existing_coder_id(session, coder))
    [found] = suggest_rows(session, document.project_id, loaded, rows, {document.id: document.text},
                           {passage.id}, top_k, excluded, paths)
    return found


def _get_passage(session: Session, passage_id: int) -> Passage:
    passage = session.get(Passage, passage_id)
    if passage is None:
        raise BianmaError("E745", passage=passage_id)
    return passage


def _decide(session: Session, passage_id: int, code_id: int, decision: str, model_id: int | None,
            confidence: float | None, coder: str | None):
    passage = _get_passage(session, passage_id)
    document = passage.document
    code = get_code(session, document.project_id, code_id)
    if not code.is_codable:
        raise BianmaError("E305", name=code.name)
    if model_id is not None:
        get_version(session, document.project_id, model_id)
    if confidence is not None and not 0.0 <= confidence <= 1.0:
        raise BianmaError("E747", value=confidence)
    who = audit.coder_id(session, coder)
    row = session.scalar(select(SuggestionDecision).where(
        SuggestionDecision.passage_id == passage.id, SuggestionDecision.code_id == code.id,
        SuggestionDecision.coder_id == who))
    changed = row is None or row.decision != decision
    if row is None:
        row = SuggestionDecision(project_id=document.project_id, passage_id=passage.id,
                                 code_id=code.id, coder_id=who)
        session.add(row)
    if changed:
        row.decision, row.model_id, row.confidence, row.created_at = decision, model_id, confidence, utcnow()
    return passage, document, code, who, row, changed


def accept_suggestion(session: Session, passage_id: int, code_id: int, *, model_id: int | None = None,
                      confidence: float | None = None, coder: str | None = None) -> Decision:
    """Code the whole passage with the suggested code (provenance "suggested", the model
    version kept on the coding, ``coder`` as its coder) and remember the acceptance. The
    coding is one undoable step; accepting again changes nothing."""
    passage = _get_passage(session, passage_id)
    check_span(passage.document, passage.start, passage.end)
    passage, document, code, who, row, changed = _decide(
        session, passage_id, code_id, "accepted", model_id, confidence, coder)
    coding = session.scalar(select(Coding).where(
        Coding.document_id == document.id, Coding.code_id == code.id, Coding.coder_id == who,
        Coding.start == passage.start, Coding.end == passage.end))
    if coding is None:
        text = " ".join(document.text[passage.start:passage.end].split())
        changes.name_step(session, "suggestions.history_accept", code=code.name,
                          text=text if len(text) <= 12 else text[:12] + "…")
        coding = _add_coding(session, document, code.id, who, passage.start, passage.end,
                             "suggested", model_id)
        changed = True
    session.flush()
    if changed:
        audit.record(session, project_id=document.project_id, coder=who, action="accept",
                     entity="suggestion", entity_id=row.id, passage_id=passage.id, code_id=code.id,
                     model_id=model_id, confidence=confidence, coding_id=coding.id)
    return _result(session, row, code, who, coding.id, changed)


def reject_suggestion(session: Session, passage_id: int, code_id: int, *, model_id: int | None = None,
                      confidence: float | None = None, coder: str | None = None) -> Decision:
    """Remember that ``coder`` refused this code for this passage: it is no longer suggested
    to them there, and the next training counts it against the code."""
    passage = _get_passage(session, passage_id)
    who = audit.coder_id(session, coder)
    applied = session.scalar(select(Coding.id).where(
        Coding.document_id == passage.document_id, Coding.code_id == code_id, Coding.coder_id == who,
        Coding.start < passage.end, Coding.end > passage.start).limit(1))
    if applied is not None:
        raise BianmaError("E746", code=get_code(session, passage.document.project_id, code_id).name)
    passage, document, code, who, row, changed = _decide(
        session, passage_id, code_id, "rejected", model_id, confidence, coder)
    session.flush()
    if changed:
        audit.record(session, project_id=document.project_id, coder=who, action="reject",
                     entity="suggestion", entity_id=row.id, passage_id=passage.id, code_id=code.id,
                     model_id=model_id, confidence=confidence)
    return _result(session, row, code, who, None, changed)


def _result(session: Session, row: SuggestionDecision, code: Code, who: int, coding_id: int | None,
            changed: bool) -> Decision:
    path = {i: p for p, i in codable_paths(session, code.project_id).items()}[code.id]
    return Decision(row.passage_id, code.id, path, session.get(Coder, who).name, row.decision,
                    row.model_id, row.confidence, coding_id, changed)


def _add_coding(session: Session, document: Document, code_id: int, coder_id: int, start: int, end: int,
                provenance: str, model_id: int | None) -> Coding:
    """A coding recorded for undo exactly as ``coding.codings.apply_codes`` records one."""
    coding = Coding(document_id=document.id, code_id=code_id, coder_id=coder_id, start=start, end=end,
                    provenance=provenance, model_id=model_id)
    try:
        with session.begin_nested():
            session.add(coding)
            session.flush()
    except IntegrityError:
        # The same coder's other session stored this very coding and committed it first
        # (the unique index made us wait): keep theirs rather than fail.
        existing = session.scalar(select(Coding).where(
            Coding.document_id == document.id, Coding.code_id == code_id,
            Coding.coder_id == coder_id, Coding.start == start, Coding.end == end))
        if existing is None:
            raise
        return existing
    changes.record(session, project_id=document.project_id, coder=coder_id, action="add",
                   entity="coding", entity_id=coding.id, document_id=document.id, code_id=code_id,
                   start=start, end=end, row=changes.snapshot(coding))
    return coding


# -- review mode ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReviewItem:
    document: str
    passage: PassageSuggestions
    previous_speaker: str | None
    previous_text: str | None     # the turn before, for context
    uncertainty: float            # |top confidence - 0.5|: 0 is the most uncertain


@dataclass(frozen=True, slots=True)
class ReviewQueue:
    model_id: int | None
    model_label: str | None
    calibrated: bool
    remaining: int                # uncoded passages with a suggestion, skipped ones left out
    items: list[ReviewItem]


def review_queue(session: Session, project_id: int, *, order: str = "uncertainty", limit: int = 20,
                 coder: str | None = None, skip: Iterable[int] = ()) -> ReviewQueue:
    """Passages ``coder`` has not coded, with suggestions, in the order to decide them:
    "uncertainty" puts first the passages whose top suggestion is nearest 0.5 (then the
    smallest margin to the second), where a decision teaches the model most; "confidence" the
    most confident first, to code fast. ``skip`` leaves passages out (skipped for now)."""
    if order not in ORDERS:
        raise BianmaError("E748", order=order, choices="、".join(ORDERS))
    find_project(session, project_id)
    paths = codable_paths(session, project_id)
    loaded = current_suggester(session, project_id, paths=paths)
    if loaded is None:
        return ReviewQueue(None, None, False, 0, [])
    documents = dict(session.execute(select(Document.id, Document.name).where(
        Document.project_id == project_id)).all())
    texts = dict(session.execute(select(Document.id, Document.text).where(
        Document.project_id == project_id)).all())
    rows = passage_rows(session, Passage.document_id.in_(list(documents)))
    coder_id = audit.existing_coder_id(session, coder)
    applied = applied_codes(session, rows, coder_id, project_id)
    excluded = excluded_codes(session, rows, coder_id, applied, project_id)
    code_ids = [paths.get(code) for code in loaded.model.classes_]
    column_of = {code_id: j for j, code_id in enumerate(code_ids) if code_id is not None}
    # a learnt code gone from the codebook can never be suggested
    unknown = np.array([code_id is None for code_id in code_ids])
    skipped = set(skip)
    candidates: list[tuple[tuple[float, float], Any]] = []
    by_document: dict[int, list[Any]] = {}
    for row in rows:
        by_document.setdefault(row.document_id, []).append(row)
    scored = document_probabilities(loaded, by_document, texts)
    for document_id, members in by_document.items():
        values = np.where(unknown, -np.inf, scored[document_id])
        for i, row in enumerate(members):
            for code_id in excluded[row.id]:
                if code_id in column_of:
                    values[i, column_of[code_id]] = -np.inf
        # the two best codes of every passage at once
        best = -np.sort(-values, axis=1)[:, :2] if values.size else np.zeros((len(members), 0))
        for i, row in enumerate(members):
            top = best[i, 0] if best.shape[1] else -np.inf
            # a passage of white space only has nothing to code
            if (top < MIN_CONFIDENCE or row.id in skipped or applied[row.id]
                    or not texts[document_id][row.start:row.end].strip()):
                continue
            second = max(best[i, 1], 0.0) if best.shape[1] > 1 else 0.0
            key = (abs(top - 0.5), top - second) if order == "uncertainty" else (-top, 0.0)
            candidates.append((key, row))
    chosen = [row for _, row in heapq.nsmallest(max(limit, 0), candidates,
                                                key=lambda item: (item[0], item[1].document_id, item[1].index))]
    # the chosen passages and their neighbours in one batch: each is read in its context
    around = {r.id: r for row in chosen for r in by_document[row.document_id]
              if abs(r.index - row.index) <= 1}
    batch = sorted(around.values(), key=lambda r: (r.document_id, r.index))
    found = {p.passage_id: p for p in suggest_rows(session, project_id, loaded, batch, texts,
                                                   {row.id for row in chosen}, 3, excluded, paths)}
    items = []
    for row in chosen:
        previous = next((r for r in by_document[row.document_id] if r.index == row.index - 1), None)
        suggestions = found[row.id].suggestions
        items.append(ReviewItem(
            documents[row.document_id], found[row.id], previous.speaker if previous else None,
            texts[row.document_id][previous.start:previous.end] if previous else None,
            float(abs(suggestions[0].confidence - 0.5)) if suggestions else 0.5))
    return ReviewQueue(loaded.model_id, loaded.label, loaded.calibrated, len(candidates), items)


# -- the suggester as a coder ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MachineCoding:
    model_id: int
    coder: str                    # the coder the codings are made by: "编码建议 v3"
    documents: int
    added: int
    removed: int


def code_with_suggester(session: Session, project_id: int, document_ids: Iterable[int] | None = None, *,
                        model_id: int | None = None, coder: str | None = None) -> MachineCoding:
    """Let a trained version code documents (all of them by default) as a coder of its own.

    Each passage gets the codes the model would assign, as codings with provenance "machine"
    by a coder named after the version, replacing that coder's earlier codings there; the
    agreement page can then compare it with people. One undoable step; ``coder`` is who ran it.
    """
    paths = codable_paths(session, project_id)
    loaded = load_version(session, project_id, model_id, paths=paths)
    if loaded is None or not isinstance(loaded.model, CodeSuggester):
        raise BianmaError("E744")
    assert loaded.model_id is not None and loaded.version is not None
    ids = (list(dict.fromkeys(document_ids)) if document_ids is not None else list(session.scalars(
        select(Document.id).where(Document.project_id == project_id).order_by(Document.position))))
    documents = [get_document(session, document_id, project_id) for document_id in ids]
    name = model_label(loaded.version)
    machine = audit.coder_id(session, name)
    changes.name_step(session, "suggestions.history_machine", model=name, documents=len(documents))
    removed = 0
    for old in session.scalars(select(Coding.id).where(
            Coding.document_id.in_(ids), Coding.coder_id == machine, Coding.provenance == "machine")).all():
        remove_coding(session, old, coder=coder)
        removed += 1
    by_document: dict[int, list[Any]] = {document.id: [] for document in documents}
    for row in passage_rows(session, Passage.document_id.in_(ids)):
        by_document[row.document_id].append(row)
    scored = document_probabilities(loaded, by_document, {d.id: d.text for d in documents})
    added = 0
    for document in documents:
        rows = by_document[document.id]
        chosen = loaded.model.select_codes(scored[document.id]) if rows else []
        for row, selected in zip(rows, chosen):
            if not document.text[row.start:row.end].strip():
                continue
            for j in np.flatnonzero(selected):
                code_id = loaded.code_id(loaded.model.classes_[j], paths)
                if code_id is not None:
                    _add_coding(session, document, code_id, machine, row.start, row.end, "machine",
                                loaded.model_id)
                    added += 1
    audit.record(session, project_id=project_id, coder=audit.coder_id(session, coder),
                 action="code", entity="suggester", entity_id=loaded.model_id, coder_name=name,
                 documents=ids, added=added, removed=removed)
    return MachineCoding(loaded.model_id, name, len(documents), added, removed)
