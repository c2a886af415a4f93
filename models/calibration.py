"""Second stage: turn first-stage scores into calibrated probabilities, reading the
neighbouring turns when the passages sit in documents.

Trained on out-of-fold first-stage scores, so it sees scores as they look on new passages.
Each code gets a logistic regression on its own score, piecewise linear (Platt scaling
with a few bends), plus, with context, the same code's score on the previous and next turn,
kept apart by speaker change. The codes of an exclusive group (children of one parent of
which a passage carries at most one) are then normalised to a distribution. A multinomial
model over every code's scores was as accurate on dialogue acts but some thirty times
slower to train.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

from models.features import Neighbours, context_features

# Light regularisation: each code's second stage has a dozen inputs and every training
# passage as evidence; stronger shrinking flattened the bends and left mid-range
# confidences off by 0.2 on held-out folds.
CALIBRATION_C = 100.0
N_FLAGS = 6
POSITIVE_KNOTS = (0.1, 0.5)
NEGATIVE_KNOTS = (0.5, 0.95)


@dataclass(frozen=True, slots=True)
class ExclusiveGroup:
    """Codes (column indices) of one parent that never occur together; ``always`` when every
    training passage carried one of them (then one is always assigned)."""

    members: tuple[int, ...]
    always: bool


def stage_two_inputs(scores: np.ndarray, neighbours: Neighbours, use_context: bool) -> np.ndarray:
    return context_features(scores, neighbours) if use_context else scores


def own_columns(code: int, n_codes: int, use_context: bool) -> np.ndarray:
    """Columns of ``stage_two_inputs`` that describe one code: its own score and, with
    context, its score on the neighbouring turns plus the presence flags."""
    if not use_context:
        return np.array([code])
    per_code = [code + block * n_codes for block in range(5)]
    flags = list(range(5 * n_codes, 5 * n_codes + N_FLAGS))
    return np.array(per_code + flags)


def _logistic(inputs: np.ndarray, target: np.ndarray, weights: np.ndarray) -> LogisticRegression:
    return LogisticRegression(C=CALIBRATION_C, max_iter=1000).fit(
        inputs, target, sample_weight=weights
    )


def score_knots(own: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Where the calibration curve may bend: quantiles of the code's scores among the
    passages that carry it and among those that do not."""
    positives, negatives = own[target > 0], own[target <= 0]
    knots = []
    if len(positives):
        knots += list(np.quantile(positives, POSITIVE_KNOTS))
    else:
        knots += [own.max()] * len(POSITIVE_KNOTS)
    if len(negatives):
        knots += list(np.quantile(negatives, NEGATIVE_KNOTS))
    else:
        knots += [own.min()] * len(NEGATIVE_KNOTS)
    return np.array(knots)


def _hinges(own: np.ndarray, knots: np.ndarray) -> np.ndarray:
    # piecewise-linear logit in the code's own score: a sigmoid alone cannot level off at
    # the rate of codes assigned for reasons the words do not show
    return np.maximum(own[..., None] - knots, 0.0)


def fit_calibrators(
    inputs: np.ndarray,
    targets: np.ndarray,
    weights: np.ndarray,
    use_context: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per code: the input columns it reads, the knots of its own score, the coefficients
    (input columns, then one per knot) and the intercept."""
    n_codes = targets.shape[1]
    width = len(own_columns(0, n_codes, use_context))
    n_knots = len(POSITIVE_KNOTS) + len(NEGATIVE_KNOTS)
    columns = np.zeros((n_codes, width), dtype=np.int64)
    knots = np.zeros((n_codes, n_knots), dtype=np.float64)
    coef = np.zeros((n_codes, width + n_knots), dtype=np.float64)
    intercept = np.zeros(n_codes, dtype=np.float64)
    for code in range(n_codes):
        cols = own_columns(code, n_codes, use_context)
        columns[code] = cols
        own = inputs[:, code]
        knots[code] = score_knots(own, targets[:, code])
        design = np.hstack([inputs[:, cols], _hinges(own, knots[code])])
        model = _logistic(design, targets[:, code], weights[:, code])
        coef[code] = model.coef_.ravel()
        intercept[code] = model.intercept_[0]
    return columns, knots, coef, intercept


def code_probabilities(
    inputs: np.ndarray,
    columns: np.ndarray,
    knots: np.ndarray,
    coef: np.ndarray,
    intercept: np.ndarray,
) -> np.ndarray:
    width = columns.shape[1]
    own = inputs[:, columns[:, 0]]
    logits = (
        np.einsum("nkd,kd->nk", inputs[:, columns], coef[:, :width])
        + np.einsum("nkm,km->nk", _hinges(own, knots), coef[:, width:])
        + intercept
    )
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-logits))


def normalise_groups(
    probabilities: np.ndarray, groups: list[tuple[list[int], bool]]
) -> np.ndarray:
    """Make an exclusive group's probabilities a distribution: they sum to one when the
    group is always present, and to at most one otherwise."""
    out = probabilities.copy()
    for members, always in groups:
        total = out[:, members].sum(axis=1, keepdims=True)
        scale = total if always else np.maximum(total, 1.0)
        out[:, members] /= np.where(scale > 0, scale, 1.0)
    return out


def find_exclusive_groups(
    codes: list[str], targets: np.ndarray, all_codes_per_passage: list[list[str]]
) -> list[ExclusiveGroup]:
    """Groups inferred from the training data alone: the learnable children of one parent
    form a group when no training passage carries two children of that parent, at least two
    children are learnable and enough passages carry one of them (a handful of passages
    would make almost any family look exclusive)."""
    by_parent: dict[str, list[int]] = {}
    for index, code in enumerate(codes):
        by_parent.setdefault(_parent(code), []).append(index)
    groups = []
    for parent, members in sorted(by_parent.items()):
        if len(members) < 2:
            continue
        children_per_passage = [
            sum(1 for code in dict.fromkeys(passage) if _parent(code) == parent)
            for passage in all_codes_per_passage
        ]
        carrying = sum(1 for count in children_per_passage if count >= 1)
        if max(children_per_passage, default=0) > 1 or carrying < 5 * len(members):
            continue
        always = bool(targets[:, members].any(axis=1).all())
        groups.append(ExclusiveGroup(tuple(members), always))
    return groups


def _parent(code: str) -> str:
    return code.rsplit("/", 1)[0] if "/" in code else ""
