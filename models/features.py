"""What the suggester reads from a passage: its stored tokens and its place in a document.

Tokens become features through scikit-learn's own vectorizers fed with plain strings, so a
saved model needs no custom Python function (skops loads it with its default trusted
types): word features split the space-joined tokens again with the ``\\S+`` token pattern,
character n-grams read the tokens joined back into text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

_WHITESPACE = re.compile(r"\s+")


class SupportsLcut(Protocol):
    def lcut(self, text: str) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class Passage:
    """A coded or uncoded unit of text.

    ``tokens`` are the tokens stored at import (jieba-compatible; whitespace tokens are
    ignored). ``document``/``turn``/``speaker`` place the passage in a transcript so the
    suggester can look at the neighbouring turns; leave them ``None`` for free-standing
    passages such as survey answers.
    """

    text: str
    tokens: tuple[str, ...]
    document: str | None = None
    turn: int | None = None
    speaker: str | None = None


def passage_from_text(
    text: str,
    tokenizer: SupportsLcut,
    *,
    document: str | None = None,
    turn: int | None = None,
    speaker: str | None = None,
) -> Passage:
    return Passage(text, tuple(tokenizer.lcut(text)), document, turn, speaker)


def passages_from_records(
    records: Iterable[Mapping[str, Any]], tokenizer: SupportsLcut
) -> list[Passage]:
    """Passages from bench-format records (``text`` and optional ``doc``, ``turn``, ``speaker``)."""
    return [
        passage_from_text(
            record["text"],
            tokenizer,
            document=None if record.get("doc") is None else str(record["doc"]),
            turn=record.get("turn"),
            speaker=record.get("speaker"),
        )
        for record in records
    ]


def word_string(tokens: Iterable[str]) -> str:
    """Lower-cased tokens joined by single spaces; a token holding spaces keeps them as ``_``
    so that splitting on whitespace gives the same tokens back."""
    words = (_WHITESPACE.sub("_", token.strip().lower()) for token in tokens)
    return " ".join(word for word in words if word)


def token_spans(tokens: Iterable[str]) -> tuple[str, list[tuple[str, int, int]]]:
    """The string character n-grams are built from (lower-cased tokens, whitespace collapsed
    to single spaces) and each visible token's word-feature form with its span in it, so an
    n-gram can be traced back to the words it came from."""
    pieces: list[str] = []
    spans: list[tuple[str, int, int]] = []
    position = 0
    after_space = True
    for token in tokens:
        lowered = " ".join(token.lower().split())
        if not lowered:
            if not after_space:
                pieces.append(" ")
                position += 1
                after_space = True
            continue
        # the key matches word_string, so word features and n-grams credit the same word
        spans.append((lowered.replace(" ", "_"), position, position + len(lowered)))
        pieces.append(lowered)
        position += len(lowered)
        after_space = False
    return "".join(pieces).rstrip(), spans


def char_string(tokens: Iterable[str]) -> str:
    return token_spans(tokens)[0]


def word_vectorizer(min_df: int = 1) -> TfidfVectorizer:
    """Word unigrams and bigrams over stored tokens (never sklearn's own word splitting,
    which would turn unspaced Chinese into whole clauses)."""
    return TfidfVectorizer(
        lowercase=False,
        token_pattern=r"\S+",
        ngram_range=(1, 2),
        sublinear_tf=True,
        min_df=min_df,
    )


def char_vectorizer(min_df: int = 1) -> TfidfVectorizer:
    """Character n-grams inside whitespace-delimited chunks: robust to misspellings in
    English and to segmentation choices in Chinese."""
    return TfidfVectorizer(
        lowercase=False,
        analyzer="char_wb",
        ngram_range=(2, 5),
        sublinear_tf=True,
        min_df=min_df,
    )


def presence_features(features: sparse.csr_matrix, n_word_features: int) -> sparse.csr_matrix:
    """Which features a passage has, each block (words, character n-grams) scaled to unit
    length as the TF-IDF blocks are: what the naive Bayes ratios of the NB-SVM count."""
    present = features.copy().astype(np.float64)
    present.data[:] = 1.0
    words = normalize(present[:, :n_word_features])
    chars = normalize(present[:, n_word_features:])
    return sparse.hstack([words, chars], format="csr", dtype=np.float64)


@dataclass(frozen=True, slots=True)
class Neighbours:
    """Index of the preceding and following passage of each passage in the same batch
    (-1 where there is none), and whether the speaker changes at that boundary."""

    previous: np.ndarray
    following: np.ndarray
    previous_changes_speaker: np.ndarray
    following_changes_speaker: np.ndarray

    @property
    def any(self) -> bool:
        return bool((self.previous >= 0).any() or (self.following >= 0).any())


def find_neighbours(passages: Sequence[Passage]) -> Neighbours:
    """Neighbours are adjacent turns of the same document present in the batch.

    With turn numbers, only turn ``t-1`` and ``t+1`` count, so a sample of turns never treats
    two distant turns as adjacent; without them, batch order within the document is used.
    """
    n = len(passages)
    previous = np.full(n, -1, dtype=np.int64)
    following = np.full(n, -1, dtype=np.int64)
    by_document: dict[str, list[int]] = {}
    for index, passage in enumerate(passages):
        if passage.document is not None:
            by_document.setdefault(passage.document, []).append(index)
    for members in by_document.values():
        if all(passages[i].turn is not None for i in members):
            at_turn = {passages[i].turn: i for i in members}
            for i in members:
                turn = passages[i].turn
                assert turn is not None
                previous[i] = at_turn.get(turn - 1, -1)
                following[i] = at_turn.get(turn + 1, -1)
        else:
            for before, after in zip(members, members[1:]):
                following[before] = after
                previous[after] = before
    return Neighbours(
        previous,
        following,
        _speaker_changes(passages, previous),
        _speaker_changes(passages, following),
    )


def _speaker_changes(passages: Sequence[Passage], other: np.ndarray) -> np.ndarray:
    changes = np.zeros(len(passages), dtype=bool)
    for index, neighbour in enumerate(other):
        if neighbour < 0:
            continue
        mine, theirs = passages[index].speaker, passages[neighbour].speaker
        # unknown speakers count as the same voice: free text without speaker labels
        changes[index] = mine is not None and theirs is not None and mine != theirs
    return changes


def context_features(scores: np.ndarray, neighbours: Neighbours) -> np.ndarray:
    """Dense second-stage features: the passage's own code scores, then the scores of the
    previous and following turn, kept apart by whether the speaker changes (a question
    answered by someone else reads differently from one the same speaker goes on with),
    then six presence flags."""
    n, k = scores.shape
    blocks = [scores]
    flags = []
    for other, changes in (
        (neighbours.previous, neighbours.previous_changes_speaker),
        (neighbours.following, neighbours.following_changes_speaker),
    ):
        present = other >= 0
        neighbour_scores = np.zeros((n, k), dtype=scores.dtype)
        neighbour_scores[present] = scores[other[present]]
        same = present & ~changes
        changed = present & changes
        blocks.append(neighbour_scores * same[:, None])
        blocks.append(neighbour_scores * changed[:, None])
        flags.extend([same, changed, ~present])
    blocks.append(np.column_stack(flags).astype(scores.dtype))
    return np.hstack(blocks)
