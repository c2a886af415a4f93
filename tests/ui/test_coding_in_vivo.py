"""In vivo coding from the coding page: the chosen words become a concept coded at once."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from storage.tables import Code, Coding, Document, Passage

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def test_in_vivo_creates_a_concept_under_the_chosen_category_and_codes_the_turn(home, store):
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page("ui/coding.py")
    at.run()
    with store() as s:
        document = s.scalar(select(Document).order_by(Document.id))
        passage = s.scalar(select(Passage).where(Passage.document_id == document.id,
                                                 Passage.index == 2))
        parent = s.scalar(select(Code).where(Code.name == "融入困境"))
        text = document.text[passage.start:passage.end]
        codes_before = s.scalar(select(func.count(Code.id)))
    at.selectbox(key="coding_document").set_value(document.id).run()
    at.selectbox(key=f"coding_passage_{document.id}_0").set_value(2).run()
    at.selectbox(key="coding_in_vivo_parent").set_value(parent.id).run()
    at.button(key="coding_in_vivo").click().run()
    assert not at.exception, at.exception
    with store() as s:
        assert s.scalar(select(func.count(Code.id))) == codes_before + 1
        code = s.scalar(select(Code).order_by(Code.id.desc()))
        assert code.parent_id == parent.id and code.is_codable
        assert text.startswith(code.name.rstrip("…").strip())
        coding = s.scalar(select(Coding).where(Coding.code_id == code.id))
        assert (coding.start, coding.end) == (passage.start, passage.end)
    assert any(code.name in m.value for m in at.success)
