"""Chinese tokenization with jieba's dictionary and algorithm, one tokenizer per project.

Placeholder engine: jieba itself through a private ``jieba.Tokenizer`` instance (never the
process-wide one). A faster jieba-compatible engine replaces the inside of ``Tokenizer``
without changing its interface.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import jieba

jieba.setLogLevel(logging.WARNING)


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int


class Tokenizer:
    """Segments text as ``jieba.lcut`` would, with this project's user words added."""

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        self.user_words = tuple(dict.fromkeys(w.strip() for w in user_words if w.strip()))
        self._jieba = jieba.Tokenizer()
        for word in self.user_words:
            self._jieba.add_word(word)

    @property
    def dictionary_version(self) -> str:
        """Changes whenever the user words change: stored tokens must then be recomputed."""
        digest = hashlib.sha256("\n".join(sorted(self.user_words)).encode("utf-8"))
        return digest.hexdigest()[:16]

    def lcut(self, text: str) -> list[str]:
        return self._jieba.lcut(text)

    def tokens(self, text: str, offset: int = 0) -> list[Token]:
        """Tokens with ``[start, end)`` code-point offsets; ``offset`` shifts them into a document."""
        out: list[Token] = []
        position = offset
        for word in self.lcut(text):
            out.append(Token(word, position, position + len(word)))
            position += len(word)
        return out
