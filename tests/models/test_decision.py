"""The expected-F1 choice of codes, on probabilities worked out by hand."""

from __future__ import annotations

import numpy as np

from models.decision import choose_codes


def chosen(probabilities, groups=(), min_codes=0) -> list[list[int]]:
    selected = choose_codes(np.array(probabilities), groups, min_codes)
    return [list(np.flatnonzero(row)) for row in selected]


def test_one_sure_code_is_chosen_alone():
    # Σp = 1.2; k=1: 2·0.9/2.2 = 0.82; k=2: 2·1.1/3.2 = 0.69
    assert chosen([[0.9, 0.2, 0.1]]) == [[0]]


def test_two_likely_codes_are_both_chosen():
    # Σp = 1.4; k=1: 1.2/2.4 = 0.50; k=2: 2.6/3.4 = 0.76; k=3: 2.8/4.4 = 0.64
    assert chosen([[0.6, 0.7, 0.1]]) == [[0, 1]]


def test_nothing_is_chosen_when_no_code_is_likely_and_none_is_required():
    # Σp = 0.1: empty set scores e^-0.1 = 0.90 against 2·0.05/1.1 = 0.09
    assert chosen([[0.05, 0.03, 0.02]]) == [[]]
    assert chosen([[0.05, 0.03, 0.02]], min_codes=1) == [[0]]


def test_an_exclusive_group_gives_at_most_its_best_member():
    # codes 0 and 1 exclusive: 1 loses to 0 even though both are likely
    assert chosen([[0.5, 0.45, 0.05]], groups=[([0, 1], False)]) == [[0]]


def test_an_always_present_group_is_always_chosen():
    # code 2 is sure; the group {0,1} is still answered with its best member
    assert chosen([[0.2, 0.1, 0.95]], groups=[([0, 1], True)]) == [[0, 2]]


def test_each_row_is_decided_on_its_own():
    assert chosen([[0.9, 0.2, 0.1], [0.6, 0.7, 0.1]]) == [[0], [0, 1]]


def test_no_passages_no_choices():
    assert choose_codes(np.zeros((0, 3))).shape == (0, 3)
