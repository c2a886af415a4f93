"""Paragraph passages for field and observation notes, and span trimming shared by the parsers.

Spans are ``(start, end)`` code-point offsets into the normalised document text; nothing here
copies or rewrites text, so ``text[start:end]`` is always the passage as the researcher wrote it.
"""

from __future__ import annotations

import re

# A blank line is one holding only whitespace. Full-width spaces (U+3000) count: Chinese
# paragraphs are often indented with two of them, and an "empty" line may keep the indent.
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
# Never str.splitlines(): it also breaks on \x0b, \x0c, \x1c-\x1e, \x85, U+2028 and U+2029,
# which normalisation keeps, so its pieces would not line up with our "\n"-only line model.
_LINE_BREAK = re.compile(r"\n")


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` narrowed past surrounding whitespace; ``start == end`` if none is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def has_blank_line(text: str, start: int = 0, end: int | None = None) -> bool:
    end = len(text) if end is None else end
    return _BLANK_LINE.search(text, start, end) is not None


def split_spans(
    text: str, separator: re.Pattern[str], start: int, end: int
) -> list[tuple[int, int]]:
    """The trimmed, non-empty pieces of ``text[start:end]`` between matches of ``separator``."""
    spans: list[tuple[int, int]] = []
    piece_start = start
    for match in separator.finditer(text, start, end):
        spans.append(trim_span(text, piece_start, match.start()))
        piece_start = match.end()
    # Runs of blank lines leave whitespace-only pieces; they trim to nothing and are dropped.
    spans.append(trim_span(text, piece_start, end))
    return [(s, e) for s, e in spans if s < e]


def blank_line_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Paragraphs separated by blank lines; single line breaks stay inside a paragraph."""
    end = len(text) if end is None else end
    return split_spans(text, _BLANK_LINE, start, end)


def paragraph_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Notes passages: paragraphs split on blank lines, or on every line break if there is none.

    Typed notes separate paragraphs with blank lines; notes from a .docx (one paragraph per
    line) or a phone memo have none, and there each line is the researcher's paragraph.
    """
    end = len(text) if end is None else end
    if has_blank_line(text, start, end):
        return split_spans(text, _BLANK_LINE, start, end)
    return split_spans(text, _LINE_BREAK, start, end)
