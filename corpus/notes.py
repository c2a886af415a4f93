"""Paragraph passages for field and observation notes, and span trimming shared by the parsers.

Spans are ``(start, end)`` code-point offsets into the normalised document text; nothing here
copies or rewrites text, so ``text[start:end]`` is always the passage as the researcher wrote it.
"""

from __future__ import annotations

import re

# A blank line is one holding only whitespace. Full-width spaces (U+3000) count: Chinese
# paragraphs are often indented with two of them, and an "empty" line may keep the indent.
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
# The trimmed pieces themselves, found in one scan instead of cutting the text and trimming
# each piece (notes from a .docx have one paragraph per line, tens of thousands of them): a line
# from its first to its last character that is not a space, and a paragraph as such lines, each
# on the line after the one before, so that a blank line between two ends the paragraph.
# Lines end at "\n" only, never as str.splitlines() has it: that also breaks on \x0b, \x0c,
# \x1c-\x1e, \x85, U+2028 and U+2029, which normalisation keeps.
_TRIMMED_LINE = r"\S(?:[^\n]*\S)?"
_LINE = re.compile(_TRIMMED_LINE)
_PARAGRAPH = re.compile(rf"{_TRIMMED_LINE}(?:[^\S\n]*\n[^\S\n]*{_TRIMMED_LINE})*")


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


def blank_line_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Paragraphs separated by blank lines; single line breaks stay inside a paragraph.

    Each is trimmed and never empty: runs of blank lines and whitespace separate, never count.
    """
    end = len(text) if end is None else end
    return [match.span() for match in _PARAGRAPH.finditer(text, start, end)]


def paragraph_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Notes passages: paragraphs split on blank lines, or on every line break if there is none.

    Typed notes separate paragraphs with blank lines; notes from a .docx (one paragraph per
    line) or a phone memo have none, and there each line is the researcher's paragraph.
    """
    end = len(text) if end is None else end
    pieces = _PARAGRAPH if has_blank_line(text, start, end) else _LINE
    return [match.span() for match in pieces.finditer(text, start, end)]
