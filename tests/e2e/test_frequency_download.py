"""The frequency page in headless Chromium: the CSV a researcher downloads opens in Excel."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from browser import launch_chromium, streamlit_server, wait_idle

pytestmark = pytest.mark.browser


def test_open_the_frequency_page_and_download_the_csv(tmp_path: Path):
    home = tmp_path / "home"
    with streamlit_server(Path("app.py"), env={"BIANMA_HOME": str(home)}) as url, \
            sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN",
                                accept_downloads=True)
        page.goto(url)
        expect(page.get_by_role("heading", name="项目", exact=True)).to_be_visible(timeout=60_000)
        page.get_by_role("link", name="代码频次与矩阵").click()
        wait_idle(page)
        button = page.get_by_role("button", name="下载 CSV").first
        expect(button).to_be_visible(timeout=30_000)
        with page.expect_download() as download_info:
            button.click()
        download = download_info.value
        data = Path(download.path()).read_bytes()
        browser.close()

    assert download.suggested_filename.endswith(".csv")
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel on Windows needs for Chinese
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:5] == ["代码", "层级", "编码片段数", "文档数", "个案数"]
    by_code = {row[0]: row for row in rows[1:]}
    # The demo codes 社会网络萎缩 three times: twice in 王大伯's turns, once in the field notes
    # (a document without a case).
    assert by_code["融入困境/社会网络萎缩"][1:5] == ["1", "3", "2", "1"]
