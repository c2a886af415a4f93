"""Real Chromium and a real Streamlit server for browser tests.

Debian's /usr/bin/chromium is driven by Playwright; Playwright's own browser download is never
used (there is no network for it). A missing Chromium fails the run with a clear message.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
ARTIFACTS = ROOT / "tests" / "_artifacts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(script: Path, env: dict[str, str] | None = None, timeout: float = 60):
    """Serve ``script`` on a free loopback port; yields the base URL, stops the server after."""
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.headless", "true", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read() if process.poll() is not None else ""
                raise RuntimeError(f"streamlit did not start: {output}")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def launch_chromium(playwright):
    if not Path(CHROMIUM).exists():
        raise RuntimeError("Chromium not found at /usr/bin/chromium: run `make test`, which installs it.")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


# The span selector renders in an open shadow root under this host element.
COMPONENT_HOST = '[data-testid="stBidiComponentIsolated"]'

# Bounding box of the character at a document code-point offset, measured with a Range over
# that character's UTF-16 units inside its segment's text node.
CHAR_BOX_JS = """
([hostSelector, offset]) => {
  const root = document.querySelector(hostSelector).shadowRoot;
  for (const span of root.querySelectorAll('.bm-seg')) {
    const chars = Array.from(span.textContent);
    const first = Number(span.dataset.start);
    if (offset < first || offset >= first + chars.length) continue;
    const unit = chars.slice(0, offset - first).join('').length;
    const range = document.createRange();
    range.setStart(span.firstChild, unit);
    range.setEnd(span.firstChild, unit + chars[offset - first].length);
    range.startContainer.parentElement.scrollIntoView({block: 'center'});
    const box = range.getBoundingClientRect();
    return { left: box.left, right: box.right, top: box.top, bottom: box.bottom };
  }
  return null;
}
"""


def char_box(page, offset: int) -> dict[str, float]:
    box = page.evaluate(CHAR_BOX_JS, [COMPONENT_HOST, offset])
    assert box is not None, f"no rendered character at offset {offset}"
    return box


def drag_select(page, first: int, last: int) -> None:
    """Press on the left half of character ``first``, release on the right half of ``last``."""
    start = char_box(page, first)
    end = char_box(page, last)
    page.mouse.move(start["left"] + 2, (start["top"] + start["bottom"]) / 2)
    page.mouse.down()
    page.mouse.move(end["right"] - 2, (end["top"] + end["bottom"]) / 2, steps=12)
    page.mouse.up()


def wait_idle(page, timeout: float = 30_000) -> None:
    """Wait until the script run the last interaction started has finished."""
    page.wait_for_timeout(300)  # let the rerun begin before looking for its indicator
    page.locator('[data-testid="stStatusWidgetRunningIcon"], [data-testid="stStatusWidgetRunningManIcon"]') \
        .first.wait_for(state="hidden", timeout=timeout)
