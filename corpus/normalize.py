"""Text normalisation applied once at import, before any offset is computed.

Every stored span is an index into the normalised text, so this step is deliberately minimal:
it only unifies line endings and drops a leading byte-order mark. No NFKC, no full-width to
half-width folding, no whitespace collapsing: each of those would move characters the
researcher wrote and make the document differ from the file they know.
"""

from __future__ import annotations

import re

BOM = "\ufeff"

# One pass handles both "\r\n" (Windows) and a lone "\r" (classic Mac, some exports).
_LINE_ENDING = re.compile(r"\r\n?")


def normalize_newlines(text: str) -> str:
    """``\\r\\n`` and lone ``\\r`` become ``\\n``; nothing else changes."""
    return _LINE_ENDING.sub("\n", text)


def strip_bom(text: str) -> str:
    """Drop a byte-order mark at the very start (left by some decoders and by Word exports)."""
    return text[1:] if text.startswith(BOM) else text


def normalize_text(text: str) -> str:
    """The text in the form every offset refers to."""
    return normalize_newlines(strip_bom(text))
