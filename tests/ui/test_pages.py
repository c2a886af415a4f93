"""Each page of the app through Streamlit's AppTest, on a fresh SQLite file with the demo."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from storage.tables import (
    AttributeDefinition, AttributeValue, Case, Code, Coding, Document, Memo, Passage, Project,
)

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT = 60


def open_page(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, at.exception
    return at


def test_first_start_creates_the_demo_project_in_chinese(home, store):
    at = open_page()
    assert at.title[0].value == "项目"
    with store() as s:
        assert s.scalar(select(Project.name)) == "示例项目：非自愿移民的社区融合"
        assert s.scalar(select(func.count(Document.id))) == 4
        assert s.scalar(select(func.count(Coding.id))) >= 10


def test_language_switch_to_english(home):
    at = open_page()
    at.sidebar.selectbox(key="lang").set_value("en").run()
    assert at.title[0].value == "Projects"


def test_create_project_and_refuse_a_duplicate(home, store):
    at = open_page()
    at.text_input(key="projects_name").input("移民访谈二期")
    at.button[0].click().run()
    assert not at.exception
    with store() as s:
        created = s.scalar(select(Project).where(Project.name == "移民访谈二期"))
    assert at.session_state["sidebar_project"] == created.id
    at.text_input(key="projects_name").input("移民访谈二期")
    at.button[0].click().run()
    assert "[E002]" in at.error[0].value


def test_documents_page_lists_documents_and_switches_kind(home, store):
    at = open_page("ui/documents.py")
    with store() as s:
        notes = s.scalar(select(Document).where(Document.kind == "notes"))
        before = s.scalar(select(func.count(Passage.id)).where(Passage.document_id == notes.id))
    at.selectbox(key="documents_open").set_value(notes.id).run()
    at.radio(key=f"documents_kind_{notes.id}").set_value("interview").run()
    assert not at.exception
    with store() as s:
        assert s.get(Document, notes.id).kind == "interview"
        assert s.scalar(select(func.count(Passage.id)).where(Passage.document_id == notes.id)) >= 1
    assert before >= 3


def test_cases_page_adds_attribute_case_and_values(home, store):
    at = open_page("ui/cases.py")
    at.text_input(key="cases_attribute_name").input("低保户")
    at.selectbox(key="cases_attribute_type").set_value("boolean")
    at.button[0].click().run()
    at.text_input(key="cases_name").input("赵奶奶")
    at.button[1].click().run()
    with store() as s:
        case = s.scalar(select(Case).where(Case.name == "赵奶奶"))
        attribute = s.scalar(select(AttributeDefinition).where(AttributeDefinition.name == "低保户"))
    at.selectbox(key="cases_choose").set_value(case.id).run()
    at.text_input(key=f"cases_value_{case.id}_低保户").input("是")
    at.text_input(key=f"cases_value_{case.id}_年龄").input("七十")
    next(b for b in at.button if b.label == "保存属性值").click().run()
    assert "[E011]" in at.error[0].value
    with store() as s:
        assert s.get(AttributeValue, (case.id, attribute.id)) is None
    at.text_input(key=f"cases_value_{case.id}_年龄").input("71")
    next(b for b in at.button if b.label == "保存属性值").click().run()
    with store() as s:
        assert s.get(AttributeValue, (case.id, attribute.id)).value == "true"


def test_coding_page_codes_a_whole_turn_then_removes_it(home, store):
    at = open_page("ui/coding.py")
    with store() as s:
        document = s.scalar(select(Document).order_by(Document.id))
        passage = s.scalar(select(Passage).where(Passage.document_id == document.id, Passage.index == 2))
        code = s.scalar(select(Code).where(Code.name == "文化冲击"))
        count = s.scalar(select(func.count(Coding.id)))
    at.selectbox(key="coding_document").set_value(document.id).run()
    at.selectbox(key=f"coding_passage_{document.id}_0").set_value(2).run()
    at.multiselect(key="coding_codes").set_value([code.id]).run()
    at.button(key="coding_apply").click().run()
    assert not at.exception
    with store() as s:
        coding = s.scalar(select(Coding).where(Coding.code_id == code.id, Coding.document_id == document.id,
                                               Coding.start == passage.start))
        assert coding is not None and coding.end == passage.end
        assert s.scalar(select(func.count(Coding.id))) == count + 1
    at.selectbox(key="coding_choose").set_value(coding.id).run()
    at.text_area(key=f"coding_memo_{coding.id}").input("风俗冲突")
    at.button(key="coding_save_memo").click().run()
    with store() as s:
        assert s.scalar(select(Memo.text).where(Memo.coding_id == coding.id)) == "风俗冲突"
    at.selectbox(key="coding_choose").set_value(coding.id).run()
    at.button(key="coding_remove").click().run()
    with store() as s:
        assert s.get(Coding, coding.id) is None
