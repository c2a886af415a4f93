"""A page with nothing but the span selector, for the browser test.

Run from the repository root: ``streamlit run tests/ui/span_harness_app.py``.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

# `streamlit run` puts only this file's folder on sys.path; the app imports
# from the repository root.
REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import streamlit as st  # noqa: E402

from ui.span_select import span_selector  # noqa: E402

# The window starts at a non-zero document offset so that base_offset is
# exercised; 𠀋 and 😀 come before the text the browser test selects.
BASE_OFFSET = 100
FIRST = "您好，请先介绍一下您来北京之前的情况。"
SECOND = (
    "我叫𠀋😀小明，2015年来到北京打工。"
    "<script>window.__bmInjected = true</script>"
    "后来在社区做志愿者。"
)
# The speaker marker between the turns is document text outside both passages.
MARKER = "\n受访者："
TEXT = f"{FIRST}{MARKER}{SECOND}"
SECOND_START = BASE_OFFSET + len(FIRST) + len(MARKER)

PASSAGES = [
    {
        "start": BASE_OFFSET,
        "end": BASE_OFFSET + len(FIRST),
        "speaker": "访谈者",
        "timestamp": "00:00:05",
        "index": 0,
    },
    {
        "start": SECOND_START,
        "end": SECOND_START + len(SECOND),
        "speaker": "受访者",
        "timestamp": 12,
        "index": 1,
    },
]


def _span(needle: str, color: str, label: str, coding_id: int) -> dict[str, object]:
    start = BASE_OFFSET + TEXT.index(needle)
    return {
        "start": start,
        "end": start + len(needle),
        "color": color,
        "label": label,
        "coding_id": coding_id,
    }


# Two overlapping codings ("小明" is under both) and one inside the first passage.
HIGHLIGHTS = [
    _span("我叫𠀋😀小明", "#4c9be8", "个人背景", 1),
    _span("小明，2015年来到北京", "#e8744c", "流动经历", 2),
    _span("来北京之前", "#59c26a", "迁移前状况", 3),
]

st.title("片段选择测试")
selection = span_selector(
    TEXT,
    key="harness_span",
    passages=PASSAGES,
    highlights=HIGHLIGHTS,
    base_offset=BASE_OFFSET,
    aria_label="访谈转录稿",
    passage_hint="点击选择整个话轮",
)
st.caption("选择结果")
st.code(
    json.dumps(asdict(selection) if selection else None, ensure_ascii=False),
    language="json",
)
