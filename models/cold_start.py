"""Suggestions before anything is coded: read them off the codebook itself.

Each code's keywords, its own name and its examples become phrase patterns, matched with
spaCy's ``PhraseMatcher`` over the passage's stored (jieba-compatible) tokens, so a keyword
matches whole words only ("工作" never matches inside "工作室" when jieba keeps that as one
word). Definitions and examples also form a TF-IDF profile per code; the passage's cosine
similarity to it ranks codes that no phrase names outright.

There are no coded passages to calibrate against, so the confidence here is a strength in
[0, 1) (``Suggestion.calibrated`` is False), not a probability.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from i18n import BianmaError
from models.features import Passage, SupportsLcut, word_string
from models.suggester import Suggestion

# How much a full cosine similarity to a code's profile counts next to one matched phrase:
# a passage that repeats a definition nearly word for word is as telling as a keyword.
SIMILARITY_WEIGHT = 2.0


@dataclass(frozen=True, slots=True)
class CodebookEntry:
    """A code as the codebook describes it; ``code`` is its path (``parent/child``)."""

    code: str
    definition: str = ""
    examples: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


def _visible(tokens: Sequence[str]) -> list[str]:
    return word_string(tokens).split()


def _visible_with_positions(tokens: Sequence[str]) -> tuple[list[str], list[int]]:
    """Visible words (as in ``word_string``) and the index of each among ``tokens``."""
    words, positions = [], []
    for index, token in enumerate(tokens):
        word = word_string([token])
        if word:
            words.append(word)
            positions.append(index)
    return words, positions


class CodebookMatcher(BaseEstimator):
    """Cold-start suggester from code names, keywords, examples and definitions."""

    def __init__(self, *, top_k: int = 3, n_reasons: int = 5) -> None:
        self.top_k = top_k
        self.n_reasons = n_reasons

    def fit(self, entries: Sequence[CodebookEntry], tokenizer: SupportsLcut) -> CodebookMatcher:
        """Tokenize the codebook with the project's tokenizer (the one passages were
        tokenized with, so patterns and passages split words the same way)."""
        if not entries:
            raise BianmaError("E711")
        self.classes_ = [entry.code for entry in entries]
        patterns: list[list[Any]] = []
        profiles = []
        for index, entry in enumerate(entries):
            name = entry.code.rsplit("/", 1)[-1]
            phrases = [name, *entry.keywords, *entry.examples]
            seen: set[tuple[str, ...]] = set()
            for phrase in phrases:
                words = tuple(_visible(tokenizer.lcut(phrase)))
                if words and words not in seen:
                    seen.add(words)
                    patterns.append([index, list(words)])
            profile_text = " ".join([name, *entry.keywords, entry.definition, *entry.examples])
            profiles.append(word_string(tokenizer.lcut(profile_text)))
        # plain lists of ints and strings: the saved model needs no spaCy type
        self.patterns_ = patterns
        self.profile_vectorizer_ = TfidfVectorizer(
            lowercase=False, token_pattern=r"\S+", sublinear_tf=True
        )
        # dense: a codebook is small, and skops trusts numpy arrays but not scipy matrices
        self.profiles_ = normalize(self.profile_vectorizer_.fit_transform(profiles)).toarray()
        return self

    def _matcher(self) -> Any:
        cached = getattr(self, "_matcher_cache", None)
        if cached is None:
            from spacy.matcher import PhraseMatcher
            from spacy.tokens import Doc
            from spacy.vocab import Vocab

            vocab = Vocab()
            matcher = PhraseMatcher(vocab)
            for index, words in self.patterns_:
                matcher.add(str(index), [Doc(vocab, words=list(words))])
            cached = (vocab, matcher)
            self._matcher_cache = cached
        return cached

    def scores(self, passages: Sequence[Passage]) -> tuple[np.ndarray, list[dict[int, list[str]]]]:
        """Strength per (passage, code) and, per passage, the matched phrases per code."""
        from spacy.tokens import Doc

        vocab, matcher = self._matcher()
        n_codes = len(self.classes_)
        phrase_counts = np.zeros((len(passages), n_codes))
        matched: list[dict[int, list[str]]] = []
        for i, passage in enumerate(passages):
            words, positions = _visible_with_positions(passage.tokens)
            found: dict[int, list[str]] = {}
            if words:
                doc = Doc(vocab, words=words)
                for match_id, start, end in matcher(doc):
                    code = int(vocab.strings[match_id])
                    # shown as written in the passage, spaces and case included
                    phrase = "".join(passage.tokens[positions[start] : positions[end - 1] + 1])
                    if phrase not in found.setdefault(code, []):
                        found[code].append(phrase)
            for code, phrases in found.items():
                phrase_counts[i, code] = len(phrases)
            matched.append(found)
        passage_vectors = self.profile_vectorizer_.transform(
            [word_string(p.tokens) for p in passages]
        )
        similarity = np.asarray(normalize(passage_vectors) @ self.profiles_.T)
        strength = 1.0 - np.exp(-(phrase_counts + SIMILARITY_WEIGHT * similarity))
        return strength, matched

    def suggest(
        self, passages: Sequence[Passage], top_k: int | None = None
    ) -> list[list[Suggestion]]:
        """Codes whose codebook text the passage echoes; a code is pre-selected only when one
        of its phrases occurs in the passage."""
        if not passages:
            return []
        k = min(self.top_k if top_k is None else top_k, len(self.classes_))
        strength, matched = self.scores(passages)
        vocabulary = self.profile_vectorizer_.vocabulary_
        out = []
        for i, passage in enumerate(passages):
            words = _visible(passage.tokens)
            ranked = [j for j in np.argsort(-strength[i], kind="stable")[:k] if strength[i, j] > 0]
            suggestions = []
            for j in ranked:
                profile = self.profiles_[j]
                shared = sorted(
                    {w for w in words if w in vocabulary and profile[vocabulary[w]] > 0},
                    key=lambda w: (-profile[vocabulary[w]], w),
                )
                reasons = list(dict.fromkeys([*matched[i].get(j, []), *shared]))
                suggestions.append(
                    Suggestion(
                        code=self.classes_[j],
                        confidence=float(strength[i, j]),
                        reasons=tuple(reasons[: self.n_reasons]),
                        selected=j in matched[i],
                        calibrated=False,
                    )
                )
            out.append(suggestions)
        return out
