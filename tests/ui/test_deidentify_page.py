"""The de-identification page through AppTest: scan, review (untick, rename), apply, refusals,
escaped examples, and the key export."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from corpus.documents import import_document
from demo.seed import seed_demo
from storage.migrate import upgrade
from storage.tables import Document, Event, PseudonymKey

PAGE = str(Path(__file__).resolve().parents[2] / "ui" / "deidentify.py")
TIMEOUT = 60
HOSTILE = ("访谈者：您住哪里？\n"
           "<b>张桂兰</b>：我住大湾村，<script>alert(1)</script>邻居是**赵秀芝**。\n"
           "访谈者：谢谢。\n"
           "<b>张桂兰</b>：不客气。\n")


@pytest.fixture
def project_id(store):
    """The app's SQLite file with the demo project and one transcript full of markup."""
    upgrade(store.kw["bind"])
    with store.begin() as s:
        project = seed_demo(s)
        import_document(s, project.id, "标记.txt", HOSTILE.encode("utf-8"))
        return project.id


def open_page(project_id: int) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.session_state["sidebar_project"] = project_id
    at.run()
    assert not at.exception, at.exception
    return at


def scanned(project_id: int) -> AppTest:
    at = open_page(project_id)
    at.button(key="deidentify_scan").click().run()
    assert not at.exception, at.exception
    return at


def test_scan_lists_findings_by_kind_with_escaped_examples(home, project_id):
    at = open_page(project_id)
    assert at.info[0].value == "点击“查找标识信息”开始。"
    at.button(key="deidentify_scan").click().run()
    [editor] = at.data_editor
    table = editor.value
    assert editor.editing_mode == "fixed"
    assert {"王大伯", "张桂兰", "赵秀芝", "大湾村"} <= set(table["original"])
    assert table["accept"].all()
    assert table.loc[table["original"] == "张桂兰", "pseudonym"].item() == "张某"
    assert table.loc[table["original"] == "大湾村", "kind"].item() == "地名"
    # Grouped by kind: people first, then places.
    kinds = list(table["kind"])
    assert kinds == sorted(kinds, key=["人名", "地名", "工作单位", "电话号码", "身份证号", "其他"].index)
    assert any(m.value.startswith("**人名：") for m in at.markdown)
    # User text is never markdown: the markup of the transcript shows as plain text.
    assert not any("<script>" in m.value or "张桂兰" in m.value for m in at.markdown)
    examples = [t.value for t in at.text]
    assert len(examples) == 2 and all("【" in e for e in examples)  # one per kind found
    place = table.loc[table["original"] == "大湾村", "example"].item()
    assert "<b>张桂兰</b>：我住【大湾村】，<script>" in place  # kept as text, not run


def test_apply_the_ticked_rows_with_an_edited_pseudonym(home, store, project_id):
    at = scanned(project_id)
    table = at.data_editor[0].value
    originals = list(table["original"])
    at.session_state["deidentify_editor"] = {
        "edited_rows": {originals.index("赵秀芝"): {"accept": False},
                        originals.index("张桂兰"): {"pseudonym": "甲某"}},
        "added_rows": [], "deleted_rows": []}
    at.button(key="deidentify_apply").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value.startswith("已替换")
    with store() as s:
        text = s.scalar(select(Document.text).where(Document.name == "标记"))
        key = dict(s.execute(select(PseudonymKey.original, PseudonymKey.pseudonym)).all())
    assert text == HOSTILE.replace("张桂兰", "甲某").replace("大湾村", "村A")
    assert key["张桂兰"] == "甲某" and "赵秀芝" not in key and "王大伯" in key
    # The findings are gone from the page once applied.
    assert at.info[0].value == "点击“查找标识信息”开始。"


def test_a_refused_apply_shows_the_error_and_changes_nothing(home, store, project_id):
    at = scanned(project_id)
    originals = list(at.data_editor[0].value["original"])
    with store() as s:
        before = [d.text for d in s.scalars(select(Document).order_by(Document.id))]
    at.session_state["deidentify_editor"] = {
        "edited_rows": {originals.index("赵秀芝"): {"pseudonym": "甲某"},
                        originals.index("张桂兰"): {"pseudonym": "甲某"}},
        "added_rows": [], "deleted_rows": []}
    at.button(key="deidentify_apply").click().run()
    assert at.error[0].value.startswith("[E504]")
    with store() as s:
        assert [d.text for d in s.scalars(select(Document).order_by(Document.id))] == before
        assert s.scalar(select(PseudonymKey.id)) is None
    # The review stays for the researcher to fix.
    assert len(at.data_editor) == 1


def test_the_owner_exports_the_key(home, store, project_id):
    at = scanned(project_id)
    at.button(key="deidentify_apply").click().run()
    assert not at.download_button
    at.button(key="deidentify_key_prepare").click().run()
    assert not at.exception, at.exception
    assert at.download_button(key="deidentify_key_download").proto.label == "下载对照表（CSV）"
    with store() as s:
        assert s.scalar(select(Event.payload).where(Event.entity == "pseudonym_key"))["entries"] >= 4
