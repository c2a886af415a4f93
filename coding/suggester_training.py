"""Training the code suggester on the coded passages of one or more projects.

What a passage teaches: the codes of every human coding that overlaps it (accepted
suggestions included: they are codings; machine codings never train the model), mapped onto
the target project's code paths (``coding.code_mapping``), and the codes coders rejected for it
as negatives. A coder reads a document in order, so in a document with codings the uncoded
passages up to the last coded one were read and left uncoded: they are examples with no code
(an interviewer's question, small talk). Passages after that are not read yet and left out.

About a fifth of the documents (seeded) are held out for the quality report; the model that
is stored is then fitted on everything and becomes the project's active version; versions are
listed, activated and deleted here (``coding.suggestions`` loads and uses them).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from threadpoolctl import threadpool_limits

from coding.code_mapping import codable_paths, mapping_record, resolve_mapping
from corpus.dictionary import project_tokenizer
from corpus.projects import find_project
from i18n import BianmaError
from models import metrics
from models.features import Passage, word_string
from models.persistence import codebook_hash, save_model
from models.suggester import CodeSuggester
from storage import audit
from storage.tables import (
    Coder, Coding, Document, Event, Passage as PassageRow, SuggesterModel, SuggestionDecision,
)

KIND = "code-suggester"
MIN_CODED_PASSAGES = 20
MIN_CODES = 2            # codes with at least two coded passages (one alone cannot be ranked)
HELD_OUT_SHARE = 0.2
SEED = 0

Progress = Callable[[float, str], None]


@dataclass(frozen=True, slots=True)
class TrainingSet:
    passage_ids: list[int]
    passages: list[Passage]
    codes: list[list[str]]
    rejected: list[list[str]]
    groups: list[str]                 # "project:document", for the held-out split
    codings_per_code: dict[str, int]
    documents: int


@dataclass(frozen=True, slots=True)
class TrainingResult:
    model_id: int
    version: int
    meta: dict[str, Any]


def stored_passage(row: Any, text: str, document_key: str) -> Passage:
    """A store passage as the suggester reads it: its stored tokens and place in the document.
    ``row.token_lengths`` may still be JSON text (read only for the passages scored)."""
    lengths = row.token_lengths
    tokens, position = [], row.start
    for length in (json.loads(lengths) if isinstance(lengths, str) else lengths) or ():
        tokens.append(text[position:position + length])
        position += length
    return Passage(text[row.start:row.end], tuple(tokens), document_key, row.index, row.speaker)


def gather_training_set(session: Session, project_ids: Iterable[int],
                        resolved: Mapping[int, str]) -> TrainingSet:
    """Passages, their target code paths and rejected codes from the given projects."""
    project_ids = list(project_ids)
    documents = session.execute(select(Document.id, Document.project_id, Document.text)
                                .where(Document.project_id.in_(project_ids))).all()
    texts = {document_id: text for document_id, _project, text in documents}
    project_of = {document_id: project_id for document_id, project_id, _text in documents}
    rows = session.execute(
        select(PassageRow.id, PassageRow.document_id, PassageRow.index, PassageRow.start,
               PassageRow.end, PassageRow.speaker, PassageRow.token_lengths)
        .where(PassageRow.document_id.in_(list(texts)))
        .order_by(PassageRow.document_id, PassageRow.start)).all()
    by_document: dict[int, list[Any]] = {}
    for row in rows:
        by_document.setdefault(row.document_id, []).append(row)
    starts = {d: [r.start for r in members] for d, members in by_document.items()}
    labels: dict[int, set[str]] = {}
    seen: dict[int, int] = {}        # document -> highest passage index a coding touches
    touched: set[int] = set()        # passages with any human coding, mapped or not
    codings_per_code: dict[str, int] = {}
    for document_id, code_id, start, end in session.execute(
            select(Coding.document_id, Coding.code_id, Coding.start, Coding.end)
            .where(Coding.document_id.in_(list(texts)), Coding.provenance != "machine")):
        members = by_document.get(document_id, [])
        i = max(bisect_right(starts.get(document_id, []), start) - 1, 0)
        path = resolved.get(code_id)
        if path is not None:
            codings_per_code[path] = codings_per_code.get(path, 0) + 1
        while i < len(members) and members[i].start < end:
            row = members[i]
            if row.end > start:
                touched.add(row.id)
                seen[document_id] = max(seen.get(document_id, -1), row.index)
                if path is not None:
                    labels.setdefault(row.id, set()).add(path)
            i += 1
    refused: dict[int, set[str]] = {}
    for passage_id, code_id in session.execute(
            select(SuggestionDecision.passage_id, SuggestionDecision.code_id)
            .where(SuggestionDecision.project_id.in_(project_ids),
                   SuggestionDecision.decision == "rejected")):
        if resolved.get(code_id) is not None:
            refused.setdefault(passage_id, set()).add(resolved[code_id])
    out: dict[str, list[Any]] = {"ids": [], "passages": [], "codes": [], "rejected": [], "groups": []}
    for document_id, members in by_document.items():
        key = f"{project_of[document_id]}:{document_id}"
        for row in members:
            read = row.index <= seen.get(document_id, -1)
            # a passage whose codings all lie outside the mapping says nothing about our codes
            unknown = row.id in touched and row.id not in labels
            negatives = refused.get(row.id, set()) - labels.get(row.id, set())
            if not ((read and not unknown) or negatives):
                continue
            passage = stored_passage(row, texts[document_id], key)
            if not word_string(passage.tokens):
                continue
            out["ids"].append(row.id)
            out["passages"].append(passage)
            out["codes"].append(sorted(labels.get(row.id, ())))
            out["rejected"].append(sorted(negatives))
            out["groups"].append(key)
    return TrainingSet(out["ids"], out["passages"], out["codes"], out["rejected"], out["groups"],
                       dict(sorted(codings_per_code.items())), len(set(out["groups"])))


def check_enough(data: TrainingSet) -> None:
    """Refuse, saying how many more coded passages are needed, when there is too little."""
    coded = sum(1 for codes in data.codes if codes)
    per_code: dict[str, int] = {}
    for codes in data.codes:
        for code in codes:
            per_code[code] = per_code.get(code, 0) + 1
    best = sorted(per_code.values(), reverse=True)[:MIN_CODES]
    best += [0] * (MIN_CODES - len(best))
    missing = max(MIN_CODED_PASSAGES - coded, sum(max(0, 2 - n) for n in best), 0)
    if missing:
        raise BianmaError("E740", have=coded, need=MIN_CODED_PASSAGES, missing=missing,
                          codes=MIN_CODES)


def held_out_split(groups: list[str], codes: list[list[str]]) -> tuple[np.ndarray, np.ndarray, str]:
    """Train and test indices: a seeded fifth of the documents with codings, or of the
    passages when there are too few documents to hold one out."""
    rng = np.random.default_rng(SEED)
    indices = np.arange(len(groups))
    documents = sorted({g for g, c in zip(groups, codes) if c})
    if len(documents) >= 3:
        chosen = rng.permutation(documents)[:max(1, round(HELD_OUT_SHARE * len(documents)))]
        test = np.isin(np.array(groups), chosen)
        return indices[~test], indices[test], "documents"
    order = rng.permutation(indices)
    cut = max(1, round(HELD_OUT_SHARE * len(indices)))
    return np.sort(order[cut:]), np.sort(order[:cut]), "passages"


def quality_report(model: CodeSuggester, passages: list[Passage],
                   codes: list[list[str]]) -> dict[str, Any]:
    """Held-out figures: example-F1, micro/macro F1 over all passages; P@1 and R@3 over the
    passages that carry a code; per code precision, recall and support. A code the model
    never learnt still counts as missed."""
    probabilities = model.predict_proba(passages)
    selected = model.select_codes(probabilities)
    labels = sorted(set(model.classes_) | {c for cs in codes for c in cs})
    column = {code: j for j, code in enumerate(labels)}
    learnt = [column[c] for c in model.classes_]
    gold = np.zeros((len(passages), len(labels)), dtype=bool)
    for i, passage_codes in enumerate(codes):
        gold[i, [column[c] for c in passage_codes]] = True
    scores = np.zeros(gold.shape)
    scores[:, learnt] = probabilities
    chosen = np.zeros(gold.shape, dtype=bool)
    chosen[:, learnt] = selected
    coded = gold.any(axis=1)
    hits, support, predicted = (gold & chosen).sum(axis=0), gold.sum(axis=0), chosen.sum(axis=0)
    per_code = [
        {"code": code, "support": int(support[j]), "predicted": int(predicted[j]),
         "precision": float(hits[j] / predicted[j]) if predicted[j] else None,
         "recall": float(hits[j] / support[j]) if support[j] else None}
        for j, code in enumerate(labels) if support[j] or predicted[j]
    ]
    return {
        "example_f1": metrics.example_f1(gold, chosen),
        "micro_f1": metrics.micro_f1(gold, chosen),
        "macro_f1": metrics.macro_f1(gold, chosen),
        "p_at_1": metrics.precision_at_k(gold[coded], scores[coded], 1),
        "r_at_3": metrics.recall_at_k(gold[coded], scores[coded], 3),
        "passages": len(passages),
        "coded_passages": int(coded.sum()),
        "per_code": per_code,
    }


def _held_out(data: TrainingSet) -> dict[str, Any]:
    train, test, split = held_out_split(data.groups, data.codes)
    pick = lambda items, at: [items[i] for i in at]  # noqa: E731
    try:
        model = CodeSuggester(random_state=SEED).fit(
            pick(data.passages, train), pick(data.codes, train), rejected=pick(data.rejected, train))
    except BianmaError as error:
        # too little left once a fifth is held out: the model is still trained on everything
        return {"split": split, "error": error.code, "test_passages": len(test)}
    report = quality_report(model, pick(data.passages, test), pick(data.codes, test))
    return {"split": split, "test_documents": len({data.groups[i] for i in test}),
            "test_passages": len(test), **report}


def model_bytes(model: CodeSuggester, dictionary_version: str) -> bytes:
    """The model as the persistence file format (skops + metadata), read back as bytes."""
    with tempfile.TemporaryDirectory(prefix="bianma-model-") as folder:
        path = Path(folder) / "model.bianma"
        save_model(model, path, codebook_hash=codebook_hash(model.classes_),
                   dictionary_version=dictionary_version)
        return path.read_bytes()


def next_version(session: Session, project_id: int) -> int:
    """One past any version this project ever had: a deleted version's number (and the
    machine coder named after it) is never given to another model."""
    stored = session.scalar(select(func.max(SuggesterModel.version))
                            .where(SuggesterModel.project_id == project_id)) or 0
    trained = session.scalar(select(func.max(Event.payload["version"].as_integer())).where(
        Event.project_id == project_id, Event.entity == "suggester", Event.action == "train")) or 0
    return max(stored, trained) + 1


def train_suggester(session: Session, project_id: int, source_project_ids: Iterable[int] = (), *,
                    mapping: Mapping[int, int | None] | None = None, coder: str | None = None,
                    progress: Progress | None = None, report: bool = True) -> TrainingResult:
    """Train on the chosen projects (the target project itself when none are given), report
    held-out quality (unless ``report`` is False: about half the time), store the model as the
    project's new active version.

    ``progress(fraction, key)`` is called at each stage with a catalogue key naming it.
    """
    stage = progress or (lambda fraction, key: None)
    started = time.perf_counter()
    project = find_project(session, project_id)
    sources = [find_project(session, pid).id for pid in dict.fromkeys(source_project_ids)] or [project.id]
    stage(0.05, "suggestions.stage_gather")
    resolved = resolve_mapping(session, project.id, sources, mapping)
    data = gather_training_set(session, sources, resolved)
    check_enough(data)
    seconds = {"gather": time.perf_counter() - started}
    # The second stage fits many small dense problems: BLAS threads only contend for the
    # cores (measured 3x slower on a busy two-core server), while the per-code SVMs keep
    # their own threads.
    with threadpool_limits(limits=1, user_api="blas"):
        if report:
            stage(0.2, "suggestions.stage_evaluate")
        held_out = _held_out(data) if report else {"skipped": True}
        seconds["evaluate"] = time.perf_counter() - started - seconds["gather"]
        stage(0.6, "suggestions.stage_fit")
        fit_started = time.perf_counter()
        model = CodeSuggester(random_state=SEED).fit(data.passages, data.codes, rejected=data.rejected)
        seconds["fit"] = time.perf_counter() - fit_started
    stage(0.9, "suggestions.stage_save")
    dictionary_version = project_tokenizer(project).dictionary_version
    blob = model_bytes(model, dictionary_version)
    version = next_version(session, project.id)
    seconds["total"] = time.perf_counter() - started
    per_code_passages: dict[str, int] = {}
    for codes in data.codes:
        for code in codes:
            per_code_passages[code] = per_code_passages.get(code, 0) + 1
    names = dict(session.execute(select(Document.project_id, func.count(Document.id))
                                 .where(Document.project_id.in_(sources))
                                 .group_by(Document.project_id)).all())
    meta = {
        "projects": [{"id": pid, "name": find_project(session, pid).name,
                      "documents": names.get(pid, 0)} for pid in sources],
        "documents": data.documents,
        "passages": len(data.passages),
        "coded_passages": sum(1 for codes in data.codes if codes),
        "rejections": sum(len(r) for r in data.rejected),
        "codings_per_code": data.codings_per_code,
        "passages_per_code": dict(sorted(per_code_passages.items())),
        "classes": list(model.classes_),
        # The code each learnt label is: a later rename or move keeps the model usable.
        "code_ids": {label: code_id for label, code_id in codable_paths(session, project.id).items()
                     if label in set(model.classes_)},
        "C": model.C_,
        "held_out": held_out,
        "sklearn_version": sklearn.__version__,
        "codebook_hash": codebook_hash(model.classes_),
        "dictionary_version": dictionary_version,
        "mapping": mapping_record(session, project.id, resolved),
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
        "blob_sha256": hashlib.sha256(blob).hexdigest(),
    }
    who = audit.coder_id(session, coder)
    for previous in session.scalars(select(SuggesterModel).where(
            SuggesterModel.project_id == project.id, SuggesterModel.active)):
        previous.active = False
    row = SuggesterModel(project_id=project.id, version=version, kind=KIND, blob=blob, meta=meta,
                         active=True, coder_id=who)
    session.add(row)
    session.flush()
    audit.record(session, project_id=project.id, coder=who, action="train", entity="suggester",
                 entity_id=row.id, version=version, passages=len(data.passages),
                 sources=sources, example_f1=held_out.get("example_f1"))
    stage(1.0, "suggestions.stage_done")
    return TrainingResult(row.id, version, meta)


# -- versions -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ModelVersion:
    id: int
    project_id: int
    version: int
    kind: str
    active: bool
    created_at: datetime
    coder: str | None
    meta: dict[str, Any]

    @property
    def label(self) -> str:
        return model_label(self.version)


def model_label(version: int) -> str:
    """How a version is named to people, and the name of the coder it codes as."""
    return f"编码建议 v{version}"


def _versions_query(project_id: int):
    # never the blob: listing versions must not read megabytes of model files
    return (select(SuggesterModel.id, SuggesterModel.project_id, SuggesterModel.version,
                   SuggesterModel.kind, SuggesterModel.active, SuggesterModel.created_at,
                   Coder.name, SuggesterModel.meta)
            .outerjoin(Coder, Coder.id == SuggesterModel.coder_id)
            .where(SuggesterModel.project_id == project_id))


def list_versions(session: Session, project_id: int) -> list[ModelVersion]:
    """The project's trained versions, newest first."""
    find_project(session, project_id)
    rows = session.execute(_versions_query(project_id).order_by(SuggesterModel.version.desc()))
    return [ModelVersion(*row) for row in rows]


def get_version(session: Session, project_id: int, model_id: int) -> ModelVersion:
    row = session.execute(_versions_query(project_id).where(SuggesterModel.id == model_id)).first()
    if row is None:
        raise BianmaError("E743", model=model_id)
    return ModelVersion(*row)


def active_version(session: Session, project_id: int) -> ModelVersion | None:
    row = session.execute(_versions_query(project_id).where(SuggesterModel.active)
                          .order_by(SuggesterModel.version.desc()).limit(1)).first()
    return ModelVersion(*row) if row else None


def activate_version(session: Session, project_id: int, model_id: int, *,
                     coder: str | None = None) -> ModelVersion:
    """Make an older (or newer) version the one that suggests."""
    get_version(session, project_id, model_id)
    for row in session.scalars(select(SuggesterModel).where(SuggesterModel.project_id == project_id)):
        row.active = row.id == model_id
    session.flush()
    chosen = get_version(session, project_id, model_id)
    audit.record(session, project_id=project_id, coder=audit.coder_id(session, coder),
                 action="activate", entity="suggester", entity_id=model_id, version=chosen.version)
    return chosen


def delete_version(session: Session, project_id: int, model_id: int, *,
                   coder: str | None = None) -> ModelVersion:
    """Delete a version (codings it suggested keep their provenance, lose the link); returns
    it. When it was the active one, the newest remaining version becomes active."""
    deleted = get_version(session, project_id, model_id)
    session.delete(session.get(SuggesterModel, model_id))
    session.flush()
    if deleted.active:
        newest = session.scalar(select(SuggesterModel).where(SuggesterModel.project_id == project_id)
                                .order_by(SuggesterModel.version.desc()).limit(1))
        if newest is not None:
            newest.active = True
            session.flush()
    audit.record(session, project_id=project_id, coder=audit.coder_id(session, coder),
                 action="delete", entity="suggester", entity_id=model_id, version=deleted.version)
    return deleted
