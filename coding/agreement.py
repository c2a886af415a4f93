"""Inter-coder agreement: percent agreement, Cohen's κ and Krippendorff's α, per code and overall.

How the figures are computed (the agreement page shows the same explanation):

- Units. The text is cut into units: characters (of what speakers said, i.e. inside passages,
  white space excluded), sentences, or passages (speaker turns / notes paragraphs). For each
  code, each coder gives each unit the value 1 if one of their codings with that code touches
  the unit (shares at least one character with it), else 0.
- Missing data. A coder who made no coding at all in a document has no values for its units
  (they have not coded it), rather than 0s. A unit is pairable when at least two coders have
  values for it; only pairable units count.
- Percent agreement: the share of pairable units on which all coders with values agree.
- Cohen's κ (exactly two coders): (pₒ − pₑ) / (1 − pₑ), pₒ the observed agreement, pₑ the
  agreement expected from each coder's own proportions of 1s and 0s.
- Krippendorff's α (nominal, any number of coders, missing values allowed): 1 − Dₒ/Dₑ from the
  coincidence matrix, α = 1 − (n − 1)·o₀₁ / (n₀·n₁) for the 0/1 values here; the same figure
  as the ``krippendorff`` package (the tests check it), computed on counts of weighted units
  so that character units and the bootstrap stay fast.
- Overall: every (code, unit) pair is one 0/1 decision; the three figures are computed on all
  decisions pooled. Percent agreement is inflated by the many units no one coded; κ and α
  correct for it.
- Confidence intervals: percentile bootstrap with a fixed seed (the same seed gives the same
  interval). Resampled are sentences or passages; for character units whole passages, since
  neighbouring characters are not independent decisions. A figure that is undefined in a
  resample (everyone chose 0) is left out of that resample's distribution.
- κ and α are undefined when all values are equal (no code applied, or applied everywhere).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from codebook.codes import code_tree
from coding.codings import CodedSegment
from i18n import BianmaError, t
from storage import audit
from storage.tables import Coder, Coding, Document, Event, Passage

UNITS = ("character", "sentence", "passage")
MAX_BOOTSTRAP = 10_000
# Statistics summed per unit (weighted): coincidences o00, o01, o11; units where all agree;
# the two-coder table t00, t01, t10, t11 (coder 1 value, coder 2 value); pairable units.
_O00, _O01, _O11, _AGREE, _T00, _T01, _T10, _T11, _PAIRABLE = range(9)
_STATS = 9


@dataclass(frozen=True, slots=True)
class Estimate:
    value: float | None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True, slots=True)
class CodeAgreement:
    code_id: int | None      # None: all codes pooled
    label: str
    units: int               # pairable units (characters for the character unit); pooled:
                             # pairable (code, unit) decisions
    coded: int               # of those, the ones at least one coder gave the code
    percent: Estimate
    kappa: Estimate | None   # only for two coders
    alpha: Estimate


@dataclass(frozen=True, slots=True)
class Disagreement:
    code_id: int
    code: str
    document_id: int
    document: str
    start: int
    end: int
    text: str
    values: dict[str, bool | None]   # per coder: coded, not coded, or no values (None)
    coded: dict[str, str]            # per coder: the text of their codings with this code here


@dataclass(frozen=True, slots=True)
class AgreementReport:
    coders: list[str]
    unit: str
    documents: list[int]
    uncoded: dict[str, list[str]]    # per coder, chosen documents they made no coding in
    codes: list[CodeAgreement]
    overall: CodeAgreement
    disagreements: list[Disagreement]
    bootstrap: int
    seed: int
    confidence: float


# --- the statistics, on summed unit statistics (any leading shape) ----------------------


def alpha_from_coincidences(o: np.ndarray) -> np.ndarray:
    """Nominal α from coincidence matrices ``(..., V, V)``; NaN where it is undefined."""
    o = np.asarray(o, dtype=float)
    n_c = o.sum(axis=-1)
    n = n_c.sum(axis=-1)
    observed = n - np.trace(o, axis1=-2, axis2=-1)
    expected = n * n - (n_c * n_c).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected > 0, 1 - (n - 1) * observed / expected, np.nan)


def coincidences(value_counts: np.ndarray) -> np.ndarray:
    """The coincidence matrix of units given as value counts ``(units, V)`` (Krippendorff)."""
    counts = np.asarray(value_counts, dtype=float)
    m = counts.sum(axis=1)
    pairs = counts[:, :, None] * counts[:, None, :] - counts[:, :, None] * np.eye(counts.shape[1])
    scale = np.divide(1.0, m - 1, out=np.zeros_like(m), where=m >= 2)
    return (pairs * scale[:, None, None]).sum(axis=0)


def _figures(stats: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Percent agreement, κ and α from summed statistics ``(..., _STATS)``."""
    s = np.asarray(stats, dtype=float)
    o = np.stack([np.stack([s[..., _O00], s[..., _O01]], -1),
                  np.stack([s[..., _O01], s[..., _O11]], -1)], -2)
    alpha = alpha_from_coincidences(o)
    with np.errstate(divide="ignore", invalid="ignore"):
        percent = np.where(s[..., _PAIRABLE] > 0, s[..., _AGREE] / s[..., _PAIRABLE], np.nan)
        total = s[..., _T00] + s[..., _T01] + s[..., _T10] + s[..., _T11]
        observed = (s[..., _T00] + s[..., _T11]) / total
        first1, second1 = (s[..., _T10] + s[..., _T11]) / total, (s[..., _T01] + s[..., _T11]) / total
        expected = first1 * second1 + (1 - first1) * (1 - second1)
        kappa = np.where((total > 0) & (expected < 1), (observed - expected) / (1 - expected), np.nan)
    return percent, kappa, alpha


def cohen_kappa(table: Sequence[Sequence[float]]) -> float | None:
    """κ from a two-coder contingency table (rows: coder 1's value, columns: coder 2's)."""
    table = np.asarray(table, dtype=float)
    total = table.sum()
    observed = np.trace(table) / total
    expected = float((table.sum(axis=1) / total) @ (table.sum(axis=0) / total))
    return None if expected >= 1 else (observed - expected) / (1 - expected)


def _number(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _bootstrap(cluster_stats: np.ndarray, replicates: int, seed: int, confidence: float,
               ) -> list[tuple[tuple[float | None, float | None], ...]]:
    """Percentile intervals (percent, κ, α) per code and, last, for all codes pooled."""
    flat = cluster_stats.reshape(len(cluster_stats), -1)
    # Resampling clusters only needs how often each distinct cluster is drawn: identical
    # clusters (most sentences nobody coded) are merged and drawn with their multiplicity.
    kinds, multiplicity = np.unique(flat, axis=0, return_counts=True)
    rng = np.random.default_rng(seed)
    size = int(multiplicity.sum())
    draws = []
    for done in range(0, replicates, 250):
        counts = rng.multinomial(size, multiplicity / size, size=min(250, replicates - done))
        draws.append(counts @ kinds)
    resampled = np.concatenate(draws).reshape(replicates, *cluster_stats.shape[1:])
    resampled = np.concatenate([resampled, resampled.sum(axis=1, keepdims=True)], axis=1)
    tail = 100 * (1 - confidence) / 2
    per_figure = []
    for figure in _figures(resampled):
        intervals = []
        for column in figure.T:
            column = column[~np.isnan(column)]
            intervals.append((float(np.percentile(column, tail)),
                              float(np.percentile(column, 100 - tail))) if len(column) else (None, None))
        per_figure.append(intervals)
    return list(zip(*per_figure))


# --- units and values ----------------------------------------------------------------------


def _coders(session: Session, names: Iterable[str]) -> list[tuple[int, str]]:
    names = list(dict.fromkeys(n.strip() for n in names if n and n.strip()))
    if len(names) < 2:
        raise BianmaError("E602")
    ids = dict(session.execute(select(Coder.name, Coder.id).where(Coder.name.in_(names))).all())
    for name in names:
        if name not in ids:
            raise BianmaError("E601", coder=name)
    return [(ids[name], name) for name in names]


def _document_units(unit: str, text: str, passages, cuts: set[int]):
    """Unit starts, ends, weights and passage numbers of one document."""
    starts, ends, weights, clusters = [], [], [], []
    if unit == "character":
        solid = np.concatenate([[0], np.cumsum([not c.isspace() for c in text])])
    for number, (p_start, p_end, sentences) in enumerate(passages):
        if unit == "passage":
            spans = [(p_start, p_end)]
        elif unit == "sentence":
            spans = [tuple(s) for s in sentences]
        else:
            points = sorted({p_start, p_end} | {c for c in cuts if p_start < c < p_end})
            spans = list(zip(points, points[1:]))
        for start, end in spans:
            weight = int(solid[end] - solid[start]) if unit == "character" else 1
            if weight > 0:
                # Characters are resampled by passage; sentences and passages one by one.
                clusters.append(number if unit == "character" else len(starts))
                starts.append(start)
                ends.append(end)
                weights.append(weight)
    return starts, ends, np.array(weights, dtype=float), np.array(clusters, dtype=int)


def _touched(starts: list[int], ends: list[int], start: int, end: int) -> slice:
    return slice(bisect_right(ends, start), bisect_left(starts, end))


def _unit_stats(values: np.ndarray, present: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per unit and code the weighted statistics ``(units, codes, _STATS)``."""
    m = int(present.sum())
    ones = values[present].sum(axis=0).T.astype(float)        # (units, codes)
    zeros = m - ones
    w = weights[:, None]
    stats = np.zeros(ones.shape + (_STATS,))
    stats[..., _O00] = w * zeros * (zeros - 1) / (m - 1)
    stats[..., _O01] = w * zeros * ones / (m - 1)
    stats[..., _O11] = w * ones * (ones - 1) / (m - 1)
    stats[..., _AGREE] = w * ((ones == 0) | (zeros == 0))
    stats[..., _PAIRABLE] = w
    if len(present) == 2:
        first, second = values[0].T.astype(float), values[1].T.astype(float)
        stats[..., _T00] = w * (1 - first) * (1 - second)
        stats[..., _T01] = w * (1 - first) * second
        stats[..., _T10] = w * first * (1 - second)
        stats[..., _T11] = w * first * second
    return stats


def _disagreements(code_ids, paths, document, starts, ends, values, present, clusters, coders,
                   spans) -> list[Disagreement]:
    """Runs of units where the coders with values differ, per code, one entry per run."""
    found = []
    ones = values[present].sum(axis=0)                          # (codes, units)
    m = int(present.sum())
    for c, code_id in enumerate(code_ids):
        run: list[int] = []
        for u in list(np.flatnonzero((ones[c] > 0) & (ones[c] < m))) + [None]:
            joined = (run and u is not None and clusters[u] == clusters[run[-1]]
                      and not document.text[ends[run[-1]]:starts[u]].strip()
                      and (values[:, c, u] == values[:, c, run[-1]]).all())
            if joined:
                run.append(u)
                continue
            if run:
                start, end = starts[run[0]], ends[run[-1]]
                coded = {
                    name: " … ".join(document.text[s:e] for s, e in spans.get((j, code_id), ())
                                     if s < end and e > start)
                    for j, (_id, name) in enumerate(coders)
                }
                found.append(Disagreement(
                    code_id, paths[code_id], document.id, document.name, start, end,
                    document.text[start:end],
                    {name: bool(values[j, c, run[0]]) if present[j] else None
                     for j, (_id, name) in enumerate(coders)}, coded))
            run = [u] if u is not None else []
    return found


def coder_agreement(session: Session, project_id: int, coders: Sequence[str], *,
                    unit: str = "sentence", documents: Iterable[int] | None = None,
                    code_ids: Iterable[int] | None = None, bootstrap: int = 1000,
                    seed: int = 20240501, confidence: float = 0.95,
                    lang: str = "zh") -> AgreementReport:
    """Agreement of two or more coders, per code and overall (see the module's description).

    Without ``documents``: those at least two of the coders made codings in. Without
    ``code_ids``: the codes any of the coders applied in those documents.
    """
    if unit not in UNITS:
        raise BianmaError("E603", unit=unit, choices="、".join(UNITS))
    if not 0 <= bootstrap <= MAX_BOOTSTRAP or not 0 < confidence < 1:
        raise BianmaError("E606", maximum=MAX_BOOTSTRAP)
    chosen = _coders(session, coders)
    index_of = {coder_id: j for j, (coder_id, _name) in enumerate(chosen)}
    coded_in = session.execute(
        select(Coding.document_id, Coding.coder_id).join(Document, Document.id == Coding.document_id)
        .where(Document.project_id == project_id, Coding.coder_id.in_(index_of)).distinct()).all()
    by_document: dict[int, set[int]] = {}
    for document_id, coder_id in coded_in:
        by_document.setdefault(document_id, set()).add(coder_id)
    if documents is None:
        document_ids = {d for d, found in by_document.items() if len(found) >= 2}
    else:
        document_ids = set(documents)
        known = set(session.scalars(select(Document.id).where(
            Document.project_id == project_id, Document.id.in_(document_ids))))
        for missing in sorted(document_ids - known):
            raise BianmaError("E004", doc=missing)
    rows = session.execute(
        select(Coding.document_id, Coding.coder_id, Coding.code_id, Coding.start, Coding.end)
        .where(Coding.document_id.in_(document_ids), Coding.coder_id.in_(index_of))).all()
    nodes = code_tree(session, project_id)
    paths = {n.id: n.path for n in nodes}
    if code_ids is None:
        used = {r.code_id for r in rows}
        chosen_codes = [n.id for n in nodes if n.id in used]
    else:
        chosen_codes = list(dict.fromkeys(code_ids))
        for code_id in chosen_codes:
            if code_id not in paths:
                raise BianmaError("E205", code=code_id)
    code_index = {code_id: c for c, code_id in enumerate(chosen_codes)}
    documents_found = session.execute(
        select(Document).where(Document.id.in_(document_ids))
        .order_by(Document.position, Document.id)).scalars().all()
    passages: dict[int, list] = {}
    for p in session.execute(select(Passage.document_id, Passage.start, Passage.end, Passage.sentences)
                             .where(Passage.document_id.in_(document_ids)).order_by(Passage.start)):
        passages.setdefault(p.document_id, []).append((p.start, p.end, p.sentences))
    spans_by_document: dict[int, dict[tuple[int, int], list[tuple[int, int]]]] = {}
    for r in sorted(rows, key=lambda r: (r.start, r.end)):
        if r.code_id in code_index:
            spans_by_document.setdefault(r.document_id, {}).setdefault(
                (index_of[r.coder_id], r.code_id), []).append((r.start, r.end))

    cluster_stats, coded, disagreements = [], np.zeros(len(chosen_codes)), []
    for document in documents_found:
        present = np.array([coder_id in by_document.get(document.id, ()) for coder_id, _ in chosen])
        if present.sum() < 2 or not chosen_codes:
            continue
        spans = spans_by_document.get(document.id, {})
        cuts = {b for found in spans.values() for span in found for b in span}
        starts, ends, weights, clusters = _document_units(
            unit, document.text, passages.get(document.id, []), cuts)
        if not starts:
            continue
        values = np.zeros((len(chosen), len(chosen_codes), len(starts)), dtype=np.int8)
        for (j, code_id), found in spans.items():
            for start, end in found:
                values[j, code_index[code_id], _touched(starts, ends, start, end)] = 1
        stats = _unit_stats(values, present, weights)
        grouped = np.zeros((int(clusters.max()) + 1, len(chosen_codes), _STATS))
        np.add.at(grouped, clusters, stats)
        cluster_stats.append(grouped[np.unique(clusters)])
        coded += (weights[:, None] * (values[present].sum(axis=0).T > 0)).sum(axis=0)
        disagreements += _disagreements(chosen_codes, paths, document, starts, ends, values,
                                        present, clusters, chosen, spans)
    if not cluster_stats:
        raise BianmaError("E605")
    stacked = np.concatenate(cluster_stats)
    totals = stacked.sum(axis=0)
    totals = np.concatenate([totals, totals.sum(axis=0, keepdims=True)])
    intervals = (_bootstrap(stacked, bootstrap, seed, confidence) if bootstrap
                 else [((None, None),) * 3] * len(totals))
    two = len(chosen) == 2
    results = []
    for row, (percent, kappa, alpha) in enumerate(zip(*_figures(totals))):
        (p_low, p_high), (k_low, k_high), (a_low, a_high) = intervals[row]
        pooled = row == len(chosen_codes)
        results.append(CodeAgreement(
            code_id=None if pooled else chosen_codes[row],
            label=t("reports.overall", lang) if pooled else paths[chosen_codes[row]],
            units=int(round(totals[row, _PAIRABLE])),
            coded=int(round(coded.sum() if pooled else coded[row])),
            percent=Estimate(_number(percent), p_low, p_high),
            kappa=Estimate(_number(kappa), k_low, k_high) if two else None,
            alpha=Estimate(_number(alpha), a_low, a_high)))
    # Reading order: document, place, then the codebook's order.
    code_rank = {code_id: rank for rank, code_id in enumerate(chosen_codes)}
    document_rank = {d.id: rank for rank, d in enumerate(documents_found)}
    disagreements.sort(key=lambda d: (document_rank[d.document_id], d.start, d.end, code_rank[d.code_id]))
    names = {d.id: d.name for d in documents_found}
    uncoded = {name: [names[d] for d in names if coder_id not in by_document.get(d, ())]
               for coder_id, name in chosen}
    return AgreementReport(
        coders=[name for _id, name in chosen], unit=unit, documents=list(names), uncoded=uncoded,
        codes=results[:-1], overall=results[-1], disagreements=disagreements,
        bootstrap=bootstrap, seed=seed, confidence=confidence)


# --- blind coding --------------------------------------------------------------------------
# A coder may hide the other coders' codings while coding, so that agreement is measured on
# independent judgements. The setting is kept per project and coder as an event (the last
# one wins), which also records when blind coding was switched on and off.


def set_blind_coding(session: Session, project_id: int, blind: bool, *, coder: str | None = None) -> bool:
    """Switch blind coding on or off for ``coder`` in the project; returns the new setting."""
    who = audit.coder_id(session, coder)
    audit.record(session, project_id=project_id, coder=who, action="blind", entity="coder",
                 entity_id=who, blind=bool(blind))
    session.flush()
    return bool(blind)


def blind_coding(session: Session, project_id: int, coder: str | None) -> bool:
    """Whether ``coder`` has chosen to see only their own codings in this project."""
    name = (coder or audit.DEFAULT_CODER).strip() or audit.DEFAULT_CODER
    who = session.scalar(select(Coder.id).where(Coder.name == name))
    if who is None:
        return False
    payload = session.scalar(
        select(Event.payload).where(Event.project_id == project_id, Event.entity == "coder",
                                    Event.action == "blind", Event.entity_id == who)
        .order_by(Event.id.desc()).limit(1))
    return bool(payload and payload.get("blind"))


def visible_segments(segments: Iterable[CodedSegment], coder: str | None, blind: bool) -> list[CodedSegment]:
    """The segments a coder sees: all of them, or in blind coding only their own."""
    if not blind:
        return list(segments)
    name = (coder or audit.DEFAULT_CODER).strip() or audit.DEFAULT_CODER
    return [s for s in segments if s.coder == name]
