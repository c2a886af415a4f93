"""Screenshots of the real app for the README, taken in headless Chromium on the demo project.

Each page is opened by its address, waited on until its script run has finished, and saved at a fixed viewport into docs/screenshots/. Running the
browser tests refreshes them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect, sync_playwright

from browser import COMPONENT_HOST, ROOT, launch_chromium, streamlit_server, wait_idle

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "docs" / "screenshots"
VIEWPORT = {"width": 1440, "height": 900}


def shoot(page, name: str) -> Path:
    wait_idle(page)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def open_page(page, url: str, heading: str) -> None:
    # By address: the sidebar folds pages past the first ten under "View more".
    page.goto(url)
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=60_000)


def test_screenshots_of_the_main_pages(tmp_path: Path):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    taken = []
    with streamlit_server(Path("app.py"), env={"BIANMA_HOME": str(tmp_path)}) as url, \
            sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport=VIEWPORT, locale="zh-CN", device_scale_factor=1)
        page.goto(url)
        expect(page.get_by_role("heading", name="项目", exact=True)).to_be_visible(timeout=90_000)
        taken.append(shoot(page, "projects"))

        open_page(page, f"{url}/documents", "文档")
        expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible(timeout=30_000)
        taken.append(shoot(page, "documents"))

        open_page(page, f"{url}/coding", "编码")
        # The demo's first interview, with its codings shaded in their codes' colours.
        coded = page.locator(f"{COMPONENT_HOST} .bm-seg[data-codings]")
        expect(coded.first).to_be_visible(timeout=60_000)
        expect(page.locator('[data-testid="stMultiSelect"]').first).to_be_visible(timeout=60_000)
        taken.append(shoot(page, "coding"))

        open_page(page, f"{url}/codebook", "编码本")
        # The code tree is a data grid drawn on a canvas: wait for the grid itself.
        expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible(timeout=30_000)
        taken.append(shoot(page, "codebook"))

        open_page(page, f"{url}/analysis", "代码频次、矩阵与共现")
        expect(page.get_by_role("button", name="下载 CSV").first).to_be_visible(timeout=60_000)
        # The chart is drawn after the script run, by Vega in the browser.
        expect(page.locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg')
               .first).to_be_visible(timeout=30_000)
        taken.append(shoot(page, "analysis"))
        browser.close()

    assert [p.name for p in taken] == [
        "projects.png", "documents.png", "coding.png", "codebook.png", "analysis.png"]
    for path in taken:
        assert path.stat().st_size > 20_000, path
        with Image.open(path) as image:
            assert image.size == (VIEWPORT["width"], VIEWPORT["height"]), path
            # A blank or half-drawn page has a handful of colours; text, tables and
            # highlights in anti-aliased CJK type have hundreds.
            colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
            assert colours is None or len(colours) > 200, (path, len(colours or ()))
