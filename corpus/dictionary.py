"""Per-project tokenizers, built once per set of user words and shared by all requests.

Building a jieba-compatible tokenizer loads a dictionary (hundreds of milliseconds), so
tokenizers are cached by their exact word list; a project whose words change gets a new one.
"""

from __future__ import annotations

from functools import lru_cache

from corpus.projects import user_words
from corpus.tokenize import Token, Tokenizer
from storage.tables import Passage, Project


@lru_cache(maxsize=16)
def tokenizer_for_words(words: tuple[str, ...]) -> Tokenizer:
    return Tokenizer(words)


def project_tokenizer(project: Project) -> Tokenizer:
    return tokenizer_for_words(tuple(user_words(project)))


def passage_tokens(passage: Passage, text: str) -> list[Token]:
    """Rebuild a passage's stored tokens (kept as lengths) with their document offsets."""
    tokens = []
    position = passage.start
    for length in passage.token_lengths:
        tokens.append(Token(text[position:position + length], position, position + length))
        position += length
    return tokens
