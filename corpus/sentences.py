"""Sentence spans inside a passage.

A regular expression is enough here and is what we use on purpose: Chinese marks the end of a
sentence explicitly (。！？；…), so there is no abbreviation or capitalisation guessing for a
statistical model to do, and a regex over the passage costs microseconds where building a spaCy
``Doc`` per passage costs far more at import. spaCy stays the place for token-level work.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Closing quotes and brackets belong to the sentence they close: 他说：“好。”|然后…
_CLOSERS = "”’」』）)】\\]\"'"
# Ideographs (including extension planes) after an ASCII mark: "你去了吗?我没去" is two sentences.
_HAN_AHEAD = "\u2e80-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
# Full-width marks always end a sentence; "……" and "⋯⋯" are ellipses that end one too.
_FULL_WIDTH_END = r"[。！？；]|…+|⋯+"
# ASCII ?!; end a sentence only before whitespace, the end, a closer or a Han character:
# elsewhere they are part of a URL query (?id=3), code, or a smiley ;) inside the sentence.
_END_AHEAD = rf"\s|$|[{_CLOSERS}{_HAN_AHEAD}]"
_ASCII_END = rf"[!?;]+(?={_END_AHEAD})"
_SENTENCE_END = rf"(?:{_FULL_WIDTH_END}|{_ASCII_END})+[{_CLOSERS}]*"

# One sentence, trimmed: it starts at a character that is not a space and runs up to and
# including the first sentence end, or else to the last character that is not a space on its
# line (a line break ends a sentence: transcripts put one utterance per line, and speech
# recognition exports often leave the last one on a line without a full stop).
# Written so the engine never tries _SENTENCE_END at every character: runs of characters that
# cannot start one (_PLAIN) are taken whole, as are runs of ?!; that do not end a sentence
# (_INNER_MARKS), and _SENTENCE_END is tried only where one of its first characters stands.
_PLAIN = r"[^\s。！？；…⋯!?;]++"
_INNER_MARKS = rf"[!?;]++(?!{_END_AHEAD})"
_SPACE = r"[^\S\n]"
_SENTENCE = re.compile(
    rf"(?:{_PLAIN}|{_INNER_MARKS})(?:{_SPACE}*+(?:{_PLAIN}|{_INNER_MARKS}))*+"
    rf"(?:{_SPACE}*+{_SENTENCE_END})?"
    rf"|{_SENTENCE_END}"
)
# What a passage of more than one sentence contains: a line break or a mark that may end one.
_SENTENCE_BREAK = re.compile(r"[\n。！？；…⋯!?;]")


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]``, trimmed, never empty and never crossing ``end``.

    A line break also ends a sentence: transcripts put one utterance per line, and speech
    recognition exports often leave the last one on a line without a full stop.
    """
    return [match.span() for match in _SENTENCE.finditer(text, start, end)]


def passage_sentences(
    text: str, passages: Iterable[tuple[int, int]]
) -> list[list[tuple[int, int]]]:
    """``sentence_spans`` of each passage; passages are trimmed and never empty.

    Most passages of a transcript are one short line, so a passage with no line break and no
    sentence mark is its own only sentence, found with one search instead of a scan.
    """
    search = _SENTENCE_BREAK.search
    return [
        [(start, end)] if search(text, start, end) is None else sentence_spans(text, start, end)
        for start, end in passages
    ]
