"""Span selection over a transcript window: a small ``st.components.v2`` component.

The browser renders the text with coloured highlights for existing codings and
reports what the user selected.  Offsets cross the boundary in the browser's own
unit (UTF-16 code units, which is what DOM ranges count) and are converted to
code points here, in pure functions that are unit-tested, so characters outside
the BMP (𠀋, 😀) never shift a span.  Every selection is checked against the text
before it is returned: the caller only ever sees ``text[start:end] == selection.text``.

Offsets in ``passages``, ``highlights`` and the returned :class:`Selection` are
document offsets; ``text`` may be a window of the document starting at
``base_offset``.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

COMPONENT_NAME = "bianma.span_selector"
STATE_KEY = "selection"

_ASSET_DIR = Path(__file__).parent
# Read at import and passed inline: file paths are only accepted by the v2 API
# for components declared with an asset_dir in an installed package's manifest.
_JS = (_ASSET_DIR / "span_select.js").read_text(encoding="utf-8")
_CSS = (_ASSET_DIR / "span_select.css").read_text(encoding="utf-8")

_HEX_COLOR = re.compile(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_FALLBACK_COLOR = "#f2c94c"
_HIGHLIGHT_ALPHA = 0.35


@dataclass(frozen=True)
class Selection:
    """A selected span: document code-point offsets ``[start, end)`` and its text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Segment:
    """A run of text covered by the same set of highlights (indices into the list)."""

    start: int
    end: int
    highlights: tuple[int, ...]


# --- UTF-16 <-> code points -------------------------------------------------


def _utf16_units(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def utf16_length(text: str) -> int:
    """Length of ``text`` as JavaScript's ``String.length`` counts it."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def codepoint_to_utf16(text: str, index: int) -> int:
    """UTF-16 offset of code-point offset ``index`` in ``text``."""
    if not 0 <= index <= len(text):
        raise ValueError(f"code-point offset {index} outside 0..{len(text)}")
    return utf16_length(text[:index])


def utf16_to_codepoint(text: str, index: int) -> int:
    """Code-point offset of UTF-16 offset ``index`` in ``text``.

    Raises ValueError when ``index`` is out of range or falls between the two
    halves of a surrogate pair: such an offset names no character boundary.
    """
    if index < 0:
        raise ValueError(f"UTF-16 offset {index} is negative")
    units = 0
    for position, char in enumerate(text):
        if units == index:
            return position
        units += _utf16_units(char)
        if units > index:
            raise ValueError(f"UTF-16 offset {index} splits the character at {position}")
    if units == index:
        return len(text)
    raise ValueError(f"UTF-16 offset {index} beyond the text's {units} units")


# --- windows -----------------------------------------------------------------


def turn_windows(turns: int, size: int) -> list[tuple[int, int]]:
    """Consecutive ``[first, stop)`` ranges of at most ``size`` turns covering ``turns``
    (one empty window for a document without turns)."""
    if turns <= 0:
        return [(0, 0)]
    return [(first, min(first + size, turns)) for first in range(0, turns, size)]


# --- segmentation -------------------------------------------------------------


def _clip(start: int, end: int, low: int, high: int) -> tuple[int, int] | None:
    start, end = max(start, low), min(end, high)
    return (start, end) if start < end else None


def split_segments(
    start: int,
    end: int,
    highlights: Sequence[Mapping[str, Any]],
    cuts: Iterable[int] = (),
) -> list[Segment]:
    """Cut ``[start, end)`` at every highlight boundary inside it (and at ``cuts``).

    Each segment lists the highlights covering all of it, in list order (the
    last one is drawn on top), so overlapping codings stay visible.  A sweep
    over the boundaries keeps this linear in segments, not segments x codings.
    """
    if start >= end:
        return []
    opening: dict[int, list[int]] = defaultdict(list)
    closing: dict[int, list[int]] = defaultdict(list)
    for index, highlight in enumerate(highlights):
        if span := _clip(int(highlight["start"]), int(highlight["end"]), start, end):
            opening[span[0]].append(index)
            closing[span[1]].append(index)
    inner_cuts = (cut for cut in cuts if start < cut < end)
    points = sorted({start, end, *opening, *closing, *inner_cuts})
    active: set[int] = set()
    segments = []
    for left, right in zip(points, points[1:]):
        active.difference_update(closing.get(left, ()))
        active.update(opening.get(left, ()))
        segments.append(Segment(left, right, tuple(sorted(active))))
    return segments


def split_blocks(
    start: int, end: int, passages: Sequence[Mapping[str, Any]]
) -> list[tuple[int, int, Mapping[str, Any] | None]]:
    """Cover ``[start, end)`` with passage blocks and the gaps between them.

    Every character lands in exactly one block, so a selection dragged across
    two passages still maps onto contiguous document text.
    """
    clipped = sorted(
        (
            (span[0], span[1], passage)
            for passage in passages
            if (span := _clip(int(passage["start"]), int(passage["end"]), start, end))
        ),
        key=lambda block: block[:2],
    )
    blocks: list[tuple[int, int, Mapping[str, Any] | None]] = []
    cursor = start
    for p_start, p_end, passage in clipped:
        if p_start < cursor:
            raise ValueError(f"passages overlap at offset {p_start}")
        if cursor < p_start:
            blocks.append((cursor, p_start, None))
        blocks.append((p_start, p_end, passage))
        cursor = p_end
    if cursor < end:
        blocks.append((cursor, end, None))
    return blocks


# --- presentation -------------------------------------------------------------


def highlight_rgba(color: object) -> str:
    """Translucent CSS colour for a code colour; anything but #rgb/#rrggbb is replaced.

    Colours come from user data and end up in a style property, so only plain
    hex values get through.
    """
    match = _HEX_COLOR.fullmatch(color.strip()) if isinstance(color, str) else None
    digits = match.group(1) if match else _FALLBACK_COLOR[1:]
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    red, green, blue = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({red}, {green}, {blue}, {_HIGHLIGHT_ALPHA})"


def segment_background(colors: Sequence[object]) -> str:
    """CSS background for a segment: one colour, or one horizontal band per colour.

    Bands keep every overlapping code visible; the topmost (last) highlight
    takes the top band.
    """
    if not colors:
        return ""
    if len(colors) == 1:
        return highlight_rgba(colors[0])
    layers = [highlight_rgba(color) for color in reversed(colors)]
    step = 100 / len(layers)
    stops = ", ".join(
        f"{layer} {index * step:.2f}% {(index + 1) * step:.2f}%"
        for index, layer in enumerate(layers)
    )
    return f"linear-gradient(to bottom, {stops})"


def format_timestamp(value: object) -> str:
    """Timestamps as given when text; seconds as HH:MM:SS."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        total = int(value)
        return f"{total // 3600:02d}:{total // 60 % 60:02d}:{total % 60:02d}"
    return str(value)


def window_id(text: str, base_offset: int) -> str:
    """Fingerprint of the rendered window, echoed back with every selection.

    Component state outlives reruns; a selection made on another window must
    not be read against this one.
    """
    digest = hashlib.sha256(f"{base_offset}\x00{text}".encode("utf-8"))
    return digest.hexdigest()[:16]


def _segment_payload(
    segment_text: str, segment: Segment, u16: int, highlights: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    covering = [highlights[index] for index in segment.highlights]
    return {
        "start": segment.start,
        "u16": u16,
        "text": segment_text,
        "background": segment_background([h.get("color") for h in covering]),
        "title": "\n".join(str(h["label"]) for h in covering if h.get("label")),
        "coding_ids": [str(h["coding_id"]) for h in covering if h.get("coding_id") is not None],
    }


def _block_kind(block_text: str, passage: Mapping[str, Any] | None, between: bool) -> str:
    """"passage", "gap" (shown, unlabelled) or "hidden".

    Text before a passage is the transcript's own speaker/time marker,
    which the passage label already shows; it and any whitespace stay in the
    DOM (a selection across passages must cover them) but are not displayed.
    """
    if passage is not None:
        return "passage"
    return "hidden" if between or block_text.isspace() else "gap"


def _block_payload(
    start: int,
    end: int,
    block_text: str,
    passage: Mapping[str, Any] | None,
    segments: list[dict[str, Any]],
    *,
    between: bool,
) -> dict[str, Any]:
    label = passage or {}
    return {
        "kind": _block_kind(block_text, passage, between),
        "start": start,
        "end": end,
        "index": label.get("index"),
        "speaker": str(label.get("speaker") or ""),
        "timestamp": format_timestamp(label.get("timestamp")),
        "segments": segments,
    }


def build_payload(
    text: str,
    *,
    passages: Sequence[Mapping[str, Any]] = (),
    highlights: Sequence[Mapping[str, Any]] = (),
    base_offset: int = 0,
    max_height: int | None = None,
    aria_label: str = "",
    passage_hint: str = "",
) -> dict[str, Any]:
    """The JSON the browser renders: blocks of segments with offsets in both units."""
    end_offset = base_offset + len(text)
    spans = split_blocks(base_offset, end_offset, passages)
    # One pass over the whole window, cut at block edges too, so every segment
    # falls inside exactly one block.
    segments = iter(
        split_segments(base_offset, end_offset, highlights, cuts=[s for s, _, _ in spans])
    )
    blocks = []
    # Segments arrive in text order and cover the window, so a running total
    # gives each one's UTF-16 offset without rescanning the text.
    u16 = 0
    for position, (start, end, passage) in enumerate(spans):
        block_segments = []
        for segment in segments:
            segment_text = text[segment.start - base_offset : segment.end - base_offset]
            block_segments.append(_segment_payload(segment_text, segment, u16, highlights))
            u16 += utf16_length(segment_text)
            if segment.end == end:
                break
        block_text = text[start - base_offset : end - base_offset]
        # Any gap a passage follows is that passage's speaker/time marker.
        between = position < len(spans) - 1
        blocks.append(
            _block_payload(start, end, block_text, passage, block_segments, between=between)
        )
    return {
        "window": window_id(text, base_offset),
        "blocks": blocks,
        "max_height": max_height,
        "aria_label": aria_label,
        "passage_hint": passage_hint,
    }


# --- results ------------------------------------------------------------------


def validate_selection(
    text: str, start: int, end: int, selected_text: str, *, base_offset: int = 0
) -> Selection | None:
    """The selection if it is a non-empty span of the window whose text matches."""
    local_start, local_end = start - base_offset, end - base_offset
    if not 0 <= local_start < local_end <= len(text):
        return None
    if text[local_start:local_end] != selected_text:
        return None
    return Selection(start, end, selected_text)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_selection(raw: object, text: str, *, base_offset: int = 0) -> Selection | None:
    """Turn the browser's report (UTF-16 offsets into the window) into a Selection."""
    if not isinstance(raw, Mapping) or raw.get("window") != window_id(text, base_offset):
        return None
    start16, end16, selected = raw.get("start16"), raw.get("end16"), raw.get("text")
    if not (_is_int(start16) and _is_int(end16) and isinstance(selected, str)):
        return None
    try:
        start = base_offset + utf16_to_codepoint(text, start16)
        end = base_offset + utf16_to_codepoint(text, end16)
    except ValueError:
        return None
    return validate_selection(text, start, end, selected, base_offset=base_offset)


# --- the component --------------------------------------------------------------

_mount = st.components.v2.component(COMPONENT_NAME, css=_CSS, js=_JS)


def _ignore_change() -> None:
    """Selection changes need no callback; registering one declares the state key."""


def span_selector(
    text: str,
    *,
    key: str,
    passages: Sequence[Mapping[str, Any]] = (),
    highlights: Sequence[Mapping[str, Any]] = (),
    base_offset: int = 0,
    max_height: int | None = None,
    aria_label: str = "",
    passage_hint: str = "",
) -> Selection | None:
    """Render ``text`` for span selection and return the user's current selection.

    ``passages``: dicts with start, end, speaker, timestamp, index, shown as
    separate blocks under a speaker/timestamp label (the label is not text).
    ``highlights``: dicts with start, end, color, label, coding_id.  All offsets
    are document code points; ``text`` starts at ``base_offset``.  Labels shown
    by the component (``aria_label``, ``passage_hint``) come from the caller so
    the interface language stays the caller's choice.

    Dragging selects a span; a click in a passage selects the whole passage.
    Returns None until something valid is selected in this window.
    """
    payload = build_payload(
        text,
        passages=passages,
        highlights=highlights,
        base_offset=base_offset,
        max_height=max_height,
        aria_label=aria_label,
        passage_hint=passage_hint,
    )
    result = _mount(key=key, data=payload, on_selection_change=_ignore_change)
    return parse_selection(result.get(STATE_KEY), text, base_offset=base_offset)
