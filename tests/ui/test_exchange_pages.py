"""The retrieval and import/export pages through Streamlit's AppTest, on a fresh SQLite file
with the demo project. The pages run under a router like app.py's (sidebar and navigation)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from codebook.codes import find_code_by_path
from coding.codings import apply_codes
from coding.qdpx_export import export_qdpx
from corpus.documents import import_document
from storage.tables import Code, Coding, Document, Project

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60
ROUTER = f"""
import streamlit as st
from ui.layout import sidebar

st.set_page_config(page_title="编码 Bianma", layout="wide")
sidebar()
st.navigation([
    st.Page({str(ROOT / "ui/projects.py")!r}, default=True),
    st.Page({str(ROOT / "ui/retrieval.py")!r}, url_path="retrieval"),
    st.Page({str(ROOT / "ui/exchange.py")!r}, url_path="exchange"),
]).run()
"""


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("BIANMA_HOME", str(tmp_path))
    monkeypatch.delenv("BIANMA_DATABASE_URL", raising=False)
    (tmp_path / "router.py").write_text(ROUTER, encoding="utf-8")
    return tmp_path


def open_page(home: Path, page: str) -> AppTest:
    at = AppTest.from_file(str(home / "router.py"), default_timeout=TIMEOUT)
    at.run()  # the first run creates the store and the demo project
    at.switch_page(str(ROOT / page))
    at.run()
    assert not at.exception, at.exception
    return at


def test_retrieval_shows_segments_in_context_escaped_and_offers_three_files(home, store):
    at = open_page(home, "ui/retrieval.py")
    with store.begin() as s:
        project_id = s.scalar(select(Project.id))
        parent = find_code_by_path(s, project_id, "融入困境")
        parent.is_codable = True  # the demo keeps its top level category-only
        document = import_document(s, project_id, "注入.txt",
                                   "受访者：<script>alert(1)</script> 我们**不**习惯这里。\n受访者：再说一句。".encode())
        start = document.text.index("<script>")
        apply_codes(s, document.id, start, document.text.index("习惯"), [parent.id], coder="甲")
        parent_id = parent.id
    at.selectbox(key="retrieval_code").set_value(parent_id).run()
    assert at.subheader[0].value == "“融入困境”：1 个编码片段"
    at.toggle(key="retrieval_children").set_value(True).run()
    assert not at.exception
    assert at.subheader[0].value == "“融入困境”：10 个编码片段"
    html = at.get("html")[0].proto.body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 我们**不**" in html and "<script>" not in html
    assert "以前在村里，谁家有事大家都来帮忙" in html  # a demo quote
    assert "房子是好了，楼房，有自来水。" in html  # and its sentence of context before
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["下载 Excel（.xlsx）", "下载 Word 引文表（.docx）", "下载 CSV"]
    at.number_input(key="retrieval_context").set_value(0).run()
    html = at.get("html")[0].proto.body
    assert "房子是好了，楼房，有自来水。" not in html


def test_retrieval_in_english(home):
    at = open_page(home, "ui/retrieval.py")
    at.sidebar.selectbox(key="lang").set_value("en").run()
    assert at.title[0].value == "Retrieval of coded segments"
    assert at.subheader[0].value == "“融入困境”: 0 coded segments"
    assert at.info[0].value == "No segment is coded with this code yet."


def test_exchange_offers_the_project_files(home):
    at = open_page(home, "ui/exchange.py")
    assert at.title[0].value == "导入与导出"
    labels = sorted(b.proto.label for b in at.get("download_button"))
    assert labels == sorted(["下载项目（.qdpx）", "下载编码本（.qdc）", "下载全部编码（CSV）", "下载全部编码（Excel）"])


def test_exchange_imports_a_project_and_opens_it(home, store):
    at = open_page(home, "ui/exchange.py")
    with store() as s:
        demo = s.scalar(select(Project))
        data = export_qdpx(s, demo.id)
    at.file_uploader(key="exchange_file").set_value(("示例.qdpx", data, "application/zip"))
    at.text_input(key="exchange_name").input("从文件导入")
    at.button[0].click().run()
    assert not at.exception and not at.error
    with store() as s:
        imported = s.scalar(select(Project).where(Project.name == "从文件导入"))
        assert imported is not None
        assert s.scalar(select(func.count(Document.id)).where(Document.project_id == imported.id)) == 4
        assert s.scalar(select(func.count(Coding.id)).join(Document)
                        .where(Document.project_id == imported.id)) == 15
    assert at.session_state["sidebar_project"] == imported.id
    assert at.success[0].value == ("已导入项目“从文件导入”：4 个文档，13 个代码，15 处编码，3 个个案，3 条备忘录。")


def test_exchange_refuses_a_bad_file_and_stores_nothing(home, store):
    at = open_page(home, "ui/exchange.py")
    at.button[0].click().run()
    assert at.warning[0].value == "请先选择一个 .qdpx 文件。"
    at.file_uploader(key="exchange_file").set_value(("坏.qdpx", b"not a zip at all", "application/zip"))
    at.button[0].click().run()
    assert at.error[0].value.startswith("[E801] 文件“坏.qdpx”不是有效的 REFI-QDA 项目文件")
    with store() as s:
        assert s.scalar(select(func.count(Project.id))) == 1
        assert s.scalar(select(func.count(Code.id))) == 13
