"""The whole app in headless Chromium: import a transcript, drag-select a span, code it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from browser import ARTIFACTS, COMPONENT_HOST, drag_select, launch_chromium, streamlit_server, wait_idle

pytestmark = pytest.mark.browser

TRANSCRIPT = (
    "访谈者：[00:00:05] 您是哪一年搬到安置小区的？\n"
    "受访者A1：[00:00:11] 2018年。𠀋村整体搬迁😀，以前的老邻居都分散了，现在过年也很少来往。\n"
    "访谈者：[00:00:40] 那您现在的收入怎么样？\n"
    "受访者A1：[00:00:46] 地没了，只能在附近打零工，一个月两千块左右。\n"
)
QUOTE = "以前的老邻居都分散了"


def test_import_select_with_the_mouse_and_code(tmp_path: Path):
    ARTIFACTS.mkdir(exist_ok=True)
    upload = tmp_path / "访谈_受访者A1.txt"
    upload.write_bytes(TRANSCRIPT.encode("gb18030"))
    home = tmp_path / "home"
    with streamlit_server(Path("app.py"), env={"BIANMA_HOME": str(home)}) as url, \
            sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        page.goto(url)
        expect(page.get_by_role("heading", name="项目", exact=True)).to_be_visible(timeout=60_000)

        page.get_by_role("link", name="文档", exact=True).click()
        page.locator('input[type="file"]').set_input_files(str(upload))
        # The upload finishes in the background; the form only sees the file after that.
        expect(page.get_by_role("button", name=f"Remove {upload.name}")).to_be_visible(timeout=30_000)
        wait_idle(page)
        page.get_by_role("button", name="导入", exact=True).click()
        expect(page.get_by_text("已导入“访谈_受访者A1”：编码 gb18030")).to_be_visible(timeout=30_000)

        page.get_by_role("link", name="编码", exact=True).click()
        page.locator('[data-testid="stSelectbox"]').filter(has_text="文档").first.click()
        page.get_by_role("option", name="访谈_受访者A1").click()
        expect(page.locator(f"{COMPONENT_HOST} .bm-seg", has_text="老邻居").first).to_be_visible(
            timeout=30_000)

        wait_idle(page)
        start = TRANSCRIPT.index(QUOTE)
        drag_select(page, start, start + len(QUOTE) - 1)
        expect(page.get_by_text(f"已选片段 [{start}, {start + len(QUOTE)})：{QUOTE}")).to_be_visible(
            timeout=15_000)
        wait_idle(page)

        page.locator('[data-testid="stMultiSelect"]').first.click()
        page.get_by_role("option", name="融入困境/社会网络萎缩").click()
        page.keyboard.press("Escape")
        page.get_by_role("button", name="应用编码").click()
        expect(page.get_by_text("已编码 1 处。")).to_be_visible(timeout=15_000)
        coded = page.locator(f"{COMPONENT_HOST} .bm-seg[data-codings]", has_text=QUOTE)
        expect(coded.first).to_have_attribute("title", "融入困境/社会网络萎缩")
        page.screenshot(path=str(ARTIFACTS / "coding_page.png"), full_page=True)
        browser.close()

    listed = subprocess.run(
        [sys.executable, "-m", "cli", "codings", "示例项目：非自愿移民的社区融合", "--json",
         "--db", f"sqlite:///{home / 'bianma.sqlite3'}"],
        capture_output=True, text=True, check=True,
    )
    mine = [c for c in json.loads(listed.stdout) if c["document"] == "访谈_受访者A1"]
    assert [(c["code"], c["start"], c["end"], c["text"], c["speaker"]) for c in mine] == [
        ("融入困境/社会网络萎缩", start, start + len(QUOTE), QUOTE, "受访者A1")]
