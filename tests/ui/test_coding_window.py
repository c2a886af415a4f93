"""Long transcripts on the coding page: a window of turns at a time, offsets still the document's."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from corpus.documents import import_document
from storage.tables import Code, Coding, Passage, Project
from ui.span_select import turn_windows

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def test_turn_windows_cover_every_turn_once():
    assert turn_windows(0, 40) == [(0, 0)]
    assert turn_windows(40, 40) == [(0, 40)]
    assert turn_windows(95, 40) == [(0, 40), (40, 80), (80, 95)]


def test_a_turn_in_the_third_window_is_coded_at_its_document_offsets(home, store):
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    lines = []
    for i in range(1, 51):
        lines.append(f"访谈者：第{i}个问题，𠀋您怎么看？")
        lines.append(f"受访者：第{i}个回答，搬迁以后邻居都散了。")
    with store.begin() as s:
        project_id = s.scalar(select(Project.id))
        document = import_document(s, project_id, "长访谈.txt", "\n".join(lines).encode("utf-8"))
        document_id = document.id
        passage = s.scalar(select(Passage).where(Passage.document_id == document_id,
                                                 Passage.index == 85))
        start, end = passage.start, passage.end
        code_id = s.scalar(select(Code.id).where(Code.name == "社会网络萎缩"))
    at.switch_page("ui/coding.py")
    at.run()
    at.selectbox(key="coding_document").set_value(document_id).run()
    window = at.selectbox(key=f"coding_window_{document_id}")
    assert window.options == ["第 1–40 个话轮", "第 41–80 个话轮", "第 81–100 个话轮"]
    window.set_value(2).run()
    turns = at.selectbox(key=f"coding_passage_{document_id}_2")
    assert len(turns.options) == 1 + 20
    turns.set_value(85).run()
    at.multiselect(key="coding_codes").set_value([code_id]).run()
    at.button(key="coding_apply").click().run()
    assert not at.exception, at.exception
    with store() as s:
        coding = s.scalar(select(Coding).where(Coding.document_id == document_id))
        assert (coding.start, coding.end, coding.code_id) == (start, end, code_id)
