"""Text normalisation applied once at import, before any offset is computed, and timestamps.

Every stored span is an index into the normalised text, so this step is deliberately minimal:
it only unifies line endings and drops leading byte-order marks. No NFKC, no full-width to
half-width folding, no whitespace collapsing: each of those would move characters the
researcher wrote and make the document differ from the file they know. Timestamps, which stay
in the text as written, are stored beside each passage in one form, ``HH:MM:SS``.
"""

from __future__ import annotations

import re

BOM = "\ufeff"

# One pass handles both "\r\n" (Windows) and a lone "\r" (classic Mac, some exports).
_LINE_ENDING = re.compile(r"\r\n?")
_TIME_PARTS = re.compile(r"(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?:[.,]\d{1,3})?")


def normalize_newlines(text: str) -> str:
    """``\\r\\n`` and lone ``\\r`` become ``\\n``; nothing else changes."""
    return _LINE_ENDING.sub("\n", text)


def strip_bom(text: str) -> str:
    """Drop the byte-order marks at the very start (left by some decoders and by Word exports).

    All of them, not just one: a file saved twice by tools that each add a mark starts with
    several, and stripping only one would leave the next to be stripped at the next import of
    the same text, changing it (and every offset) a second time.
    """
    return text.lstrip(BOM)


def normalize_text(text: str) -> str:
    """The text in the form every offset refers to."""
    return normalize_newlines(strip_bom(text))


def normalize_timestamp(raw: str) -> str | None:
    """``'[00:12:31]'``, ``'0:12:31.5'``, ``'12:31'`` (mm:ss) -> ``'00:12:31'``; None if invalid."""
    match = _TIME_PARTS.fullmatch(raw.strip().strip("[]【】()（） \t\u3000"))
    if match is None:
        return None
    hours, minutes, seconds = (int(part) if part else 0 for part in match.groups())
    if seconds >= 60 or (match.group(1) is not None and minutes >= 60):
        return None
    return format_seconds(hours * 3600 + minutes * 60 + seconds)


def format_seconds(total: int) -> str:
    hours, rest = divmod(total, 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"
