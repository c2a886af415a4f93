"""Code suggestions learned from coded passages.

Two stages, both plain scikit-learn:

1. text → one linear SVM per code over TF-IDF word uni/bigrams (stored tokens) and
   character 2–5-grams, or an NB-SVM over the same features' presence (``models.linear``).
   The family and its regularisation are chosen by cross-validation on the training
   passages only; the fold models of the chosen setting give the out-of-fold scores and,
   averaged, the model that scores new passages;
2. out-of-fold scores → calibrated probabilities (a logistic regression per code on its
   score, piecewise-linear, plus the neighbouring turns' scores of a transcript); exclusive
   code families are normalised to one distribution.

Pre-selected codes maximise each passage's expected F1 (``models.decision``); reasons are
the passage's words with the largest contribution to the first-stage score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator

from i18n import BianmaError
from models import calibration, linear
from models.decision import choose_codes
from models.features import (
    Neighbours,
    Passage,
    char_string,
    char_vectorizer,
    find_neighbours,
    presence_features,
    word_string,
    word_vectorizer,
)
from models.reasons import word_reasons

# With few passages a word seen once may be all the evidence a code has; with thousands,
# features seen once mostly add size and time.
MIN_DF_FROM = 2000


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One suggested code for one passage.

    ``confidence`` is a probability when ``calibrated`` (learned from coded passages);
    ``selected`` says whether the suggester would assign it (pre-ticked in the interface).
    """

    code: str
    confidence: float
    reasons: tuple[str, ...]
    selected: bool
    calibrated: bool = True


class CodeSuggester(BaseEstimator):
    """Suggests codes for passages from passages already coded.

    Parameters
    ----------
    top_k: how many suggestions ``suggest`` returns per passage.
    C_grid: candidate SVM regularisation strengths, chosen by ``n_folds``-fold
        cross-validation on the training passages.
    nb_C_grid: candidate regularisation strengths of the NB-SVM, which competes with the
        plain SVM in the same cross-validation (empty: plain SVM only).
    n_folds: folds for choosing C and for the out-of-fold scores the calibration learns from.
    min_code_count: codes assigned fewer times are not learnt (not enough evidence).
    rejection_weight: weight of a rejected suggestion as a negative example of that code.
    n_reasons: words given as reasons per suggestion.
    use_context: read neighbouring turns of the same document ("auto": when any training
        passage has one).
    n_jobs: threads for the per-code models.
    """

    def __init__(
        self,
        *,
        top_k: int = 3,
        C_grid: Sequence[float] = (0.1, 0.3, 1.0),
        nb_C_grid: Sequence[float] = (1.0,),
        n_folds: int = 3,
        min_code_count: int = 2,
        rejection_weight: float = 2.0,
        n_reasons: int = 5,
        use_context: bool | str = "auto",
        random_state: int = 0,
        n_jobs: int = 2,
    ) -> None:
        self.top_k = top_k
        self.C_grid = C_grid
        self.nb_C_grid = nb_C_grid
        self.n_folds = n_folds
        self.min_code_count = min_code_count
        self.rejection_weight = rejection_weight
        self.n_reasons = n_reasons
        self.use_context = use_context
        self.random_state = random_state
        self.n_jobs = n_jobs

    # -- training -------------------------------------------------------------------------

    def fit(
        self,
        passages: Sequence[Passage],
        codes: Sequence[Sequence[str]],
        *,
        sample_weight: Sequence[float] | None = None,
        rejected: Sequence[Sequence[str]] | None = None,
    ) -> CodeSuggester:
        """Learn from ``passages`` and the codes assigned to each.

        ``sample_weight`` weighs whole passages (e.g. accepted suggestions from a trusted
        coder); ``rejected`` lists, per passage, codes a researcher explicitly refused, which
        count as negatives of those codes with ``rejection_weight``.
        """
        codes = [list(dict.fromkeys(passage_codes)) for passage_codes in codes]
        if len(codes) != len(passages):
            raise BianmaError("E701", passages=len(passages), codings=len(codes))
        counts: dict[str, int] = {}
        for passage_codes in codes:
            for code in passage_codes:
                counts[code] = counts.get(code, 0) + 1
        self.classes_ = sorted(code for code, n in counts.items() if n >= self.min_code_count)
        if not self.classes_:
            raise BianmaError("E702", minimum=self.min_code_count)
        column = {code: j for j, code in enumerate(self.classes_)}
        targets = np.zeros((len(passages), len(self.classes_)), dtype=np.int8)
        for i, passage_codes in enumerate(codes):
            for code in passage_codes:
                if code in column:
                    targets[i, column[code]] = 1
        weights = self._weights(len(passages), sample_weight, rejected, codes, column)

        features = self._fit_features(passages)
        neighbours = find_neighbours(passages)
        self.context_ = bool(neighbours.any) if self.use_context == "auto" else bool(self.use_context)
        folds = linear.make_folds(
            len(passages), [p.document for p in passages], self.n_folds, self.random_state
        )
        presence = presence_features(features, self.n_word_features_) if self.nb_C_grid else None
        (self.family_, self.C_), (oof_scores, self.coef_, self.intercept_), self.cv_quality_ = (
            linear.choose_C(
                features, targets, weights, folds, self.C_grid, self.n_jobs,
                self.nb_C_grid, presence,
            )
        )

        groups = calibration.find_exclusive_groups(self.classes_, targets, codes)
        self._fit_calibration(oof_scores, neighbours, targets, weights, groups)
        # every training passage carried a learnable code: always suggest at least one
        self.min_codes_ = int(targets.any(axis=1).all())
        return self

    def _weights(
        self,
        n: int,
        sample_weight: Sequence[float] | None,
        rejected: Sequence[Sequence[str]] | None,
        codes: list[list[str]],
        column: dict[str, int],
    ) -> np.ndarray:
        base = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        if base.shape != (n,) or (base < 0).any():
            raise BianmaError("E703", passages=n)
        weights = np.repeat(base[:, None], len(column), axis=1)
        if rejected is not None:
            if len(rejected) != n:
                raise BianmaError("E701", passages=n, codings=len(rejected))
            for i, refused in enumerate(rejected):
                for code in refused:
                    if code in codes[i]:
                        raise BianmaError("E704", code=code, passage=i + 1)
                    if code in column:
                        weights[i, column[code]] *= self.rejection_weight
        return weights

    def _fit_features(self, passages: Sequence[Passage]) -> sparse.csr_matrix:
        min_df = 2 if len(passages) >= MIN_DF_FROM else 1
        self.word_vectorizer_ = word_vectorizer(min_df)
        self.char_vectorizer_ = char_vectorizer(min_df)
        words = self.word_vectorizer_.fit_transform([word_string(p.tokens) for p in passages])
        chars = self.char_vectorizer_.fit_transform([char_string(p.tokens) for p in passages])
        self.n_word_features_ = int(words.shape[1])
        # liblinear works in float64; converting once here saves a copy per code
        return sparse.hstack([words, chars], format="csr", dtype=np.float64)

    def _fit_calibration(
        self,
        oof_scores: np.ndarray,
        neighbours: Neighbours,
        targets: np.ndarray,
        weights: np.ndarray,
        groups: list[calibration.ExclusiveGroup],
    ) -> None:
        inputs = calibration.stage_two_inputs(oof_scores, neighbours, self.context_)
        (
            self.calibration_columns_,
            self.calibration_knots_,
            self.calibration_coef_,
            self.calibration_intercept_,
        ) = calibration.fit_calibrators(inputs, targets, weights, self.context_)
        self.group_members_ = [list(group.members) for group in groups]
        self.group_always_ = [group.always for group in groups]

    # -- suggesting -----------------------------------------------------------------------

    def _features(self, passages: Sequence[Passage]) -> sparse.csr_matrix:
        words = self.word_vectorizer_.transform([word_string(p.tokens) for p in passages])
        chars = self.char_vectorizer_.transform([char_string(p.tokens) for p in passages])
        features = sparse.hstack([words, chars], format="csr", dtype=np.float64)
        # models saved before the NB-SVM existed have no family: they are plain SVMs
        if getattr(self, "family_", linear.SVM) == linear.NB_SVM:
            return presence_features(features, self.n_word_features_)
        return features

    def _probabilities(self, passages: Sequence[Passage]) -> tuple[np.ndarray, sparse.csr_matrix]:
        features = self._features(passages)
        scores = linear.decision_scores(features, self.coef_, self.intercept_)
        inputs = calibration.stage_two_inputs(scores, find_neighbours(passages), self.context_)
        probabilities = calibration.code_probabilities(
            inputs,
            self.calibration_columns_,
            self.calibration_knots_,
            self.calibration_coef_,
            self.calibration_intercept_,
        )
        probabilities = calibration.normalise_groups(probabilities, self._groups())
        return probabilities, features

    def predict_proba(self, passages: Sequence[Passage]) -> np.ndarray:
        """Calibrated probability of each code (columns in ``classes_`` order)."""
        return self._probabilities(passages)[0] if passages else np.zeros((0, len(self.classes_)))

    def _groups(self) -> list[tuple[list[int], bool]]:
        return list(zip(self.group_members_, self.group_always_))

    def select_codes(self, probabilities: np.ndarray) -> np.ndarray:
        """The codes to assign given ``predict_proba`` output (see ``models.decision``)."""
        return choose_codes(probabilities, self._groups(), self.min_codes_)

    def predict(self, passages: Sequence[Passage]) -> list[list[str]]:
        """The codes the suggester would assign to each passage."""
        selected = self.select_codes(self.predict_proba(passages))
        return [[self.classes_[j] for j in np.flatnonzero(row)] for row in selected]

    def suggest(
        self, passages: Sequence[Passage], top_k: int | None = None
    ) -> list[list[Suggestion]]:
        """The ``top_k`` most probable codes per passage, with confidence and reasons.

        Neighbouring turns are read from the same batch: to suggest for one turn of a
        transcript with its context, pass the turns around it too.
        """
        if not passages:
            return []
        k = min(self.top_k if top_k is None else top_k, len(self.classes_))
        probabilities, features = self._probabilities(passages)
        selected = self.select_codes(probabilities)
        names = self._feature_names()
        out = []
        for i, passage in enumerate(passages):
            best = np.argsort(-probabilities[i], kind="stable")[:k]
            reasons = word_reasons(
                features[i], self.coef_[best], names, self.n_word_features_,
                passage.tokens, self.n_reasons,
            )
            out.append(
                [
                    Suggestion(
                        code=self.classes_[j],
                        confidence=float(probabilities[i, j]),
                        reasons=why,
                        selected=bool(selected[i, j]),
                    )
                    for j, why in zip(best, reasons)
                ]
            )
        return out

    def _feature_names(self) -> list[str]:
        # built on first use and kept out of the saved state (learned attributes end in "_")
        cached = getattr(self, "_names_cache", None)
        if cached is None:
            cached = list(self.word_vectorizer_.get_feature_names_out()) + list(
                self.char_vectorizer_.get_feature_names_out()
            )
            self._names_cache = cached
        return cached
