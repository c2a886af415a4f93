"""jieba's main dictionary as plain Python data, read once per process and never changed.

The fast engine lets rjieba walk the dictionary, but a few decisions must be made exactly as
jieba makes them from its own ``FREQ`` table and ``total``: the frequency jieba gives a user
word (``suggest_freq``), whether a run of single characters is itself a word, and the
occasional block that must be routed in Python. Those read this table.

jieba's ``total`` counts every line of ``dict.txt``, so a word listed twice (B超 is) counts
twice; jieba-rs keeps one entry per word and sums those. ``unique_total`` is that second sum:
the engine tops rjieba's total up by the difference so that both compute the same logarithms.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

import jieba


@dataclass(frozen=True, slots=True)
class MainDictionary:
    freq: dict[str, int]
    total: int
    unique_total: int
    # Proper prefixes of words that are not words themselves, which jieba stores with
    # frequency 0. Only the kinds of string that can come out of a segmentation as one
    # piece without being a dictionary word are kept: single characters and runs of ASCII
    # letters and digits (jieba joins those). That is all ``suggest_freq`` ever looks up.
    zero_prefixes: frozenset[str]
    longest_word: int
    # Words of two or more ASCII letters and digits (none in jieba 0.42.1's dictionary).
    alnum_words: frozenset[str]

    def lookup(self, word: str, default: int | None) -> int | None:
        """``FREQ.get(word, default)`` of a freshly loaded jieba."""
        found = self.freq.get(word)
        if found is not None:
            return found
        if word in self.zero_prefixes:
            return 0
        return default


_ASCII_WHITESPACE = " \t\n\r\x0b\x0c"


def dictionary_path() -> str:
    return os.path.join(os.path.dirname(jieba.__file__), jieba.DEFAULT_DICT_NAME)


def _is_ascii_alnum(text: str) -> bool:
    return text.isascii() and text.isalnum()


def _parse(raw: str) -> tuple[dict[str, int], int]:
    """Words and total as ``jieba.Tokenizer.gen_pfdict`` reads them (later lines win)."""
    # jieba reads the file in binary mode, so only b"\n" ends a line and only ASCII
    # whitespace is stripped.
    lines = raw.split("\n")
    if lines and not lines[-1]:
        lines.pop()
    freq: dict[str, int] = {}
    total = 0
    for line_number, line in enumerate(lines, 1):
        line = line.strip(_ASCII_WHITESPACE)
        try:
            word, count = line.split(" ")[:2]
            number = int(count)
        except ValueError as error:
            raise ValueError(f"invalid jieba dictionary entry at line {line_number}: {line!r}") from error
        freq[word] = number
        total += number
    return freq, total


@lru_cache(maxsize=1)
def main_dictionary() -> MainDictionary:
    with open(dictionary_path(), "rb") as handle:
        raw = handle.read().decode("utf-8")
    freq, total = _parse(raw)
    zero_prefixes = {word[0] for word in freq}.difference(freq)
    latin = [word for word in freq if word[0].isascii()]
    for word in latin:
        for end in range(2, len(word)):
            prefix = word[:end]
            if _is_ascii_alnum(prefix) and prefix not in freq:
                zero_prefixes.add(prefix)
    return MainDictionary(
        freq=freq,
        total=total,
        unique_total=sum(freq.values()),
        zero_prefixes=frozenset(zero_prefixes),
        longest_word=max(map(len, freq)),
        alnum_words=frozenset(w for w in latin if len(w) > 1 and _is_ascii_alnum(w)),
    )
