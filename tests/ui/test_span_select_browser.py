"""The span selector in real headless Chromium: drag, click, offsets, escaping.

The component renders inside an open shadow root under
``[data-testid="stBidiComponentIsolated"]``; Playwright's CSS locators pierce
open shadow roots, and page scripts reach it through ``host.shadowRoot``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from browser import drag_select

pytestmark = pytest.mark.browser

REPO_ROOT = Path(__file__).resolve().parents[2]
HARNESS = REPO_ROOT / "tests" / "ui" / "span_harness_app.py"
ARTIFACTS = REPO_ROOT / "tests" / "_artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOST = '[data-testid="stBidiComponentIsolated"]'
STARTUP_SECONDS = 60


def _load_harness() -> ModuleType:
    """The harness module's constants, without running its Streamlit calls."""
    spec = importlib.util.spec_from_file_location("span_harness_constants", HARNESS)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    # Outside a Streamlit run the st.* calls only log a warning and return.
    spec.loader.exec_module(module)
    return module


HARNESS_MODULE = _load_harness()
TEXT: str = HARNESS_MODULE.TEXT
BASE: int = HARNESS_MODULE.BASE_OFFSET


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_healthy(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"streamlit did not answer within {STARTUP_SECONDS}s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    ARTIFACTS.mkdir(exist_ok=True)
    port = _free_port()
    log = ARTIFACTS / "span_harness_server.log"
    command = [
        sys.executable, "-m", "streamlit", "run", str(HARNESS),
        "--server.headless", "true",
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
    ]
    with log.open("wb") as log_file:
        server = subprocess.Popen(
            command, cwd=REPO_ROOT, stdout=log_file, stderr=subprocess.STDOUT, env=os.environ.copy()
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Browser, app_url: str) -> Iterator[Page]:
    # A fresh page is a fresh Streamlit session: no selection carried over.
    context = browser.new_context(viewport={"width": 1100, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.goto(app_url)
    page.locator(f"{HOST} .bm-seg").first.wait_for(timeout=30_000)
    expect(_result(page)).to_have_text("null")
    yield page
    context.close()


def _result(page: Page):  # noqa: ANN202 - a Playwright Locator
    return page.get_by_test_id("stCode")


def _selection_after(page: Page) -> dict[str, object]:
    """The selection the app received, once the rerun has shown it."""
    expect(_result(page)).not_to_have_text("null", timeout=15_000)
    return json.loads(_result(page).inner_text())


def _drag(page: Page, first: int, last: int) -> None:
    drag_select(page, first, last)


def _document_offset(needle: str) -> int:
    return BASE + TEXT.index(needle)


def test_drag_after_astral_characters_returns_code_point_offsets(page: Page) -> None:
    expected = "北京打工。"
    start = _document_offset("北京打工")
    # 𠀋 and 😀 precede the span: UTF-16 offsets would be 2 higher.
    assert len(TEXT[: start - BASE].encode("utf-16-le")) // 2 == start - BASE + 2

    _drag(page, start, start + len(expected) - 1)
    selection = _selection_after(page)
    page.screenshot(path=str(ARTIFACTS / "span_select_drag.png"), full_page=True)

    assert selection == {"start": start, "end": start + len(expected), "text": expected}
    assert TEXT[selection["start"] - BASE : selection["end"] - BASE] == expected


def test_drag_across_passages_includes_the_hidden_marker_between_them(page: Page) -> None:
    start = _document_offset("情况。")
    end = _document_offset("我叫") + 2
    _drag(page, start, end - 1)
    assert _selection_after(page) == {"start": start, "end": end, "text": "情况。\n受访者：我叫"}
    expect(page.locator(f"{HOST} .bm-hidden")).to_be_hidden()


def test_click_on_passage_label_selects_the_whole_passage(page: Page) -> None:
    page.locator(f"{HOST} .bm-passage[data-index='1'] .bm-label").click()
    second = HARNESS_MODULE.PASSAGES[1]
    assert _selection_after(page) == {
        "start": second["start"],
        "end": second["end"],
        "text": HARNESS_MODULE.SECOND,
    }


def test_transcript_markup_is_shown_as_text_and_never_runs(page: Page) -> None:
    script_text = "<script>window.__bmInjected = true</script>"
    expect(page.locator(f"{HOST} .bm-seg", has_text=script_text)).to_have_count(1)
    assert page.evaluate("() => window.__bmInjected") is None
    assert page.evaluate(
        "(host) => document.querySelector(host).shadowRoot.querySelectorAll('script').length",
        HOST,
    ) == 0


def test_overlapping_codings_render_with_every_label(page: Page) -> None:
    overlap = page.locator(f"{HOST} .bm-seg[data-codings='1 2']")
    expect(overlap).to_have_text("小明")
    expect(overlap).to_have_attribute("title", "个人背景\n流动经历")
    background = overlap.evaluate("(node) => getComputedStyle(node).backgroundImage")
    assert "linear-gradient" in background
