"""Suggesters ready to use, and the suggestions they make for stored passages.

A stored version is loaded from its file (``models.persistence``: skops, integrity and
scikit-learn version checked) and kept in a small cache keyed by the file's SHA-256; a
version never changes, so its key never goes stale. On every use the model is checked
against the project as it is now: a code it learnt gone from the codebook, or a changed user
dictionary, refuses it with the persistence error codes. Before any version is trained,
suggestions come from the codebook itself (``models.cold_start``: names, definitions,
inclusion criteria, examples), with a strength rather than a probability.

``coding.suggestions`` builds the public service (suggest, accept, reject, review, machine
coder) on the pieces here: loading, what a coder has already decided, scoring a batch.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from sqlalchemy import Text, select, type_coerce
from sqlalchemy.orm import Session

from coding.code_mapping import codable_paths
from coding.suggester_training import model_label, stored_passage
from coding.wordstats import default_stop_words, is_word, parse_stop_words
from corpus.dictionary import project_tokenizer
from corpus.projects import find_project
from i18n import BianmaError
from models.cold_start import CodebookEntry, CodebookMatcher
from models.persistence import codebook_hash, load_model, read_metadata
from models.suggester import CodeSuggester
from storage.tables import (
    Code, Coding, Document, Passage, Project, SuggesterModel, SuggestionDecision,
)

# Below this a suggestion is noise: a list of "0%" codes helps no one decide.
MIN_CONFIDENCE = 0.01
_CACHE_SIZE = 4
_cache: OrderedDict[str, Any] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class LoadedModel:
    """A suggester ready to use: a stored version, or the codebook matcher (``model_id`` None)."""

    model_id: int | None
    version: int | None
    model: CodeSuggester | CodebookMatcher
    key: str
    # learnt label -> code id (stored versions); None: the labels are the codes' paths
    labels: dict[str, int] | None = None

    def code_id(self, label: str, paths: dict[str, int]) -> int | None:
        """The codable code a suggested label stands for now, or None."""
        if self.labels is None:
            return paths.get(label)
        code_id = self.labels.get(label)
        return code_id if code_id in paths.values() else None

    @property
    def calibrated(self) -> bool:
        return self.model_id is not None

    @property
    def label(self) -> str | None:
        return model_label(self.version) if self.version is not None else None


def _cached(key: str, build) -> Any:
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    value = build()
    with _lock:
        _cache[key] = value
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def _dictionary_version(session: Session, project_id: int) -> str:
    return project_tokenizer(find_project(session, project_id)).dictionary_version


def _load_blob(session: Session, model_id: int, label: str, sha: str):
    blob = session.scalar(select(SuggesterModel.blob).where(SuggesterModel.id == model_id))
    if hashlib.sha256(blob).hexdigest() != sha:
        raise BianmaError("E722", path=label)
    with tempfile.TemporaryDirectory(prefix="bianma-model-") as folder:
        path = Path(folder) / "model.bianma"
        path.write_bytes(blob)
        # integrity and the scikit-learn version here; codebook and dictionary on every use
        return load_model(path), read_metadata(path)


def _version_ref(session: Session, project_id: int, model_id: int | None) -> tuple[int, int, str | None] | None:
    """Id, version number and file checksum of a version (default: the active one), without
    reading the file or the rest of its metadata: this runs on every suggestion."""
    query = select(SuggesterModel.id, SuggesterModel.version,
                   SuggesterModel.meta["blob_sha256"].as_string()).where(SuggesterModel.project_id == project_id)
    if model_id is None:
        row = session.execute(query.where(SuggesterModel.active).order_by(SuggesterModel.version.desc())
                              .limit(1)).first()
        return tuple(row) if row else None
    row = session.execute(query.where(SuggesterModel.id == model_id)).first()
    if row is None:
        raise BianmaError("E743", model=model_id)
    return tuple(row)


def load_version(session: Session, project_id: int, model_id: int | None = None, *,
                 paths: dict[str, int] | None = None) -> LoadedModel | None:
    """The stored version ``model_id`` (default: the active one) ready to suggest, or None.

    Refused with the persistence codes when the file is damaged or forged (E722/E723), made
    with another scikit-learn (E724), when a code it knows is gone from the codebook (E725),
    or when the project's user dictionary changed since it was trained (E726). ``paths`` are
    the project's ``codable_paths`` when the caller has them already.
    """
    ref = _version_ref(session, project_id, model_id)
    if ref is None:
        return None
    found_id, version, sha = ref
    label = model_label(version)
    if sha is None:
        sha = hashlib.sha256(session.scalar(
            select(SuggesterModel.blob).where(SuggesterModel.id == found_id))).hexdigest()
    model, meta = _cached(sha, lambda: _load_blob(session, found_id, label, sha))
    if meta.sklearn_version != sklearn.__version__:
        raise BianmaError("E724", path=label, saved=meta.sklearn_version, installed=sklearn.__version__)
    present = paths if paths is not None else codable_paths(session, project_id)
    code_ids = session.scalar(select(SuggesterModel.meta["code_ids"]).where(SuggesterModel.id == found_id))
    if code_ids:
        # Learnt codes are known by id: renamed or moved codes keep their suggestions; a code
        # deleted, merged away or made category-only needs a retrain.
        if not set(code_ids.values()) <= set(present.values()):
            raise BianmaError("E725", path=label)
    elif codebook_hash([c for c in meta.codes if c in present]) != meta.codebook_hash:
        raise BianmaError("E725", path=label)
    if meta.dictionary_version != _dictionary_version(session, project_id):
        raise BianmaError("E726", path=label)
    return LoadedModel(found_id, version, model, sha, dict(code_ids) if code_ids else None)


def _cold_start(session: Session, project_id: int, paths: dict[str, int]) -> LoadedModel | None:
    if not paths:
        return None
    codes = {code.id: code for code in session.scalars(
        select(Code).where(Code.project_id == project_id, Code.is_codable))}
    # names and examples become phrases to find; definitions and inclusion criteria a profile
    entries = [CodebookEntry(path, " ".join(filter(None, [codes[i].definition, codes[i].inclusion])),
                             tuple(line.strip() for line in codes[i].example.splitlines() if line.strip()))
               for path, i in sorted(paths.items())]
    tokenizer = project_tokenizer(find_project(session, project_id))
    key = hashlib.sha256(repr((entries, tokenizer.dictionary_version)).encode("utf-8")).hexdigest()
    matcher = _cached(key, lambda: CodebookMatcher().fit(entries, tokenizer))
    return LoadedModel(None, None, matcher, key)


def current_suggester(session: Session, project_id: int, *,
                      paths: dict[str, int] | None = None) -> LoadedModel | None:
    """The active version, else the codebook matcher, else None (no codable code)."""
    paths = paths if paths is not None else codable_paths(session, project_id)
    return load_version(session, project_id, paths=paths) or _cold_start(session, project_id, paths)


_probabilities: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_PROBABILITY_DOCUMENTS = 4096


def document_probabilities(loaded: LoadedModel, rows_by_document: dict[int, list[Any]],
                           texts: dict[int, str]) -> dict[int, np.ndarray]:
    """Per document (id -> its ``passage_rows`` in order), the confidence of each of
    ``loaded.model.classes_`` for each passage (a strength for the codebook matcher), every
    document's passages scored together.

    Kept per (model, document, passages): a document's text never changes after import and
    re-cutting its passages gives them new ids, so a review page that asks again after each
    decision scores only what it has not seen. What is missing is scored in one batch (the
    model's cost per call dwarfs its cost per passage); passages carry their document and turn,
    so documents in one batch never read each other as context.
    """
    out: dict[int, np.ndarray] = {}
    keys = {d: (loaded.key, d, tuple(r.id for r in rows)) for d, rows in rows_by_document.items()}
    with _lock:
        for document_id, key in keys.items():
            if key in _probabilities:
                _probabilities.move_to_end(key)
                out[document_id] = _probabilities[key]
    missing = [document_id for document_id in rows_by_document if document_id not in out]
    batch = [stored_passage(row, texts[document_id], str(document_id))
             for document_id in missing for row in rows_by_document[document_id]]
    model = loaded.model
    values = (model.predict_proba(batch) if isinstance(model, CodeSuggester) else model.scores(batch)[0]
              ) if batch else np.zeros((0, len(model.classes_)))
    offset = 0
    with _lock:
        for document_id in missing:
            size = len(rows_by_document[document_id])
            out[document_id] = values[offset:offset + size]
            offset += size
            _probabilities[keys[document_id]] = out[document_id]
        while len(_probabilities) > _PROBABILITY_DOCUMENTS:
            _probabilities.popitem(last=False)
    return out


# -- suggestions for stored passages -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CodeSuggestion:
    code_id: int
    code_path: str
    confidence: float      # a probability when ``calibrated``, else a strength in [0, 1)
    calibrated: bool
    reasons: tuple[str, ...]
    selected: bool         # the suggester would assign it (pre-tick it)


@dataclass(frozen=True, slots=True)
class PassageSuggestions:
    passage_id: int
    document_id: int
    index: int
    start: int
    end: int
    speaker: str | None
    text: str
    suggestions: tuple[CodeSuggestion, ...]
    model_id: int | None = None   # the version that made them (None: the codebook); pass it on accept


def applied_codes(session: Session, rows: Sequence[Any], coder_id: int | None,
                  project_id: int | None = None) -> dict[int, set[int]]:
    """Per passage, the codes ``coder_id`` applied to any part of it (one query for all;
    give ``project_id`` when the rows are a whole project's)."""
    out: dict[int, set[int]] = {row.id: set() for row in rows}
    by_document: dict[int, list[Any]] = {}
    for row in sorted(rows, key=lambda r: (r.document_id, r.start)):
        by_document.setdefault(row.document_id, []).append(row)
    if coder_id is None or not rows:
        return out
    starts = {document_id: [r.start for r in members] for document_id, members in by_document.items()}
    query = select(Coding.document_id, Coding.code_id, Coding.start, Coding.end).where(
        Coding.coder_id == coder_id)
    query = (query.join(Document, Document.id == Coding.document_id).where(Document.project_id == project_id)
             if project_id is not None else query.where(Coding.document_id.in_(list(by_document))))
    if len(by_document) == 1:
        # one document (a passage and its neighbours): only the codings around them
        [members] = by_document.values()
        query = query.where(Coding.start < members[-1].end, Coding.end > members[0].start)
    for document_id, code_id, start, end in session.execute(query):
        members = by_document.get(document_id, [])
        i = max(bisect_right(starts[document_id], start) - 1, 0)
        while i < len(members) and members[i].start < end:
            if members[i].end > start:
                out[members[i].id].add(code_id)
            i += 1
    return out


def excluded_codes(session: Session, rows: Sequence[Any], coder_id: int | None,
                   applied: dict[int, set[int]] | None = None,
                   project_id: int | None = None) -> dict[int, set[int]]:
    """Per passage, codes not to suggest: those the coder applied there or rejected there."""
    applied = applied if applied is not None else applied_codes(session, rows, coder_id, project_id)
    out = {passage_id: set(codes) for passage_id, codes in applied.items()}
    if coder_id is None or not rows:
        return out
    query = select(SuggestionDecision.passage_id, SuggestionDecision.code_id).where(
        SuggestionDecision.coder_id == coder_id, SuggestionDecision.decision == "rejected")
    query = (query.where(SuggestionDecision.project_id == project_id) if project_id is not None
             else query.where(SuggestionDecision.passage_id.in_(list(out))))
    for passage_id, code_id in session.execute(query):
        if passage_id in out:
            out[passage_id].add(code_id)
    return out


def passage_rows(session: Session, where) -> list[Any]:
    """Passages as plain rows (what ``stored_passage`` reads), in document order. Token
    lengths stay JSON text where the driver allows: a review of a whole project decodes only
    the passages it has not scored yet."""
    return list(session.execute(
        select(Passage.id, Passage.document_id, Passage.index, Passage.start, Passage.end,
               Passage.speaker, type_coerce(Passage.token_lengths, Text).label("token_lengths"))
        .where(where).order_by(Passage.document_id, Passage.index)).all())


def stop_words(session: Session, project_id: int) -> frozenset[str]:
    """The project's stop words (the shipped list while it has none of its own)."""
    return _parsed_stop_words(session.scalar(select(Project.stop_words).where(Project.id == project_id)) or "")


@lru_cache(maxsize=64)
def _parsed_stop_words(stored: str) -> frozenset[str]:
    return parse_stop_words(stored) if stored.strip() else frozenset(default_stop_words())


def suggest_rows(session: Session, project_id: int, loaded: LoadedModel, rows: Sequence[Any],
                 texts: dict[int, str], focus: Collection[int], top_k: int,
                 excluded: dict[int, set[int]], paths: dict[str, int]) -> list[PassageSuggestions]:
    """Suggestions for the ``focus`` passages, scored in one batch with the other ``rows``
    (their neighbours), without the excluded codes. Reasons are words: punctuation and the
    project's stop words are left out."""
    stop = stop_words(session, project_id)
    batch = [stored_passage(row, texts[row.document_id], str(row.document_id)) for row in rows]
    extra = max((len(excluded.get(row.id, ())) for row in rows if row.id in focus), default=0)
    ranked = loaded.model.suggest(batch, top_k=top_k + extra) if batch else []
    path_of = {code_id: path for path, code_id in paths.items()}
    out = []
    for row, passage, suggestions in zip(rows, batch, ranked):
        if row.id not in focus:
            continue
        found = [(loaded.code_id(s.code, paths), s) for s in suggestions]
        kept = [CodeSuggestion(code_id, path_of[code_id], s.confidence, s.calibrated,
                               tuple(w for w in s.reasons if is_word(w) and w not in stop), s.selected)
                for code_id, s in found
                if code_id is not None and code_id not in excluded.get(row.id, ())
                and s.confidence >= MIN_CONFIDENCE]
        out.append(PassageSuggestions(row.id, row.document_id, row.index, row.start, row.end,
                                      row.speaker, passage.text, tuple(kept[:top_k]), loaded.model_id))
    return out
