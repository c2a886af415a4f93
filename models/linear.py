"""First stage: one linear SVM per code over sparse text features, and the out-of-fold scores
that the second stage (calibration, context) is trained on.

Two families of per-code SVM compete in cross-validation on the training passages:

- ``svm``: a plain linear SVM on the features;
- ``nb-svm``: the SVM of Wang & Manning (2012) on features rescaled by the code's naive Bayes
  log-count ratio (how much more often a feature occurs with the code than without it). The
  ratio is a strong prior on which features matter, which is what a handful of coded
  passages cannot teach a plain SVM; with thousands of passages the plain SVM catches up.
  The rescaled model is still linear in the shared features (weight = ratio x SVM weight),
  so scoring and reasons are the same for both families.

Per-code models are independent, so they run on threads: liblinear releases the GIL.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from joblib import Parallel, delayed
from scipy import sparse
from sklearn.metrics import average_precision_score
from sklearn.model_selection import GroupKFold, KFold
from sklearn.svm import LinearSVC

# Scores given to a code that a fold could not learn (no positive example in its training
# part): clearly negative, so the second stage reads it as "not this code".
UNLEARNED_SCORE = -1.0
SVM = "svm"
NB_SVM = "nb-svm"
FAMILIES = (SVM, NB_SVM)
# Laplace smoothing of the naive Bayes feature counts (Wang & Manning's choice)
NB_ALPHA = 1.0


def nb_ratios(
    presence: sparse.csr_matrix, target: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """Per feature, the log of its smoothed share among the passages carrying the code over
    its share among the others (passages counted with their weight)."""
    positive = np.where(target > 0, weights, 0.0)
    negative = np.where(target > 0, 0.0, weights)
    p = NB_ALPHA + presence.T @ positive
    q = NB_ALPHA + presence.T @ negative
    return np.log(p / p.sum()) - np.log(q / q.sum())


def _fit_one(
    features: sparse.csr_matrix,
    presence: sparse.csr_matrix | None,
    target: np.ndarray,
    weights: np.ndarray,
    C: float,
    family: str,
) -> tuple[np.ndarray, float]:
    if target.min() == target.max():
        return np.zeros(features.shape[1], dtype=np.float32), UNLEARNED_SCORE
    scale = None
    if family == NB_SVM:
        assert presence is not None
        scale = nb_ratios(presence, target, weights)
        features = features @ sparse.diags(scale, format="csr")
    # dual coordinate descent suits many more features than passages; tol 1e-3 is plenty
    # for ranking and roughly halves the time of the default
    model = LinearSVC(C=C, tol=1e-3, max_iter=2000, dual=True)
    model.fit(features, target, sample_weight=weights)
    coef = model.coef_.ravel()
    if scale is not None:
        coef = coef * scale
    return coef.astype(np.float32), float(model.intercept_[0])


def _presence(features: sparse.csr_matrix) -> sparse.csr_matrix:
    present = features.copy()
    present.data[:] = 1.0
    return present


def fit_codes(
    features: sparse.csr_matrix,
    targets: np.ndarray,
    weights: np.ndarray,
    C: float,
    n_jobs: int = 1,
    family: str = SVM,
) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients (codes x features) and intercepts of one SVM per column of ``targets``.

    ``weights`` has the shape of ``targets``: the weight of each passage for each code, so a
    rejected suggestion can weigh more as a negative for that code alone.
    """
    if family not in FAMILIES:
        raise ValueError(f"unknown first-stage family {family!r}")
    presence = _presence(features) if family == NB_SVM else None
    results = Parallel(n_jobs=n_jobs, prefer="threads")(
        delayed(_fit_one)(features, presence, targets[:, j], weights[:, j], C, family)
        for j in range(targets.shape[1])
    )
    coef = np.vstack([c for c, _ in results]) if results else np.zeros((0, features.shape[1]))
    intercept = np.array([b for _, b in results], dtype=np.float32)
    return coef.astype(np.float32), intercept


def decision_scores(
    features: sparse.csr_matrix, coef: np.ndarray, intercept: np.ndarray
) -> np.ndarray:
    return np.asarray(features @ coef.T, dtype=np.float32) + intercept


def make_folds(
    n_samples: int, groups: Sequence[str | None], n_folds: int, random_state: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Folds that keep each document together when there are enough documents, so that
    out-of-fold scores look like scores on a new transcript (and neighbours stay together)."""
    n_folds = max(2, min(n_folds, n_samples))
    indices = np.arange(n_samples)
    documents = {g for g in groups if g is not None}
    if len(documents) >= n_folds:
        # passages outside any document form their own one-passage groups
        labels = [g if g is not None else f"\0{i}" for i, g in enumerate(groups)]
        splitter = GroupKFold(n_splits=n_folds, shuffle=True, random_state=random_state)
        return list(splitter.split(indices, groups=labels))
    splitter_plain = KFold(n_splits=n_folds, shuffle=True, random_state=random_state)
    return list(splitter_plain.split(indices))


def out_of_fold_scores(
    features: sparse.csr_matrix,
    targets: np.ndarray,
    weights: np.ndarray,
    folds: list[tuple[np.ndarray, np.ndarray]],
    C: float,
    n_jobs: int = 1,
    family: str = SVM,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Out-of-fold scores, and the average of the fold models as one linear model.

    The averaged model is the one to suggest with: its scores on a new passage are spread
    like the out-of-fold scores the calibration learns from, whereas a model refitted on
    all passages scores more extremely than any fold model and would be overconfident.
    """
    scores = np.empty(targets.shape, dtype=np.float64)
    coef_sum = np.zeros((targets.shape[1], features.shape[1]), dtype=np.float64)
    intercept_sum = np.zeros(targets.shape[1], dtype=np.float64)
    learned_in = np.zeros(targets.shape[1], dtype=np.int64)
    for train, held_out in folds:
        coef, intercept = fit_codes(
            features[train], targets[train], weights[train], C, n_jobs, family
        )
        fold_scores = decision_scores(features[held_out], coef, intercept)
        learned = np.any(coef != 0, axis=1)
        fold_scores[:, ~learned] = UNLEARNED_SCORE
        scores[held_out] = fold_scores
        coef_sum[learned] += coef[learned]
        intercept_sum[learned] += intercept[learned]
        learned_in += learned
    divisor = np.maximum(learned_in, 1)
    mean_coef = (coef_sum / divisor[:, None]).astype(np.float32)
    mean_intercept = np.where(learned_in > 0, intercept_sum / divisor, UNLEARNED_SCORE)
    return scores, mean_coef, mean_intercept


def ranking_quality(targets: np.ndarray, scores: np.ndarray) -> float:
    """Mean average precision over codes with at least two positives: scale-free per code,
    so it judges the ranking that the second stage will calibrate, not the raw margins."""
    values = [
        average_precision_score(targets[:, j], scores[:, j])
        for j in range(targets.shape[1])
        if targets[:, j].sum() >= 2 and targets[:, j].sum() < len(targets)
    ]
    return float(np.mean(values)) if values else 0.0


def choose_C(
    features: sparse.csr_matrix,
    targets: np.ndarray,
    weights: np.ndarray,
    folds: list[tuple[np.ndarray, np.ndarray]],
    grid: Sequence[float],
    n_jobs: int = 1,
    nb_grid: Sequence[float] = (),
    nb_features: sparse.csr_matrix | None = None,
) -> tuple[
    tuple[str, float], tuple[np.ndarray, np.ndarray, np.ndarray], list[tuple[str, float, float]]
]:
    """The (family, regularisation) with the best out-of-fold ranking among the plain SVM at
    each C of ``grid`` (on ``features``) and the NB-SVM at each C of ``nb_grid`` (on
    ``nb_features``, default ``features``), what ``out_of_fold_scores`` gave for it, and
    (family, C, quality) of every candidate, kept on the model for inspection."""
    inputs = features if nb_features is None else nb_features
    candidates = [(SVM, float(C), features) for C in grid]
    candidates += [(NB_SVM, float(C), inputs) for C in nb_grid]
    best_choice, best, best_quality = None, None, -np.inf
    qualities: list[tuple[str, float, float]] = []
    for family, C, matrix in candidates:
        result = out_of_fold_scores(matrix, targets, weights, folds, C, n_jobs, family)
        quality = ranking_quality(targets, result[0])
        qualities.append((family, C, quality))
        if quality > best_quality:
            best_choice, best, best_quality = (family, C), result, quality
    assert best_choice is not None and best is not None
    return best_choice, best, qualities
