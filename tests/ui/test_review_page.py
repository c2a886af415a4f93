"""Review mode through AppTest: accept, reject and next change the store and the counts."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from single_page import open_page as open_single_page

from coding.suggester_training import train_suggester
from coding.suggestions import ORDERS, review_queue
from demo.seed import DEMO_NAME
from storage.audit import DEFAULT_CODER
from storage.tables import Coding, Passage, Project, SuggestionDecision
from suggester_project import add_interviews

TIMEOUT = 120


def open_page(home: Path, page: str) -> AppTest:
    return open_single_page(home, page, timeout=TIMEOUT)


def decision_buttons(at: AppTest, kind: str) -> list:
    return [b for b in at.button if (b.key or "").startswith("review_") and b.key.endswith(f"_{kind}")]


def counts(at: AppTest) -> dict[str, int]:
    return {m.label: int(m.value) for m in at.metric}


def shown_passage(at: AppTest) -> int:
    # keys are review_<passage>_<code>_<accept|reject>
    return int(decision_buttons(at, "accept")[0].key.split("_")[1])


def test_accept_reject_and_next_with_a_trained_model(home, store):
    at = open_page(home, "ui/review.py")
    # before any model: suggestions from the codebook, with match strengths
    assert any("建议来自编码本" in c.value for c in at.caption)
    with store.begin() as s:
        project_id = s.scalar(select(Project.id).where(Project.name == DEMO_NAME))
        add_interviews(s, project_id)
    with store.begin() as s:
        model_id = train_suggester(s, project_id).model_id
    at.run()
    assert any(c.value == "建议来自编码建议 v1。" for c in at.caption)
    before = counts(at)
    assert before["已采纳"] == before["已拒绝"] == before["已跳过"] == 0

    passage_id = shown_passage(at)
    accept = decision_buttons(at, "accept")[0]
    code_id = int(accept.key.split("_")[2])
    accept.click().run()
    assert not at.exception, at.exception
    assert at.success[0].value.startswith("已采纳")
    with store() as s:
        coding = s.scalar(select(Coding).where(Coding.provenance == "suggested"))
        passage = s.get(Passage, passage_id)
        assert (coding.code_id, coding.start, coding.end, coding.model_id) == (
            code_id, passage.start, passage.end, model_id)
        decision = s.scalar(select(SuggestionDecision))
        assert (decision.passage_id, decision.decision) == (passage_id, "accepted")
    after = counts(at)
    assert after["已采纳"] == 1 and after["待审阅"] == before["待审阅"] - 1
    assert shown_passage(at) != passage_id

    rejected_passage = shown_passage(at)
    reject = decision_buttons(at, "reject")[0]
    rejected_code = int(reject.key.split("_")[2])
    reject.click().run()
    with store() as s:
        rows = s.execute(select(SuggestionDecision.passage_id, SuggestionDecision.code_id,
                                SuggestionDecision.decision).where(SuggestionDecision.decision == "rejected")).all()
    assert rows == [(rejected_passage, rejected_code, "rejected")]
    assert counts(at)["已拒绝"] == 1
    # the rejected code is no longer offered for that passage
    assert all(int(b.key.split("_")[2]) != rejected_code
               for b in decision_buttons(at, "accept") if shown_passage(at) == rejected_passage)

    current = shown_passage(at)
    at.button(key="review_next").click().run()
    assert counts(at)["已跳过"] == 1 and shown_passage(at) != current


def test_the_page_follows_the_chosen_order(home, store):
    at = open_page(home, "ui/review.py")
    with store() as s:
        project_id = s.scalar(select(Project.id).where(Project.name == DEMO_NAME))
        expected = {order: review_queue(s, project_id, order=order, limit=1, coder=DEFAULT_CODER)
                    .items[0].passage.passage_id for order in ORDERS}
    assert expected["uncertainty"] != expected["confidence"]
    assert shown_passage(at) == expected["uncertainty"]
    at.radio(key="review_order").set_value("confidence").run()
    assert not at.exception, at.exception
    assert shown_passage(at) == expected["confidence"]
