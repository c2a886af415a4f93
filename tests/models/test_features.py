"""What the suggester reads from passages: token strings, n-gram text, neighbouring turns."""

from __future__ import annotations

import numpy as np

from models.features import (
    Passage,
    char_string,
    context_features,
    find_neighbours,
    token_spans,
    word_string,
    word_vectorizer,
)


def test_word_string_lowercases_and_drops_whitespace_tokens():
    tokens = ["He", "'", "s", " ", "positive", ",", " ", " ", "我们", "搬家"]
    assert word_string(tokens) == "he ' s positive , 我们 搬家"


def test_a_token_with_a_space_stays_one_word():
    assert word_string(["New York", "市"]) == "new_york 市"


def test_word_vectorizer_keeps_stored_chinese_tokens():
    vectorizer = word_vectorizer().fit([word_string(["以前", "的", "老邻居", "都", "散", "了"])])
    assert "老邻居" in vectorizer.vocabulary_
    assert "以前 的" in vectorizer.vocabulary_


def test_token_spans_map_back_into_the_char_string():
    tokens = ["Health", " ", "care", " ", " ", "找", "工作", "。"]
    text, spans = token_spans(tokens)
    assert text == "health care 找工作。"
    assert [(w, text[a:b]) for w, a, b in spans] == [
        ("health", "health"),
        ("care", "care"),
        ("找", "找"),
        ("工作", "工作"),
        ("。", "。"),
    ]
    assert char_string(tokens) == text


def turn(document, number, speaker):
    return Passage("x", ("x",), document, number, speaker)


def test_neighbours_are_adjacent_turns_of_the_same_document():
    passages = [
        turn("a", 0, "访谈者"),
        turn("a", 1, "张阿姨"),
        turn("a", 2, "张阿姨"),
        turn("b", 0, "访谈者"),
        turn("a", 5, "访谈者"),  # turns 3 and 4 are not in the batch
    ]
    neighbours = find_neighbours(passages)
    assert list(neighbours.previous) == [-1, 0, 1, -1, -1]
    assert list(neighbours.following) == [1, 2, -1, -1, -1]
    assert list(neighbours.previous_changes_speaker) == [False, True, False, False, False]
    assert list(neighbours.following_changes_speaker) == [True, False, False, False, False]


def test_without_turn_numbers_batch_order_decides():
    passages = [Passage("x", ("x",), "a"), Passage("y", ("y",)), Passage("z", ("z",), "a")]
    neighbours = find_neighbours(passages)
    assert list(neighbours.previous) == [-1, -1, 0]
    assert not find_neighbours([Passage("x", ("x",))]).any


def test_context_features_put_neighbour_scores_by_speaker_change():
    passages = [turn("a", 0, "甲"), turn("a", 1, "乙"), turn("a", 2, "乙")]
    scores = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    features = context_features(scores, find_neighbours(passages))
    # own | prev same | prev changed | next same | next changed | flags
    assert features.shape == (3, 2 * 5 + 6)
    middle = features[1]
    assert list(middle[0:2]) == [3.0, 4.0]
    assert list(middle[2:4]) == [0.0, 0.0]
    assert list(middle[4:6]) == [1.0, 2.0]  # previous turn, other speaker
    assert list(middle[6:8]) == [5.0, 6.0]  # next turn, same speaker
    assert list(middle[8:10]) == [0.0, 0.0]
    # flags: prev same, prev changed, no prev, next same, next changed, no next
    assert list(middle[10:]) == [0, 1, 0, 1, 0, 0]
    assert list(features[0][10:]) == [0, 0, 1, 0, 1, 0]
