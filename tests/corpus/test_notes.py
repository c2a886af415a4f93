"""Field and observation notes: passages are paragraphs and nobody speaks."""

import pytest

from corpus.importing import parse_document


def passages(text: str) -> list[str]:
    doc = parse_document("观察笔记.txt", text.encode("utf-8"), kind="notes")
    assert all(p.speaker is None and p.timestamp is None for p in doc.passages)
    assert doc.kind == "notes"
    return [doc.text[p.start : p.end] for p in doc.passages]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "上午九点到达社区活动室。\n几位老人已经在下棋。\n\n十点，社工开始组织手工活动。",
            ["上午九点到达社区活动室。\n几位老人已经在下棋。", "十点，社工开始组织手工活动。"],
            id="blank lines split paragraphs",
        ),
        pytest.param(
            "上午九点到达社区活动室。\n几位老人已经在下棋。\n十点，社工开始组织手工活动。",
            ["上午九点到达社区活动室。", "几位老人已经在下棋。", "十点，社工开始组织手工活动。"],
            id="no blank lines: every line is a paragraph",
        ),
        pytest.param(
            "　　第一段，开头缩进两格。\n　　\n　　第二段。\n\n\n\n第三段。",
            ["第一段，开头缩进两格。", "第二段。", "第三段。"],
            id="whitespace-only lines are blank",
        ),
        pytest.param(
            "访谈者：你好。\n受访者：你好。",
            ["访谈者：你好。", "受访者：你好。"],
            id="labels are not parsed in notes",
        ),
        pytest.param(
            "\n\n  只有一段。  \n\n",
            ["只有一段。"],
            id="surrounding blank lines",
        ),
    ],
)
def test_paragraphs(text, expected):
    assert passages(text) == expected
