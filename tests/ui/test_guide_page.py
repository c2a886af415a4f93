"""The user guide page, in Chinese and English, through Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from demo.seed import DEMO_NAME
from i18n import t
from i18n.catalogue.guide import MESSAGES

PAGE = str(Path(__file__).resolve().parents[2] / "ui" / "guide.py")


def open_guide(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    return at


def page_text(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "header", "markdown", "caption", "code")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_guide_message_is_shown_with_the_navigation_s_page_names(home, lang):
    at = open_guide(lang)
    text = page_text(at)
    pages = {"projects": t("nav.projects", lang), "documents": t("nav.documents", lang),
             "codebook": t("nav.codebook", lang), "coding": t("nav.coding", lang),
             "memos": t("memos.nav", lang), "analysis": t("reports.nav_analysis", lang),
             "words": t("reports.nav_words", lang), "agreement": t("reports.nav_agreement", lang),
             "retrieval": t("exchange.nav_retrieval", lang),
             "exchange": t("exchange.nav_exchange", lang)}
    for key in MESSAGES:
        if key in ("guide.nav", "guide.current_store"):
            continue
        expected = t(key, lang, demo=DEMO_NAME, apply=t("coding.apply", lang), **pages)
        assert expected in text, key
    assert at.title[0].value == t("guide.title", lang)


def test_chinese_walkthrough_names_the_pages_and_the_demo(home):
    text = page_text(open_guide("zh"))
    assert "【编码】选择一份文档" in text
    assert f"示例项目“{DEMO_NAME}”" in text
    assert "“应用编码”" in text
    assert "bianma backup" in text and "docs/operations.md" in text


def test_english_guide_is_english(home):
    at = open_guide("en")
    assert at.title[0].value == "User guide"
    assert [h.value for h in at.header] == [
        "Five minutes with the demo project", "Where reports and exports are",
        "Switching to PostgreSQL (for a team)", "Backing up"]
    assert "[Coding] Choose a document" in page_text(at)


def test_the_sqlite_file_in_use_is_shown(home):
    at = open_guide("zh")
    assert at.caption[-1].value == f"当前使用的数据库：`sqlite:///{home / 'bianma.sqlite3'}`"


def test_a_postgresql_password_is_never_shown(home, monkeypatch):
    monkeypatch.setenv("BIANMA_DATABASE_URL", "postgresql://alice:s3cret@db.example.org/bianma")
    at = open_guide("en")
    shown = at.caption[-1].value
    assert shown == "The database in use: `postgresql://alice:***@db.example.org/bianma`"
    assert "s3cret" not in page_text(at)
