"""The first stage: per-code SVM and NB-SVM, and the cross-validated choice between them."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from models import linear
from models.features import presence_features
from models.suggester import CodeSuggester


def test_nb_ratios_by_hand():
    # features a, b, c; passages 0 and 1 carry the code
    presence = sparse.csr_matrix(np.array([[1, 1, 0], [1, 0, 0], [0, 1, 1], [0, 0, 1]], float))
    target = np.array([1, 1, 0, 0])
    ratios = linear.nb_ratios(presence, target, np.ones(4))
    # with code: a 2+1, b 1+1, c 0+1 (of 6); without: a 0+1, b 1+1, c 2+1 (of 6)
    expected = np.log(np.array([3, 2, 1]) / 6) - np.log(np.array([1, 2, 3]) / 6)
    assert ratios == pytest.approx(expected)
    # a passage's weight counts as that many passages
    weighted = linear.nb_ratios(presence, target, np.array([2.0, 1, 1, 1]))
    assert weighted[0] == pytest.approx(np.log(4 / 8) - np.log(1 / 6))


def test_nb_svm_is_linear_in_the_shared_features():
    rng = np.random.default_rng(0)
    dense = (rng.random((60, 12)) < 0.3).astype(float)
    features = sparse.csr_matrix(dense)
    target = (dense[:, 0] + dense[:, 1] > 0).astype(int)
    coef, intercept = linear.fit_codes(features, target[:, None], np.ones((60, 1)), 1.0,
                                       family=linear.NB_SVM)
    scores = linear.decision_scores(features, coef, intercept)
    assert np.corrcoef(scores[:, 0], target)[0, 1] > 0.8
    # weight = ratio x SVM weight: features never seen with the code weigh against it
    assert coef[0, 0] > 0 and coef[0, 1] > 0
    with pytest.raises(ValueError):
        linear.fit_codes(features, target[:, None], np.ones((60, 1)), 1.0, family="tree")


def test_presence_features_are_unit_length_per_block():
    tfidf = sparse.csr_matrix(np.array([[0.2, 0.0, 0.9, 0.1], [0.0, 0.5, 0.0, 0.0]]))
    present = presence_features(tfidf, n_word_features=2).toarray()
    assert present[0] == pytest.approx([1, 0, 1 / np.sqrt(2), 1 / np.sqrt(2)])
    assert present[1] == pytest.approx([0, 1, 0, 0])


def test_choose_C_reports_every_candidate_and_keeps_the_best():
    rng = np.random.default_rng(1)
    dense = (rng.random((90, 20)) < 0.25).astype(float)
    targets = np.column_stack([dense[:, 0], dense[:, 1] * dense[:, 2] + dense[:, 3] > 0])
    features = sparse.csr_matrix(dense)
    folds = linear.make_folds(90, [None] * 90, 3, 0)
    (family, C), (scores, coef, _), qualities = linear.choose_C(
        features, targets.astype(int), np.ones(targets.shape), folds, (0.1, 1.0), 1, (1.0,)
    )
    assert [(f, c) for f, c, _ in qualities] == [("svm", 0.1), ("svm", 1.0), ("nb-svm", 1.0)]
    best = max(qualities, key=lambda q: q[2])
    assert (family, C) == best[:2]
    assert scores.shape == targets.shape and coef.shape == (2, 20)


def test_an_nb_svm_suggester_scores_presence_and_gives_reasons(passages, records):
    model = CodeSuggester(C_grid=(), nb_C_grid=(1.0,), n_jobs=1)
    model.fit(passages[:200], [r["codes"] for r in records[:200]])
    assert model.family_ == "nb-svm"
    features = model._features(passages[200:205])
    assert set(np.round(features.data, 6)) <= {
        round(1 / np.sqrt(n), 6) for n in range(1, 400)
    }
    suggestions = model.suggest(passages[200:210])
    hits = sum(
        suggestion[0].code in record["codes"]
        for suggestion, record in zip(suggestions, records[200:210])
    )
    assert hits >= 8
    assert all(suggestion[0].reasons for suggestion in suggestions)


def test_without_nb_grid_the_plain_svm_is_used(passages, records):
    model = CodeSuggester(nb_C_grid=(), n_jobs=1)
    model.fit(passages[:120], [r["codes"] for r in records[:120]])
    assert model.family_ == "svm"
    assert {family for family, _, _ in model.cv_quality_} == {"svm"}


def test_an_nb_svm_suggester_survives_saving(passages, records, tmp_path):
    from models.persistence import codebook_hash, load_model, save_model

    model = CodeSuggester(C_grid=(), nb_C_grid=(1.0,), n_jobs=1)
    model.fit(passages[:150], [r["codes"] for r in records[:150]])
    path = tmp_path / "nb.bianma"
    save_model(model, path, codebook_hash=codebook_hash(model.classes_), dictionary_version="d")
    loaded = load_model(path, codebook_hash=codebook_hash(model.classes_), dictionary_version="d")
    assert loaded.family_ == "nb-svm"
    assert loaded.predict_proba(passages[200:]) == pytest.approx(model.predict_proba(passages[200:]))
