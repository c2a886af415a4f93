"""Figures for multi-label code suggestions, on 0/1 indicator matrices (passages x codes).

``gold`` and ``predicted`` are arrays of shape (n_passages, n_codes) with 1 where a code is
assigned; ``scores`` ranks codes for each passage (higher first). Definitions follow the
ANES coding papers (example-based F1) and the usual ranking measures.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def _as_indicator(matrix: ArrayLike) -> np.ndarray:
    array = np.asarray(matrix)
    if array.ndim != 2:
        raise ValueError("expected a (passages x codes) matrix")
    return array.astype(bool)


def example_f1(gold: ArrayLike, predicted: ArrayLike) -> float:
    """Mean over passages of 2|G∩P| / (|G| + |P|); a passage with both sets empty scores 1."""
    g, p = _as_indicator(gold), _as_indicator(predicted)
    overlap = (g & p).sum(axis=1)
    sizes = g.sum(axis=1) + p.sum(axis=1)
    per_passage = np.where(sizes == 0, 1.0, 2 * overlap / np.maximum(sizes, 1))
    return float(per_passage.mean()) if len(per_passage) else 0.0


def micro_f1(gold: ArrayLike, predicted: ArrayLike) -> float:
    """F1 over all (passage, code) decisions pooled together."""
    g, p = _as_indicator(gold), _as_indicator(predicted)
    true_positive = (g & p).sum()
    denominator = g.sum() + p.sum()
    return float(2 * true_positive / denominator) if denominator else 0.0


def macro_f1(gold: ArrayLike, predicted: ArrayLike) -> float:
    """Mean per-code F1 over the codes that occur in ``gold`` (codes never coded are left out)."""
    g, p = _as_indicator(gold), _as_indicator(predicted)
    present = g.any(axis=0)
    if not present.any():
        return 0.0
    true_positive = (g & p).sum(axis=0)
    denominator = g.sum(axis=0) + p.sum(axis=0)
    per_code = 2 * true_positive[present] / denominator[present]
    return float(per_code.mean())


def _top_k(scores: ArrayLike, k: int) -> np.ndarray:
    array = np.asarray(scores, dtype=float)
    k = min(k, array.shape[1])
    # stable sort on the negated scores keeps ties in code order, so results are reproducible
    return np.argsort(-array, axis=1, kind="stable")[:, :k]


def precision_at_k(gold: ArrayLike, scores: ArrayLike, k: int = 1) -> float:
    """Share of the top ``k`` suggestions that are gold codes, averaged over passages."""
    g = _as_indicator(gold)
    if len(g) == 0:
        return 0.0
    top = _top_k(scores, k)
    hits = np.take_along_axis(g, top, axis=1).sum(axis=1)
    return float((hits / top.shape[1]).mean())


def recall_at_k(gold: ArrayLike, scores: ArrayLike, k: int = 3) -> float:
    """Share of each passage's gold codes found among its top ``k``, averaged over passages
    that have at least one gold code."""
    g = _as_indicator(gold)
    counts = g.sum(axis=1)
    coded = counts > 0
    if not coded.any():
        return 0.0
    top = _top_k(scores, k)
    hits = np.take_along_axis(g, top, axis=1).sum(axis=1)
    return float((hits[coded] / counts[coded]).mean())


def group_accuracy(gold: ArrayLike, scores: ArrayLike, columns: ArrayLike) -> float:
    """Accuracy of the best-scored code among ``columns`` (an exclusive group such as the
    dialogue acts), over passages that carry exactly one gold code of that group."""
    g = _as_indicator(gold)
    cols = np.asarray(columns, dtype=int)
    if cols.size == 0:
        return 0.0
    sub_gold = g[:, cols]
    judged = sub_gold.sum(axis=1) == 1
    if not judged.any():
        return 0.0
    best = np.asarray(scores, dtype=float)[:, cols].argmax(axis=1)
    return float(sub_gold[np.arange(len(g)), best][judged].mean())


def reliability_curve(
    outcomes: ArrayLike, confidences: ArrayLike, n_bins: int = 10
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per equal-width confidence bin: mean confidence, observed hit rate and count.

    Empty bins are dropped. A calibrated model has hit rate close to mean confidence.
    """
    hit = np.asarray(outcomes, dtype=float).ravel()
    conf = np.asarray(confidences, dtype=float).ravel()
    if hit.shape != conf.shape:
        raise ValueError("outcomes and confidences differ in size")
    bins = np.minimum((conf * n_bins).astype(int), n_bins - 1)
    counts = np.bincount(bins, minlength=n_bins)
    conf_sum = np.bincount(bins, weights=conf, minlength=n_bins)
    hit_sum = np.bincount(bins, weights=hit, minlength=n_bins)
    kept = counts > 0
    return conf_sum[kept] / counts[kept], hit_sum[kept] / counts[kept], counts[kept]


def expected_calibration_error(
    outcomes: ArrayLike, confidences: ArrayLike, n_bins: int = 10
) -> float:
    """Count-weighted mean gap between confidence and hit rate over the reliability bins."""
    mean_conf, hit_rate, counts = reliability_curve(outcomes, confidences, n_bins)
    if counts.sum() == 0:
        return 0.0
    return float((np.abs(mean_conf - hit_rate) * counts).sum() / counts.sum())
