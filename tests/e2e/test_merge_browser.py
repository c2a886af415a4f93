"""The codebook page in headless Chromium: merge two demo codes and see the codings moved."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import create_engine, text

from browser import ARTIFACTS, launch_chromium, streamlit_server, wait_idle

pytestmark = pytest.mark.browser

SOURCE, TARGET = "融入困境/社会网络萎缩", "融入困境/文化冲击"
# Quotes the demo codes with 社会网络萎缩 and 文化冲击.
SOURCE_QUOTE = "过年打个电话，慢慢也就淡了。"
TARGET_QUOTE = "我心里很不舒服，觉得我们是外来的。"


def counts(database: Path) -> dict[str, int]:
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT codes.name, COUNT(codings.id) FROM codes JOIN codings ON codings.code_id = codes.id "
            "GROUP BY codes.name")).all()
    engine.dispose()
    return dict(rows)


def choose(page, label: str, option: str) -> None:
    """Open the select box labelled ``label``, pick ``option`` and wait until it shows it."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    expect(box).to_be_visible(timeout=30_000)
    box.click()
    # Typing filters the list and opens it even when a click only focused the box.
    page.keyboard.type(option.rsplit("/", 1)[-1])
    page.get_by_role("option", name=option, exact=True).click(timeout=30_000)
    expect(box.get_by_role("combobox")).to_have_value(option, timeout=30_000)
    wait_idle(page)


def test_merge_two_codes_moves_their_codings(tmp_path: Path):
    ARTIFACTS.mkdir(exist_ok=True)
    home = tmp_path / "home"
    with streamlit_server(Path("app.py"), env={"BIANMA_HOME": str(home)}) as url, \
            sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1400, "height": 1100}, locale="zh-CN")
        page.goto(url)
        expect(page.get_by_role("heading", name="项目", exact=True)).to_be_visible(timeout=60_000)
        before = counts(home / "bianma.sqlite3")

        page.get_by_role("link", name="编码本", exact=True).click()
        expect(page.get_by_role("heading", name="编码本", exact=True)).to_be_visible(timeout=30_000)
        wait_idle(page)
        choose(page, "选择代码", SOURCE)
        page.get_by_role("tab", name="合并", exact=True).click()
        expect(page.get_by_text(f"把“{SOURCE}”的 {before['社会网络萎缩']} 个编码片段")).to_be_visible(
            timeout=30_000)
        choose(page, "合并到", TARGET)
        page.get_by_role("button", name="合并", exact=True).click()
        expect(page.get_by_text(f"已把“{SOURCE}”合并到“{TARGET}”。")).to_be_visible(timeout=30_000)
        wait_idle(page)

        # The page now shows the target, holding the source's codings as well as its own.
        page.get_by_role("tab", name="编码片段", exact=True).click()
        total = before["社会网络萎缩"] + before["文化冲击"]
        expect(page.get_by_text(f"“{TARGET}”的编码片段（{total}）")).to_be_visible(timeout=15_000)
        expect(page.get_by_text(SOURCE_QUOTE, exact=True)).to_be_visible()
        expect(page.get_by_text(TARGET_QUOTE, exact=True)).to_be_visible()
        expect(page.get_by_role("button", name=f"撤销：合并代码 {SOURCE} 到 {TARGET}")).to_be_enabled()
        page.screenshot(path=str(ARTIFACTS / "codebook_merge.png"), full_page=True)
        browser.close()

    after = counts(home / "bianma.sqlite3")
    assert "社会网络萎缩" not in after and after["文化冲击"] == total
