"""The coding page's suggestion panel through AppTest: accept and reject change the store."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from storage.tables import Coding, Document, Passage, SuggestionDecision

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _coding_page_on_a_turn(store) -> tuple[AppTest, Passage]:
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page("ui/coding.py")
    at.run()
    with store() as s:
        document = s.scalar(select(Document).order_by(Document.id))
        passage = s.scalar(select(Passage).where(Passage.document_id == document.id,
                                                 Passage.index == 3))
        s.expunge(passage)
    at.selectbox(key="coding_document").set_value(document.id).run()
    at.selectbox(key=f"coding_passage_{document.id}_0").set_value(passage.index).run()
    assert not at.exception, at.exception
    return at, passage


def _suggestion_buttons(at: AppTest, passage_id: int, action: str) -> list:
    prefix = f"coding_suggestion_{passage_id}_"
    return [b for b in at.button if b.key and b.key.startswith(prefix) and b.key.endswith(action)]


def test_accepting_a_suggestion_codes_the_turn_with_its_provenance(home, store):
    at, passage = _coding_page_on_a_turn(store)
    assert any("编码建议" in m.value for m in at.markdown)
    accepts = _suggestion_buttons(at, passage.id, "_accept")
    assert accepts, "the demo codebook gives cold-start suggestions for every turn"
    code_id = int(accepts[0].key.split("_")[3])
    accepts[0].click().run()
    assert not at.exception, at.exception
    with store() as s:
        coding = s.scalar(select(Coding).where(Coding.code_id == code_id,
                                               Coding.start == passage.start,
                                               Coding.end == passage.end))
        assert coding is not None and coding.provenance == "suggested"
        decision = s.scalar(select(SuggestionDecision).where(
            SuggestionDecision.passage_id == passage.id, SuggestionDecision.code_id == code_id))
        assert decision.decision == "accepted"
    # An applied code is not suggested again for that turn.
    assert all(int(b.key.split("_")[3]) != code_id
               for b in _suggestion_buttons(at, passage.id, "_accept"))
    assert any(a.value.startswith("已采纳建议") for a in at.success)


def test_rejecting_a_suggestion_is_remembered_and_codes_nothing(home, store):
    at, passage = _coding_page_on_a_turn(store)
    rejects = _suggestion_buttons(at, passage.id, "_reject")
    code_id = int(rejects[0].key.split("_")[3])
    with store() as s:
        before = s.scalars(select(Coding.id).order_by(Coding.id)).all()
    rejects[0].click().run()
    assert not at.exception, at.exception
    with store() as s:
        assert s.scalars(select(Coding.id).order_by(Coding.id)).all() == before
        decision = s.scalar(select(SuggestionDecision).where(
            SuggestionDecision.passage_id == passage.id, SuggestionDecision.code_id == code_id))
        assert decision.decision == "rejected"
    assert all(int(b.key.split("_")[3]) != code_id
               for b in _suggestion_buttons(at, passage.id, "_reject"))
