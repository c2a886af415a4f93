"""Open one page of the app through AppTest, behind the app's own sidebar, on a test home."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
ENTRY = """
import streamlit as st
from ui.layout import sidebar

st.set_page_config(page_title="编码 Bianma", layout="wide")
sidebar()
st.navigation([st.Page({page!r}, default=True)]).run()
"""


def open_page(home: Path, page: str, *, timeout: float = 60) -> AppTest:
    """``page`` (e.g. ``ui/words.py``) as the only page of a router written into ``home``."""
    entry = home / f"entry_{Path(page).stem}.py"
    entry.write_text(ENTRY.format(page=str(ROOT / page)), encoding="utf-8")
    at = AppTest.from_file(str(entry), default_timeout=timeout)
    at.run()
    assert not at.exception, at.exception
    return at
