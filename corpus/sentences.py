"""Sentence spans inside a passage.

A regular expression is enough here and is what we use on purpose: Chinese marks the end of a
sentence explicitly (。！？；…), so there is no abbreviation or capitalisation guessing for a
statistical model to do, and a regex over the passage costs microseconds where building a spaCy
``Doc`` per passage costs far more at import. spaCy stays the place for token-level work.
"""

from __future__ import annotations

import re

from corpus.notes import trim_span

# Closing quotes and brackets belong to the sentence they close: 他说：“好。”|然后…
_CLOSERS = "”’」』）)】\\]\"'"
# Ideographs (including extension planes) after an ASCII mark: "你去了吗?我没去" is two sentences.
_HAN_AHEAD = "\u2e80-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
# Full-width marks always end a sentence; "……" and "⋯⋯" are ellipses that end one too.
_FULL_WIDTH_END = r"[。！？；]|…+|⋯+"
# ASCII ?!; end a sentence only before whitespace, the end, a closer or a Han character:
# elsewhere they are part of a URL query (?id=3), code, or a smiley ;) inside the sentence.
_ASCII_END = rf"[!?;]+(?=\s|$|[{_CLOSERS}{_HAN_AHEAD}])"
_SENTENCE_END = re.compile(rf"(?:{_FULL_WIDTH_END}|{_ASCII_END})+[{_CLOSERS}]*")
_LINE_BREAK = re.compile(r"\n")


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]``, trimmed, never empty and never crossing ``end``.

    A line break also ends a sentence: transcripts put one utterance per line, and speech
    recognition exports often leave the last one on a line without a full stop.
    """
    spans: list[tuple[int, int]] = []
    line_start = start
    for line_break in _LINE_BREAK.finditer(text, start, end):
        spans.extend(_line_sentences(text, line_start, line_break.start()))
        line_start = line_break.end()
    spans.extend(_line_sentences(text, line_start, end))
    return spans


def _line_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    sentence_start = start
    for mark in _SENTENCE_END.finditer(text, start, end):
        spans.append(trim_span(text, sentence_start, mark.end()))
        sentence_start = mark.end()
    spans.append(trim_span(text, sentence_start, end))
    return [(s, e) for s, e in spans if s < e]
