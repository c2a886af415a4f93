"""In Chromium: choose a turn, accept the first code suggestion, see the coding and its provenance."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import select

from browser import ARTIFACTS, COMPONENT_HOST, launch_chromium, streamlit_server, wait_idle
from storage.engine import make_engine, make_sessionmaker
from storage.tables import Code, Coding

pytestmark = pytest.mark.browser


def test_accept_a_suggestion_and_see_the_coding_with_its_provenance(tmp_path: Path):
    ARTIFACTS.mkdir(exist_ok=True)
    home = tmp_path / "home"
    with streamlit_server(Path("app.py"), env={"BIANMA_HOME": str(home)}) as url, \
            sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        page.goto(url)
        expect(page.get_by_role("heading", name="项目", exact=True)).to_be_visible(timeout=60_000)
        page.get_by_role("link", name="编码", exact=True).click()
        expect(page.locator(f"{COMPONENT_HOST} .bm-passage").first).to_be_visible(timeout=30_000)
        wait_idle(page)

        # A click on a turn's label takes the whole turn; its suggestions appear beside it.
        page.locator(f"{COMPONENT_HOST} .bm-passage[data-index='4'] .bm-label").click()
        expect(page.get_by_text("编码建议", exact=True)).to_be_visible(timeout=30_000)
        wait_idle(page)
        first = page.locator('[data-testid="stProgress"]').first
        suggested = first.inner_text().split("·")[0].strip().split(". ", 1)[1]
        page.get_by_role("button", name="采纳").first.click()
        expect(page.get_by_text(f"已采纳建议：{suggested}")).to_be_visible(timeout=15_000)
        wait_idle(page)
        table = page.locator('[data-testid="stDataFrame"]').first
        expect(table).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "accepted_suggestion.png"), full_page=True)
        browser.close()

    engine = make_engine(f"sqlite:///{home / 'bianma.sqlite3'}")
    with make_sessionmaker(engine)() as s:
        rows = s.execute(select(Coding.provenance, Code.name).join(Code, Code.id == Coding.code_id)
                         .where(Coding.provenance == "suggested")).all()
    engine.dispose()
    assert [name for _, name in rows] == [suggested.split("/")[-1]]
