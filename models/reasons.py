"""The words of a passage that pushed a code up, read off the first-stage linear model.

Each feature's contribution is its value times the code's weight. Word features go to their
tokens (a bigram's share is split between its two words); a character n-gram goes to the
tokens it overlaps in the passage, so reasons are always words the researcher can see.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from models.features import token_spans


def word_reasons(
    row: sparse.csr_matrix,
    weights: np.ndarray,
    feature_names: Sequence[str],
    n_word_features: int,
    tokens: Sequence[str],
    limit: int,
) -> list[tuple[str, ...]]:
    """For each code (a row of ``weights``), up to ``limit`` distinct words of the passage
    with the largest positive contribution; ``row`` is the passage's feature row."""
    text, spans = token_spans(tokens)
    words = list(dict.fromkeys(word for word, _, _ in spans))
    column = {word: j for j, word in enumerate(words)}
    indices, values = row.indices, row.data
    # which words each active feature is credited to, and in what share: built once per
    # passage, then every code's credit is one small matrix product
    shares = np.zeros((len(indices), len(words)))
    for position, index in enumerate(indices):
        name = feature_names[index]
        if index < n_word_features:
            parts = name.split(" ")
            for part in parts:
                if part in column:
                    shares[position, column[part]] += 1 / len(parts)
        else:
            _share_ngram(name.strip(), text, spans, column, shares[position])
    contributions = np.maximum(values[None, :] * weights[:, indices], 0.0)
    credit = contributions @ shares
    out = []
    for code_credit in credit:
        ranked = sorted(
            (j for j in range(len(words)) if code_credit[j] > 0),
            key=lambda j: (-code_credit[j], words[j]),
        )
        out.append(tuple(words[j] for j in ranked[:limit]))
    return out


def _share_ngram(
    ngram: str,
    text: str,
    spans: list[tuple[str, int, int]],
    column: dict[str, int],
    shares: np.ndarray,
) -> None:
    start = text.find(ngram) if ngram else -1
    if start < 0:
        return
    end = start + len(ngram)
    for word, begin, stop in spans:
        if begin < end and stop > start:
            shares[column[word]] += (min(end, stop) - max(start, begin)) / len(ngram)
