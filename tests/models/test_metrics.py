"""Metric functions against cases worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from models import metrics

# three passages, four codes
GOLD = np.array(
    [
        [1, 1, 0, 0],
        [0, 0, 1, 0],
        [1, 0, 0, 1],
    ]
)
PREDICTED = np.array(
    [
        [1, 0, 0, 0],  # 2·1/(2+1) = 2/3
        [0, 0, 1, 1],  # 2·1/(1+2) = 2/3
        [0, 1, 0, 0],  # 0
    ]
)
SCORES = np.array(
    [
        [0.9, 0.1, 0.5, 0.2],  # ranking 0, 2, 3, 1
        [0.3, 0.2, 0.1, 0.8],  # ranking 3, 0, 1, 2
        [0.2, 0.6, 0.1, 0.4],  # ranking 1, 3, 0, 2
    ]
)


def test_example_f1_is_the_mean_of_per_passage_f1():
    assert metrics.example_f1(GOLD, PREDICTED) == pytest.approx((2 / 3 + 2 / 3 + 0) / 3)


def test_example_f1_counts_an_empty_passage_predicted_empty_as_right():
    assert metrics.example_f1([[0, 0], [1, 0]], [[0, 0], [1, 0]]) == 1.0
    assert metrics.example_f1([[0, 0]], [[1, 0]]) == 0.0


def test_micro_f1_pools_all_decisions():
    # true positives 2, gold 5, predicted 4: 2·2/(5+4)
    assert metrics.micro_f1(GOLD, PREDICTED) == pytest.approx(4 / 9)


def test_macro_f1_averages_codes_present_in_gold():
    # code 0: tp1, g2, p1 -> 2/3; code 1: tp0, g1, p1 -> 0; code 2: tp1 g1 p1 -> 1;
    # code 3: tp0 g1 p1 -> 0
    assert metrics.macro_f1(GOLD, PREDICTED) == pytest.approx((2 / 3 + 0 + 1 + 0) / 4)


def test_macro_f1_leaves_out_codes_never_in_gold():
    gold = np.array([[1, 0], [1, 0]])
    predicted = np.array([[1, 1], [1, 1]])  # code 1 never gold: its false positives do not count
    assert metrics.macro_f1(gold, predicted) == 1.0


def test_precision_at_1_checks_the_top_code():
    # tops: 0 (gold), 3 (not), 1 (not)
    assert metrics.precision_at_k(GOLD, SCORES, 1) == pytest.approx(1 / 3)


def test_precision_at_2():
    # top two: {0,2} -> 1 hit; {3,0} -> 0; {1,3} -> 1 hit (code 3)
    assert metrics.precision_at_k(GOLD, SCORES, 2) == pytest.approx((1 / 2 + 0 + 1 / 2) / 3)


def test_recall_at_3_is_the_share_of_gold_found_in_the_top_three():
    # top three: {0,2,3} finds 1 of 2; {3,0,1} finds 0 of 1; {1,3,0} finds 2 of 2
    assert metrics.recall_at_k(GOLD, SCORES, 3) == pytest.approx((1 / 2 + 0 + 1) / 3)


def test_ties_rank_in_code_order():
    assert metrics.precision_at_k([[0, 1]], [[0.5, 0.5]], 1) == 0.0


def test_group_accuracy_judges_the_best_code_of_the_group():
    gold = np.array([[1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 0, 0]])
    scores = np.array([[0.9, 0.1, 0.2, 0.9], [0.8, 0.2, 0.1, 0.5], [0.1, 0.2, 0.6, 0.3]])
    # group = codes 2 and 3: passage 1 picks 3 (gold 2, wrong), passage 2 picks 3 (right);
    # passage 3 carries none of them and is not judged
    assert metrics.group_accuracy(gold, scores, [2, 3]) == pytest.approx(1 / 2)


def test_reliability_curve_bins_confidences():
    outcomes = [1, 0, 1, 1, 0]
    confidences = [0.05, 0.05, 0.95, 0.95, 0.55]
    mean_conf, hit_rate, counts = metrics.reliability_curve(outcomes, confidences, n_bins=10)
    assert list(counts) == [2, 1, 2]
    assert list(mean_conf) == pytest.approx([0.05, 0.55, 0.95])
    assert list(hit_rate) == pytest.approx([0.5, 0.0, 1.0])
    # |0.05-0.5|·2 + |0.55-0|·1 + |0.95-1|·2, over 5
    assert metrics.expected_calibration_error(outcomes, confidences) == pytest.approx(
        (0.9 + 0.55 + 0.1) / 5
    )


def test_a_confidence_of_one_falls_in_the_last_bin():
    _, _, counts = metrics.reliability_curve([1], [1.0], n_bins=10)
    assert list(counts) == [1]
