"""Pure helpers of the span selector: offsets, segments, payload, validation."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st_
from streamlit.testing.v1 import AppTest

from ui.span_select import (
    Segment,
    Selection,
    build_payload,
    codepoint_to_utf16,
    format_timestamp,
    highlight_rgba,
    parse_selection,
    segment_background,
    split_blocks,
    split_segments,
    utf16_length,
    utf16_to_codepoint,
    validate_selection,
    window_id,
)

HARNESS = Path(__file__).with_name("span_harness_app.py")

# 𠀋 (U+2000B, CJK Extension B) and 😀 (U+1F600) are two UTF-16 units each.
ASTRAL_TEXT = "我叫𠀋😀小明，来到北京"


# --- UTF-16 <-> code points -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "units"),
    [("", 0), ("北京", 2), ("𠀋", 2), ("😀", 2), (ASTRAL_TEXT, 13), ("a\n", 2)],
)
def test_utf16_length_counts_astral_characters_twice(text: str, units: int) -> None:
    assert utf16_length(text) == units


@pytest.mark.parametrize(
    ("codepoint", "utf16"),
    [(0, 0), (2, 2), (3, 4), (4, 6), (5, 7), (len(ASTRAL_TEXT), 13)],
)
def test_offsets_after_astral_characters_differ_by_their_extra_units(
    codepoint: int, utf16: int
) -> None:
    assert codepoint_to_utf16(ASTRAL_TEXT, codepoint) == utf16
    assert utf16_to_codepoint(ASTRAL_TEXT, utf16) == codepoint


@pytest.mark.parametrize("inside_pair", [3, 5])
def test_utf16_offset_inside_a_surrogate_pair_is_rejected(inside_pair: int) -> None:
    with pytest.raises(ValueError, match="splits the character"):
        utf16_to_codepoint(ASTRAL_TEXT, inside_pair)


@pytest.mark.parametrize("index", [-1, 14])
def test_utf16_offset_outside_the_text_is_rejected(index: int) -> None:
    with pytest.raises(ValueError):
        utf16_to_codepoint(ASTRAL_TEXT, index)


def test_codepoint_offset_outside_the_text_is_rejected() -> None:
    with pytest.raises(ValueError, match="outside 0..11"):
        codepoint_to_utf16(ASTRAL_TEXT, 12)


@given(st_.text(alphabet=st_.sampled_from("访谈者a\n𠀋😀𝄞")))
def test_offset_conversion_round_trips_at_every_boundary(text: str) -> None:
    for index in range(len(text) + 1):
        assert utf16_to_codepoint(text, codepoint_to_utf16(text, index)) == index
    assert codepoint_to_utf16(text, len(text)) == len(text.encode("utf-16-le")) // 2


# --- segments and blocks ------------------------------------------------------


def _h(start: int, end: int) -> dict[str, object]:
    return {"start": start, "end": end, "color": "#123456", "label": f"{start}-{end}"}


def test_overlapping_highlights_split_at_every_boundary() -> None:
    assert split_segments(0, 10, [_h(2, 6), _h(4, 8)]) == [
        Segment(0, 2, ()),
        Segment(2, 4, (0,)),
        Segment(4, 6, (0, 1)),
        Segment(6, 8, (1,)),
        Segment(8, 10, ()),
    ]


def test_nested_and_identical_highlights_cover_the_same_segment() -> None:
    assert split_segments(0, 6, [_h(0, 6), _h(2, 4), _h(2, 4)]) == [
        Segment(0, 2, (0,)),
        Segment(2, 4, (0, 1, 2)),
        Segment(4, 6, (0,)),
    ]


def test_highlights_are_clipped_to_the_range_and_outside_ones_dropped() -> None:
    assert split_segments(10, 20, [_h(5, 12), _h(18, 30), _h(0, 10), _h(20, 25)]) == [
        Segment(10, 12, (0,)),
        Segment(12, 18, ()),
        Segment(18, 20, (1,)),
    ]


def test_extra_cuts_split_segments_without_changing_their_highlights() -> None:
    assert split_segments(0, 6, [_h(1, 5)], cuts=[0, 3, 9]) == [
        Segment(0, 1, ()),
        Segment(1, 3, (0,)),
        Segment(3, 5, (0,)),
        Segment(5, 6, ()),
    ]


def test_empty_range_has_no_segments() -> None:
    assert split_segments(5, 5, [_h(0, 10)]) == []


def test_blocks_cover_the_window_including_gaps_between_passages() -> None:
    first = {"start": 2, "end": 5}
    second = {"start": 6, "end": 12}
    assert split_blocks(0, 10, [second, first]) == [
        (0, 2, None),
        (2, 5, first),
        (5, 6, None),
        (6, 10, second),
    ]


@pytest.mark.parametrize(
    ("passages", "offset"),
    [
        ([{"start": 0, "end": 5}, {"start": 3, "end": 8}], 3),
        ([{"start": 2, "end": 4, "index": 0}, {"start": 2, "end": 4, "index": 1}], 2),
    ],
)
def test_overlapping_passages_are_refused(passages: list[dict], offset: int) -> None:
    with pytest.raises(ValueError, match=f"passages overlap at offset {offset}"):
        split_blocks(0, 10, passages)


# --- presentation ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("color", "css"),
    [
        ("#4c9be8", "rgba(76, 155, 232, 0.35)"),
        ("#ABC", "rgba(170, 187, 204, 0.35)"),
        (" #000000 ", "rgba(0, 0, 0, 0.35)"),
        # anything else would reach a style property: replaced by the fallback
        ("red", "rgba(242, 201, 76, 0.35)"),
        ("#fff; background: url(//x)", "rgba(242, 201, 76, 0.35)"),
        (None, "rgba(242, 201, 76, 0.35)"),
    ],
)
def test_highlight_colours_accept_only_hex(color: object, css: str) -> None:
    assert highlight_rgba(color) == css


def test_overlap_background_gives_each_code_a_band_topmost_first() -> None:
    assert segment_background([]) == ""
    assert segment_background(["#000"]) == "rgba(0, 0, 0, 0.35)"
    assert segment_background(["#000", "#fff"]) == (
        "linear-gradient(to bottom, rgba(255, 255, 255, 0.35) 0.00% 50.00%, "
        "rgba(0, 0, 0, 0.35) 50.00% 100.00%)"
    )


@pytest.mark.parametrize(
    ("value", "shown"), [(None, ""), (5, "00:00:05"), (3725.9, "01:02:05"), ("[12:30]", "[12:30]")]
)
def test_timestamps_are_shown_as_given_or_as_clock_time(value: object, shown: str) -> None:
    assert format_timestamp(value) == shown


# --- payload -------------------------------------------------------------------------

WINDOW = "访谈者问。\n我叫𠀋😀小明。<script>alert(1)</script>"
BASE = 50
PASSAGES = [
    {"start": 50, "end": 55, "speaker": "访谈者", "timestamp": 3, "index": 0},
    {"start": 56, "end": 50 + len(WINDOW), "speaker": "受访者", "timestamp": None, "index": 1},
]
HIGHLIGHTS = [
    {"start": 56, "end": 60, "color": "#4c9be8", "label": "个人背景", "coding_id": 7},
    {"start": 58, "end": 62, "color": "#e8744c", "label": "流动经历", "coding_id": 8},
]


def _payload() -> dict:
    return build_payload(WINDOW, passages=PASSAGES, highlights=HIGHLIGHTS, base_offset=BASE)


def test_payload_segments_cover_the_window_in_order_with_both_offsets() -> None:
    segments = [s for block in _payload()["blocks"] for s in block["segments"]]
    assert "".join(s["text"] for s in segments) == WINDOW
    for segment in segments:
        local = segment["start"] - BASE
        assert WINDOW[local : local + len(segment["text"])] == segment["text"]
        assert segment["u16"] == codepoint_to_utf16(WINDOW, local)


def test_payload_blocks_carry_passage_labels_and_hide_whitespace_gaps() -> None:
    blocks = _payload()["blocks"]
    assert [(b["kind"], b["start"], b["end"]) for b in blocks] == [
        ("passage", 50, 55),
        ("hidden", 55, 56),
        ("passage", 56, 50 + len(WINDOW)),
    ]
    first_label = (blocks[0]["speaker"], blocks[0]["timestamp"], blocks[0]["index"])
    assert first_label == ("访谈者", "00:00:03", 0)
    assert (blocks[2]["speaker"], blocks[2]["timestamp"]) == ("受访者", "")


def test_markers_before_passages_are_hidden_and_trailing_text_shown() -> None:
    # The importer puts every line of content into a passage, so whatever precedes a
    # passage is its speaker/time marker, already shown in the passage's label.
    text = "访谈记录\n访谈者：你好。\n受访者：好。\n（完）"
    passages = [
        {"start": text.index("你好"), "end": text.index("你好") + 3},
        {"start": text.index("好。\n（"), "end": text.index("好。\n（") + 2},
    ]
    blocks = build_payload(text, passages=passages)["blocks"]
    assert [(b["kind"], b["segments"][0]["text"]) for b in blocks] == [
        ("hidden", "访谈记录\n访谈者："),
        ("passage", "你好。"),
        ("hidden", "\n受访者："),
        ("passage", "好。"),
        ("gap", "\n（完）"),
    ]


def test_payload_overlap_segment_lists_every_code_label() -> None:
    overlap = next(
        s for b in _payload()["blocks"] for s in b["segments"] if s["coding_ids"] == ["7", "8"]
    )
    assert overlap["text"] == "𠀋😀"
    assert overlap["title"] == "个人背景\n流动经历"
    assert overlap["background"].startswith("linear-gradient")


def test_interface_labels_come_from_the_caller() -> None:
    payload = build_payload("文本", aria_label="访谈转录稿", passage_hint="点击选择整个话轮")
    assert (payload["aria_label"], payload["passage_hint"]) == ("访谈转录稿", "点击选择整个话轮")
    assert [b["kind"] for b in payload["blocks"]] == ["gap"]


# --- validation of what the browser returns -----------------------------------------------


def test_valid_selection_is_returned_in_document_offsets() -> None:
    selection = validate_selection(WINDOW, 60, 62, "小明", base_offset=BASE)
    assert selection == Selection(60, 62, "小明")


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        (60, 60, ""),  # empty
        (62, 60, "小明"),  # reversed
        (49, 51, "?访"),  # before the window
        (BASE + len(WINDOW), BASE + len(WINDOW) + 1, "x"),  # after it
        (60, 62, "北京"),  # text disagrees with the offsets
        (62, 64, "小明"),  # UTF-16 offsets taken for code points
    ],
)
def test_invalid_selection_is_refused(start: int, end: int, text: str) -> None:
    assert validate_selection(WINDOW, start, end, text, base_offset=BASE) is None


def _report(start16: object, end16: object, text: object, window: str | None = None) -> dict:
    return {
        "window": window_id(WINDOW, BASE) if window is None else window,
        "start16": start16,
        "end16": end16,
        "text": text,
    }


def test_browser_report_after_astral_characters_becomes_code_points() -> None:
    # 小明 starts at code point 10 of the window and UTF-16 unit 12.
    name = parse_selection(_report(12, 14, "小明"), WINDOW, base_offset=BASE)
    assert name == Selection(60, 62, "小明")
    astral = parse_selection(_report(8, 12, "𠀋😀"), WINDOW, base_offset=BASE)
    assert astral == Selection(58, 60, "𠀋😀")


@pytest.mark.parametrize(
    "report",
    [
        None,
        "小明",
        _report(12, 14, "小明", window="another-window"),
        _report(9, 12, "\udc0b😀"),  # starts inside 𠀋's surrogate pair
        _report(True, 14, "小明"),
        _report(12.0, 14, "小明"),
        _report(12, 14, None),
        {"start16": 12, "end16": 14, "text": "小明"},
    ],
)
def test_malformed_or_stale_reports_give_none(report: object) -> None:
    assert parse_selection(report, WINDOW, base_offset=BASE) is None


# --- in a Streamlit run -----------------------------------------------------------------------


def test_harness_page_runs_and_shows_no_selection_before_any_interaction() -> None:
    app = AppTest.from_file(str(HARNESS), default_timeout=30).run()
    assert not app.exception
    assert [code.value for code in app.code] == ["null"]
