"""Confidences mean what they say: on passages held out of training, codes suggested with
confidence p turn out right about p of the time (reliability curve)."""

from __future__ import annotations

import numpy as np
import pytest

from models.features import passage_from_text
from models.linear import make_folds
from models.metrics import expected_calibration_error, reliability_curve
from models.suggester import CodeSuggester


@pytest.fixture(scope="module")
def held_out(tokenizer, record_maker):
    """Out-of-fold confidences and outcomes over a project where a third of the needs are
    voiced with phrases two codes share, and some codes are assigned without words to show."""
    records = record_maker(600, seed=7, judgement=0.08, ambiguity=0.3)
    passages = [passage_from_text(r["text"], tokenizer, document=r["doc"], turn=r["turn"],
                                  speaker=r["speaker"]) for r in records]
    confidences, outcomes = [], []
    for train, test in make_folds(len(records), [r["doc"] for r in records], 3, random_state=1):
        model = CodeSuggester().fit([passages[i] for i in train],
                                    [records[i]["codes"] for i in train])
        probabilities = model.predict_proba([passages[i] for i in test])
        gold = np.array([[c in records[i]["codes"] for c in model.classes_] for i in test])
        confidences.append(probabilities.ravel())
        outcomes.append(gold.ravel())
    return np.concatenate(outcomes), np.concatenate(confidences)


def well_calibrated(outcomes, confidences) -> bool:
    """Small expected calibration error, and every bin's hit rate within three standard
    errors of its mean confidence (what chance alone allows for a bin of that size)."""
    mean_conf, hit_rate, counts = reliability_curve(outcomes, confidences, n_bins=10)
    allowed = np.maximum(0.05, 3 * np.sqrt(mean_conf * (1 - mean_conf) / counts))
    return bool(
        expected_calibration_error(outcomes, confidences) <= 0.03
        and np.all(np.abs(mean_conf - hit_rate) <= allowed)
    )


def test_confidences_are_calibrated_on_held_out_folds(held_out):
    outcomes, confidences = held_out
    # the data must exercise the middle of the scale, or the check says little
    assert ((confidences > 0.2) & (confidences < 0.8)).sum() >= 100
    assert well_calibrated(outcomes, confidences)


def test_the_check_catches_overconfidence(held_out):
    outcomes, confidences = held_out
    overconfident = np.where(confidences > 0.5, np.sqrt(confidences), confidences**2)
    assert not well_calibrated(outcomes, overconfident)
