"""Chinese tokenization with jieba's dictionary and algorithm, one tokenizer per project.

The tokens are exactly those of a private ``jieba.Tokenizer()`` with the project's user words
added (``jieba_reference`` builds that tokenizer; the tests compare against it). The work is
done by ``corpus._engine``, which lets rjieba do the dictionary search and replays the rest
of jieba's algorithm in Python, several times faster than jieba. Nothing process-wide of
jieba's or rjieba's is ever changed: a Streamlit server shares those among all projects.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

import jieba

from corpus._engine import JiebaCompatibleEngine

# jieba logs its dictionary loading at DEBUG to stderr.
jieba.setLogLevel(logging.WARNING)


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int


def _clean_words(user_words: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(w.strip() for w in user_words if w.strip()))


def _added_order(user_words: Iterable[str]) -> list[str]:
    # jieba's result can depend on the order words are added (each one's frequency is
    # suggested from the dictionary so far). A fixed order makes the tokens depend on the
    # set of words only, which is what ``dictionary_version`` identifies.
    return sorted(user_words)


class Tokenizer:
    """Segments text as ``jieba.lcut`` would, with this project's user words added."""

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        self.user_words = _clean_words(user_words)
        self._engine = JiebaCompatibleEngine(_added_order(self.user_words))

    @property
    def dictionary_version(self) -> str:
        """Changes whenever the user words (or jieba) change: stored tokens must be recomputed."""
        key = "\n".join([f"jieba {jieba.__version__}", *_added_order(self.user_words)])
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]

    def lcut(self, text: str) -> list[str]:
        return self._engine.cut(text)

    def lcut_many(self, texts: Sequence[str]) -> list[list[str]]:
        """``[self.lcut(t) for t in texts]``, faster for many short texts (one pass for all)."""
        return self._engine.cut_many(texts)

    def tokens(self, text: str, offset: int = 0) -> list[Token]:
        """Tokens with ``[start, end)`` code-point offsets; ``offset`` shifts them into a document."""
        words = self._engine.cut(text)
        bounds = list(accumulate(map(len, words), initial=offset))
        return list(map(Token, words, bounds, bounds[1:]))


def jieba_cache_dir() -> Path:
    """Where jieba keeps its dictionary cache: ``$XDG_CACHE_HOME/bianma``, not /tmp.

    Only ``jieba_reference`` loads jieba's own dictionary; ``Tokenizer`` never does.
    """
    directory = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "bianma"
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return Path(tempfile.gettempdir())
    return directory


def jieba_reference(user_words: Iterable[str] = ()) -> jieba.Tokenizer:
    """The tokenizer whose ``lcut`` a ``Tokenizer(user_words)`` reproduces (slow: ~1 s to load)."""
    reference = jieba.Tokenizer()
    reference.tmp_dir = str(jieba_cache_dir())
    for word in _added_order(_clean_words(user_words)):
        reference.add_word(word)
    return reference
