"""Benchmark: time to interactive of the coding page on a 50,000-character transcript.

Generates a store with one interview of 50,000 characters and 2,000 codings by three coders
(``bench/gen_project.py``), serves the real app on it (``streamlit run app.py`` on loopback,
``tests/browser.py``'s helpers) and opens ``/coding`` in headless Chromium, in a fresh
browser context each time (a new Streamlit session: the script runs from the top). Per visit:

- rendered: from navigation to the span selector's first segment visible (the component
  draws the whole document at once, so every segment is then in the DOM);
- complete: to the list of coded segments under it visible (the script run has reached the
  end of the page): the page is interactive;
- click: from a click on a turn to the app showing it as the selection (one rerun of the
  page, which sends the whole document and its highlights again).

The first visit after the server starts is reported apart (imports, migrations check,
tokenizer); the others as median and worst. Then where the time goes on the server, measured
in-process on the same store: the queries the page runs and ``build_payload`` for the
component, with the payload's size.

``--variants`` also serves a page holding nothing but the span selector (the component
alone), on the whole document and on windows of it (turns covering about ``--window``
characters, what a page selector over the transcript would show), to measure what windowed
rendering would gain. Target (issue 7): ≤ 1.5 s to interactive.

    .venv/bin/python bench/coding_page.py [--characters 50000] [--codings 2000] [--visits 5]
                                          [--variants] [--window 5000]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from playwright.sync_api import sync_playwright  # noqa: E402
from sqlalchemy import select  # noqa: E402

from bench.gen_project import Spec, generate  # noqa: E402
from browser import COMPONENT_HOST, launch_chromium, streamlit_server  # noqa: E402
from storage.engine import make_engine, make_sessionmaker  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.tables import Document  # noqa: E402

TARGET_SECONDS = 1.5
SEGMENT = f"{COMPONENT_HOST} .bm-seg"

# A page with the span selector alone, over the benchmark store: the whole document, or the
# turns from BENCH_WINDOW_START covering about BENCH_WINDOW characters; BENCH_MODE=empty
# draws no component at all (what any page costs here). Codings are read with one light
# column query restricted to what is shown, so the figures are the component's own.
HARNESS = '''
import os, sys
sys.path.insert(0, {root!r})
import streamlit as st
from sqlalchemy import select
from storage.engine import make_engine, make_sessionmaker
from storage.tables import Code, Coding, Document, Passage
from ui.span_select import span_selector

@st.cache_resource
def factory():
    return make_sessionmaker(make_engine())

if os.environ.get("BENCH_MODE") == "empty":
    st.caption("0 highlights, 0 characters")
    st.stop()
document_id = int(os.environ["BENCH_DOCUMENT"])
size = int(os.environ.get("BENCH_WINDOW", "0"))
with factory()() as session:
    name, text = session.execute(select(Document.name, Document.text)
                                 .where(Document.id == document_id)).one()
    passages = [dict(row._mapping) for row in session.execute(
        select(Passage.index, Passage.start, Passage.end, Passage.speaker, Passage.timestamp)
        .where(Passage.document_id == document_id).order_by(Passage.index))]
    start, end = 0, len(text)
    if size:
        first = int(os.environ.get("BENCH_WINDOW_START", "0"))
        window = [p for p in passages if p["end"] > first]
        window = [p for p in window if p["end"] - window[0]["start"] <= size] or window[:1]
        start, end, passages = window[0]["start"], window[-1]["end"], window
    highlights = [dict(row._mapping) for row in session.execute(
        select(Coding.start, Coding.end, Code.color, Code.name.label("label"),
               Coding.id.label("coding_id"))
        .join(Code, Code.id == Coding.code_id)
        .where(Coding.document_id == document_id, Coding.start < end, Coding.end > start)
        .order_by(Coding.start, Coding.end, Coding.id))]
selection = span_selector(text[start:end], key="bench_span", passages=passages,
                          highlights=highlights, base_offset=start, max_height=640,
                          aria_label=name, passage_hint="点击选择整个话轮")
st.write(f"已选片段 {{selection.start}}–{{selection.end}}" if selection else "未选择")
st.caption(f"{{len(highlights)}} highlights, {{end - start}} characters")
'''


def build_store(home: Path, characters: int, codings: int) -> tuple[int, int, int]:
    """The store the app will open: one long interview; returns (document id, length, codings)."""
    engine = make_engine(f"sqlite:///{home / 'bianma.sqlite3'}")
    upgrade(engine)
    Session = make_sessionmaker(engine)
    spec = Spec(transcripts=1, characters=characters, density=1000 * codings / characters,
                coders=3, notes_every=0, group_every=0, name="编码页面基准")
    made = generate(Session, spec)
    with Session() as s:
        length = len(s.scalar(select(Document.text).where(Document.id == made.document_ids[0])))
    engine.dispose()
    return made.document_ids[0], length, made.codings


def server_breakdown(home: Path, document_id: int) -> list[tuple[str, float, str]]:
    """What the page's script does before the component gets its data, timed in-process."""
    from codebook.codes import code_tree
    from coding.agreement import blind_coding, visible_segments
    from coding.codings import document_codings
    from corpus.documents import get_document, list_documents
    from ui.span_select import build_payload

    engine = make_engine(f"sqlite:///{home / 'bianma.sqlite3'}")
    Session = make_sessionmaker(engine)

    def best(function) -> tuple[float, object]:
        result, seconds = None, float("inf")
        for _ in range(3):
            began = time.perf_counter()
            result = function()
            seconds = min(seconds, time.perf_counter() - began)
        return seconds, result

    with Session() as s:
        project_id = s.get(Document, document_id).project_id
    rows = []

    def reads():
        with Session() as s:
            documents = list_documents(s, project_id)
            code_tree(s, project_id)
            document = get_document(s, document_id, project_id)
            passages = [{"index": p.index, "start": p.start, "end": p.end, "speaker": p.speaker,
                         "timestamp": p.timestamp} for p in document.passages]
            segments = visible_segments(document_codings(s, document_id), None,
                                        blind_coding(s, project_id, None))
            return documents, document.text, passages, segments

    seconds, (documents, text, passages, segments) = best(reads)
    rows.append(("queries (documents, codebook, text, turns, codings)", seconds,
                 f"{len(passages)} turns, {len(segments)} codings"))
    seconds, _ = best(lambda: list_documents(Session(), project_id))
    rows.append(("  of which list_documents", seconds, f"{len(documents)} documents"))
    with Session() as s:
        seconds, _ = best(lambda: document_codings(s, document_id))
    rows.append(("  of which document_codings", seconds, ""))
    highlights = [{"start": x.start, "end": x.end, "color": x.color, "label": x.code_path,
                   "coding_id": x.id} for x in segments]
    seconds, payload = best(lambda: build_payload(text, passages=passages, highlights=highlights,
                                                  max_height=640, aria_label="访谈",
                                                  passage_hint="点击选择整个话轮"))
    size = len(json.dumps(payload, ensure_ascii=False).encode("utf-8"))
    count = sum(len(block["segments"]) for block in payload["blocks"])
    rows.append(("build_payload (segments, colours, titles)", seconds,
                 f"{count:,} segments, {size / 1e6:.2f} MB JSON"))
    engine.dispose()
    return rows


def visit(browser, url: str, done: str, *, component: bool = True) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    try:
        began = time.perf_counter()
        page.goto(url, wait_until="commit")
        if component:
            # The first segment of a turn (the gap before it, the speaker label, is hidden).
            page.locator(f"{COMPONENT_HOST} .bm-passage .bm-seg").first.wait_for(
                state="visible", timeout=180_000)
        figures = {"rendered": time.perf_counter() - began}
        page.locator(done).first.wait_for(state="visible", timeout=180_000)
        figures["complete"] = time.perf_counter() - began
        figures["segments"] = page.locator(SEGMENT).count()
        if component:
            # A click inside a turn selects the whole turn; the rerun then shows it.
            target = page.locator(f"{COMPONENT_HOST} .bm-passage .bm-seg").nth(3)
            target.scroll_into_view_if_needed()
            began = time.perf_counter()
            target.click()
            page.get_by_text("已选片段").first.wait_for(state="visible", timeout=180_000)
            figures["click"] = time.perf_counter() - began
        return figures
    finally:
        context.close()


def run_visits(browser, url: str, visits: int, done: str, *,
               component: bool = True) -> tuple[dict, list[dict]]:
    first = visit(browser, url, done, component=component)
    return first, [visit(browser, url, done, component=component) for _ in range(visits)]


def summary(label: str, first: dict, rest: list[dict]) -> str:
    keys = [key for key in ("rendered", "complete", "click") if key in first]
    parts = [f"{label:<40} first " + "/".join(f"{first[key]:.2f}" for key in keys) + " s"]
    for key in keys:
        values = [r[key] for r in rest]
        parts.append(f"{key} {statistics.median(values):5.2f} s (worst {max(values):5.2f})")
    parts.append(f"{rest[0]['segments']:,} segments")
    return "  ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--characters", type=int, default=50_000)
    parser.add_argument("--codings", type=int, default=2_000)
    parser.add_argument("--visits", type=int, default=5)
    parser.add_argument("--variants", action="store_true")
    parser.add_argument("--window", type=int, default=5_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bianma-coding-page-") as directory:
        home = Path(directory)
        document_id, length, codings = build_store(home, args.characters, args.codings)
        print(f"store: one interview of {length:,} characters with {codings:,} codings (3 coders)")
        print("\nserver side, in-process (best of three):")
        for label, seconds, note in server_breakdown(home, document_id):
            print(f"  {label:<52} {seconds:6.3f} s  {note}")

        env = {"BIANMA_HOME": str(home), "BENCH_DOCUMENT": str(document_id)}
        print(f"\nbrowser (headless Chromium), {args.visits} visits after a first one; "
              "first: rendered/complete/click")
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            with streamlit_server(ROOT / "app.py", env=env, timeout=120) as url:
                # The list of coded segments comes after the component on the page.
                first, rest = run_visits(browser, f"{url}/coding", args.visits,
                                         '[data-testid="stDataFrame"]')
            print(summary("coding page (app.py /coding)", first, rest))
            interactive = statistics.median(r["complete"] for r in rest)
            verdict = "meets" if interactive <= TARGET_SECONDS else "misses"
            print(f"time to interactive (median, complete): {interactive:.2f} s — {verdict} "
                  f"the {TARGET_SECONDS} s target")
            if args.variants:
                harness = home / "span_only.py"
                harness.write_text(HARNESS.format(root=str(ROOT)), encoding="utf-8")
                done = "text=/highlights, \\d+ characters/"
                for label, extra in (
                    ("empty page (no component)", {"BENCH_MODE": "empty"}),
                    ("span selector alone, whole text", {}),
                    (f"span selector alone, ~{args.window:,}-char window",
                     {"BENCH_WINDOW": str(args.window), "BENCH_WINDOW_START": str(length // 2)}),
                ):
                    with streamlit_server(harness, env={**env, **extra}, timeout=120) as url:
                        first, rest = run_visits(browser, url, args.visits, done,
                                                 component="BENCH_MODE" not in extra)
                    print(summary(label, first, rest))
            browser.close()


if __name__ == "__main__":
    main()
