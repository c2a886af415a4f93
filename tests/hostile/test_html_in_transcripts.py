"""HTML and JavaScript in a transcript are words the interviewee said (or a transcriber typed):
stored as text with offsets unchanged, and never handed to the browser as markup.

The span selector sends text as JSON and its script only ever sets ``textContent`` (the
browser test in tests/ui/test_span_select_browser.py shows a ``<script>`` staying text in
Chromium); pages that build HTML themselves (retrieval) escape it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from codebook.codes import add_code_path
from coding.codings import apply_codes, document_codings
from corpus.documents import import_document
from demo.seed import DEMO_NAME
from hostile.checks import within_deadline
from storage.engine import make_engine, make_sessionmaker
from storage.tables import Project
from ui.span_select import build_payload

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = "<script>window.__bmInjected = true</script>"
IMAGE = '<img src=x onerror="alert(1)">'
TRANSCRIPT = (f"访谈者：您刚来的时候怎么样？\n受访者：{SCRIPT}我们刚来的时候{IMAGE}谁也不认识，"
              "</div><b>心里</b>很难受。&amp; &lt;\n")
ENTRY = """
import streamlit as st
from ui.layout import sidebar

st.set_page_config(page_title="编码 Bianma", layout="wide")
sidebar()
st.navigation([st.Page({page!r}, default=True)]).run()
"""


def test_markup_in_a_transcript_is_stored_as_text(store):
    with store.Session() as session:
        try:
            document = within_deadline(lambda: import_document(
                session, store.project_id, "带标签的访谈.txt", TRANSCRIPT.encode("utf-8")))
            assert document.text == TRANSCRIPT
            said = document.passages[1]
            assert document.text[said.start:said.end].startswith(SCRIPT)
            start = document.text.index(SCRIPT)
            code = add_code_path(session, store.project_id, "测试/标签")
            apply_codes(session, document.id, start, start + len(SCRIPT), [code.id], coder="甲")
            [segment] = document_codings(session, document.id)
            assert segment.text == SCRIPT
        finally:
            session.rollback()


def test_the_span_selector_sends_the_text_verbatim_and_renders_it_as_text():
    payload = build_payload(TRANSCRIPT, passages=[{"start": 4, "end": 14, "speaker": "访谈者",
                                                   "index": 0}])
    shown = "".join(s["text"] for block in payload["blocks"] for s in block["segments"])
    assert shown == TRANSCRIPT  # verbatim: offsets hold, and escaping is the browser's job
    script = (ROOT / "ui" / "span_select.js").read_text(encoding="utf-8")
    code = re.sub(r"//[^\n]*", "", script)  # comments may name what the code never does
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                 "new Function", "setHTMLUnsafe", "srcdoc"):
        assert sink not in code, f"span_select.js uses {sink}"
    assert "textContent = segment.text" in code


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("BIANMA_HOME", str(tmp_path))
    monkeypatch.delenv("BIANMA_DATABASE_URL", raising=False)
    return tmp_path


def test_the_retrieval_page_escapes_transcript_markup(home):
    entry = home / "entry_retrieval.py"
    entry.write_text(ENTRY.format(page=str(ROOT / "ui" / "retrieval.py")), encoding="utf-8")
    at = AppTest.from_file(str(entry), default_timeout=60)
    at.run()  # creates the store with the demo project
    assert not at.exception, at.exception
    engine = make_engine(f"sqlite:///{home / 'bianma.sqlite3'}")
    with make_sessionmaker(engine).begin() as session:
        project = session.scalar(select(Project).where(Project.name == DEMO_NAME))
        document = import_document(session, project.id, "带标签的访谈.txt", TRANSCRIPT.encode("utf-8"))
        code = add_code_path(session, project.id, "测试/标签")
        start = TRANSCRIPT.index(SCRIPT)
        apply_codes(session, document.id, start, TRANSCRIPT.index("谁也"), [code.id], coder="甲")
        code_id = code.id
    engine.dispose()
    at.run()
    at.selectbox(key="retrieval_code").set_value(code_id).run()
    assert not at.exception, at.exception
    page = "".join(element.value for element in at.get("html"))
    assert "&lt;script&gt;window.__bmInjected = true&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    assert "<script>" not in page and "<img" not in page and "<b>" not in page
