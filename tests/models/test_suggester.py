"""Training and suggesting end to end on a small coded project."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

from i18n import BianmaError
from models.features import Passage, passage_from_text
from models.suggester import CodeSuggester, Suggestion


def test_fit_returns_the_suggester_and_learns_every_code(trained, records):
    assert isinstance(trained, CodeSuggester)
    codes = {c for r in records[:200] for c in r["codes"]}
    assert set(trained.classes_) == codes
    grid = trained.nb_C_grid if trained.family_ == "nb-svm" else trained.C_grid
    assert trained.C_ in grid
    assert [(family, C) for family, C, _ in trained.cv_quality_] == [
        *(("svm", C) for C in trained.C_grid), *(("nb-svm", C) for C in trained.nb_C_grid)
    ]
    assert trained.context_  # passages sit in documents


def test_init_only_stores_parameters():
    model = CodeSuggester(top_k=5, C_grid=(1.0,))
    assert model.get_params()["top_k"] == 5
    assert clone(model).get_params() == model.get_params()
    assert not any(name.endswith("_") for name in vars(model))


def test_the_emotion_family_is_found_exclusive_and_always_present(trained):
    groups = [
        ([trained.classes_[j] for j in members], always)
        for members, always in zip(trained.group_members_, trained.group_always_)
    ]
    assert groups == [(["情绪/消极", "情绪/积极"], True)]


def test_suggestions_on_held_out_passages(trained, passages, records):
    suggestions = trained.suggest(passages[200:])
    assert len(suggestions) == 40
    hits = 0
    for record, suggested in zip(records[200:], suggestions):
        assert len(suggested) == 3
        assert all(isinstance(s, Suggestion) and s.calibrated for s in suggested)
        confidences = [s.confidence for s in suggested]
        assert confidences == sorted(confidences, reverse=True)
        assert all(0.0 <= c <= 1.0 for c in confidences)
        hits += suggested[0].code in record["codes"]
    assert hits / 40 >= 0.9


def test_predictions_score_well_on_held_out_passages(trained, passages, records):
    from models.metrics import example_f1

    predicted = trained.predict(passages[200:])
    codes = trained.classes_
    gold = np.array([[c in r["codes"] for c in codes] for r in records[200:]])
    chosen = np.array([[c in p for c in codes] for p in predicted])
    assert example_f1(gold, chosen) >= 0.8
    # exactly one emotion per passage, as in every training passage
    assert all(sum(c.startswith("情绪/") for c in p) == 1 for p in predicted)


def test_reasons_are_words_of_the_passage_that_point_to_the_code(trained, tokenizer):
    passage = passage_from_text("说实话，房租太贵了，房东要涨租，心里很难受。", tokenizer)
    [suggested] = trained.suggest([passage])
    housing = next(s for s in suggested if s.code == "需求/住房")
    assert housing.selected
    words = set(passage.tokens)
    assert housing.reasons and set(housing.reasons) <= words
    assert {"房租", "房东", "涨租"} & set(housing.reasons[:3])
    assert "说实话" not in housing.reasons[:2]


def test_english_passages_work_too(tokenizer):
    texts = {
        "economy": ["jobs and the economy", "taxes are too high", "the economy is bad",
                    "lower taxes for jobs", "Economy, jobs, wages", "unemployment and wages"],
        "war": ["the war in Iraq", "bring the troops home", "Iraq war costs",
                "troops should leave Iraq", "end the war", "WAR and troops"],
    }
    passages, codes = [], []
    for code, examples in texts.items():
        for text in examples:
            passages.append(passage_from_text(text, tokenizer))
            codes.append([code])
    model = CodeSuggester(n_folds=2).fit(passages, codes)
    [suggested] = model.suggest([passage_from_text("The TROOPS in Iraq", tokenizer)])
    assert suggested[0].code == "war"
    assert "troops" in suggested[0].reasons and "iraq" in suggested[0].reasons


def test_rejected_suggestions_lower_that_code(passages, records):
    base = dict(C_grid=(0.3,), random_state=0)
    train, codes = passages[:120], [r["codes"] for r in records[:120]]
    plain = CodeSuggester(**base).fit(train, codes)
    # a coder refuses 需求/就业 wherever it was not assigned
    rejected = [[] if "需求/就业" in c else ["需求/就业"] for c in codes]
    strict = CodeSuggester(**base, rejection_weight=5.0).fit(train, codes, rejected=rejected)
    job = plain.classes_.index("需求/就业")
    held_out = passages[200:]
    negatives = [i for i, r in enumerate(records[200:]) if "需求/就业" not in r["codes"]]
    before = plain.predict_proba(held_out)[negatives, job].mean()
    after = strict.predict_proba(held_out)[negatives, job].mean()
    assert after < before


def test_sample_weights_of_zero_remove_passages(passages, records):
    train, codes = passages[:120], [r["codes"] for r in records[:120]]
    # weigh out every passage coded 需求/医疗: the code keeps no positive evidence
    weights = np.array([0.0 if "需求/医疗" in c else 1.0 for c in codes])
    plain = CodeSuggester(C_grid=(0.3,)).fit(train, codes)
    weighted = CodeSuggester(C_grid=(0.3,)).fit(train, codes, sample_weight=weights)
    health = plain.classes_.index("需求/医疗")
    carrying = [200 + i for i, r in enumerate(records[200:]) if "需求/医疗" in r["codes"]]
    held_out = [passages[i] for i in carrying]
    assert plain.predict_proba(held_out)[:, health].mean() > 0.5
    assert weighted.predict_proba(held_out)[:, health].mean() < 0.2


def test_codes_seen_once_are_not_learnt(passages, records):
    codes = [r["codes"] for r in records[:100]]
    codes[0] = codes[0] + ["需求/只出现一次"]
    model = CodeSuggester(C_grid=(0.3,)).fit(passages[:100], codes)
    assert "需求/只出现一次" not in model.classes_


def test_context_comes_from_the_turns_passed_together(trained, passages):
    middle = passages[205]
    alone = trained.predict_proba([middle])
    together = trained.predict_proba(passages[204:207])[1]
    assert not np.allclose(alone[0], together)


def test_mismatched_inputs_are_refused_with_a_catalogue_error(passages):
    with pytest.raises(BianmaError) as error:
        CodeSuggester().fit(passages[:3], [["a"], ["b"]])
    assert error.value.code == "E701"
    assert "有3个片段，却有2组编码" in str(error.value)


def test_nothing_learnable_is_refused(passages):
    with pytest.raises(BianmaError) as error:
        CodeSuggester().fit(passages[:3], [["a"], ["b"], ["c"]])
    assert error.value.code == "E702"


def test_negative_weights_are_refused(passages):
    with pytest.raises(BianmaError) as error:
        CodeSuggester().fit(passages[:4], [["a"], ["a"], ["b"], ["b"]], sample_weight=[1, -1, 1, 1])
    assert error.value.code == "E703"


def test_a_code_both_assigned_and_rejected_is_refused(passages):
    with pytest.raises(BianmaError) as error:
        CodeSuggester().fit(
            passages[:4], [["a"], ["a"], ["b"], ["b"]], rejected=[[], ["a"], [], []]
        )
    assert error.value.code == "E704"
    assert "Code “a” is both assigned to and rejected for passage 2" in str(error.value)


def test_empty_batches(trained):
    assert trained.suggest([]) == []
    assert trained.predict_proba([]).shape == (0, len(trained.classes_))


def test_a_passage_of_only_unknown_words_still_gets_suggestions(trained):
    [suggested] = trained.suggest([Passage("zzz", ("zzz",))])
    assert len(suggested) == 3
    assert all(s.reasons == () for s in suggested)
