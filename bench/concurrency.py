"""Benchmark: codings per second with 1, 4 and 16 concurrent writers, and how many were lost.

Each writer is a coder of its own who codes one shared document through the domain function
(``coding.codings.apply_codes``), one transaction per coding, as the coding page does. Writers
run as threads sharing one engine (the Streamlit server) and as processes with an engine each
(several app servers, or the CLI, on one database). Afterwards the store is counted: every
coding a writer saw committed must be there exactly once, with its event. "failed" counts
transactions that raised (the coder saw an error and nothing was stored); "lost" counts
codings reported committed that are missing, duplicated, or have no event, and must be 0.

Runs on an SQLite file in WAL mode and, when the PostgreSQL server binaries are installed, on
a throw-away PostgreSQL server (the test suite's). The writer functions here are also the
workload of tests/storage/test_concurrency.py.

    .venv/bin/python bench/concurrency.py [--writers 1 4 16] [--codings 100] [--sqlite-only]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "tests"):  # the PostgreSQL run borrows the tests' throw-away server
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import argparse  # noqa: E402
import multiprocessing  # noqa: E402
from queue import Empty  # noqa: E402
import os  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

from sqlalchemy import func, select  # noqa: E402

HAN = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说"
       "产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当")
SPAN = 5


@dataclass
class WriterResult:
    """What one writer saw: the ids it was told were committed, and the errors it got."""

    writer: int
    coder: str
    codings: list[int] = field(default_factory=list)
    memos: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0


def coder_name(writer: int) -> str:
    return f"编码者{writer:02d}"


def document_text(length: int) -> str:
    body = "".join(HAN[(i * 7) % len(HAN)] for i in range(length))
    return f"受访者：{body}\n"


def make_fixture(url: str, spans: int) -> tuple[int, int, int]:
    """A project with one document long enough for ``spans`` distinct spans and one code;
    returns (project id, document id, code id)."""
    from codebook.codes import add_code
    from corpus.documents import import_document
    from corpus.projects import create_project
    from storage.engine import make_engine, make_sessionmaker
    from storage.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    with make_sessionmaker(engine).begin() as session:
        project = create_project(session, "并发编码")
        text = document_text(spans + SPAN + 10)
        document = import_document(session, project.id, "并发访谈.txt", text.encode("utf-8"))
        code = add_code(session, project.id, "同时编码")
        ids = project.id, document.id, code.id
    engine.dispose()
    return ids


def span_of(number: int) -> tuple[int, int]:
    """The number-th span a writer codes: distinct for each number, inside the text."""
    start = len("受访者：") + number
    return start, start + SPAN


def write_codings(Session, document_id: int, code_id: int, writer: int, count: int, *,
                  memos: bool, coder: str | None = None) -> WriterResult:
    """``count`` codings (and a memo on each, if asked), each in a transaction of its own."""
    from coding.codings import apply_codes, write_coding_memo

    result = WriterResult(writer, coder or coder_name(writer), started=time.perf_counter())
    for number in range(count):
        start, end = span_of(number)
        try:
            with Session.begin() as session:
                coding, = apply_codes(session, document_id, start, end, [code_id], coder=result.coder)
                coding_id = coding.id
            result.codings.append(coding_id)
        except Exception as error:  # counted and reported: the benchmark measures failures
            result.failures.append(f"coding: {type(error).__name__}: {str(error).splitlines()[0]}")
            continue
        if not memos:
            continue
        try:
            with Session.begin() as session:
                write_coding_memo(session, coding_id, f"{result.coder} 的第 {number} 条备忘录",
                                  coder=result.coder)
            result.memos.append(coding_id)
        except Exception as error:
            result.failures.append(f"memo: {type(error).__name__}: {str(error).splitlines()[0]}")
    result.finished = time.perf_counter()
    return result


def run_threads(url: str, document_id: int, code_id: int, writers: int, count: int, *,
                memos: bool) -> list[WriterResult]:
    """Writers as threads of one process sharing one engine, started together."""
    from storage.engine import make_engine, make_sessionmaker

    engine = make_engine(url)
    Session = make_sessionmaker(engine)
    barrier = threading.Barrier(writers)
    results: list[WriterResult | None] = [None] * writers

    def run(writer: int) -> None:
        barrier.wait()
        results[writer] = write_codings(Session, document_id, code_id, writer, count, memos=memos)

    threads = [threading.Thread(target=run, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    return [r for r in results if r is not None]


def _process_writer(url: str, document_id: int, code_id: int, writer: int, count: int,
                    memos: bool, barrier, queue) -> None:
    from storage.engine import make_engine, make_sessionmaker

    engine = make_engine(url)
    with engine.connect():
        pass  # connected before the start line, so the timing leaves out start-up
    Session = make_sessionmaker(engine)
    barrier.wait()
    result = write_codings(Session, document_id, code_id, writer, count, memos=memos)
    engine.dispose()
    queue.put(result)


def run_processes(url: str, document_id: int, code_id: int, writers: int, count: int, *,
                  memos: bool, timeout: float = 600) -> list[WriterResult]:
    """Writers as 'spawn' processes, each with its own engine made from the URL."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(writers)
    queue = context.Queue()
    processes = [context.Process(target=_process_writer,
                                 args=(url, document_id, code_id, w, count, memos, barrier, queue))
                 for w in range(writers)]
    for process in processes:
        process.start()
    results = []
    deadline = time.monotonic() + timeout
    try:
        while len(results) < writers:
            try:
                results.append(queue.get(timeout=2))
            except Empty:
                # A writer that died never reports: say so now, not at the deadline.
                dead = [p.exitcode for p in processes if p.exitcode not in (None, 0)]
                if dead or time.monotonic() > deadline:
                    raise RuntimeError(f"writers did not report: exit codes "
                                       f"{[p.exitcode for p in processes]}") from None
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
    if any(process.exitcode for process in processes):
        raise RuntimeError(f"writer exit codes {[p.exitcode for p in processes]}")
    return sorted(results, key=lambda r: r.writer)


@dataclass(frozen=True)
class Tally:
    """The store counted after a run, against what the writers were told."""

    codings: int
    memos: int
    duplicates: int
    missing: int
    without_event: int
    memos_missing: int

    @property
    def lost(self) -> int:
        return self.duplicates + self.missing + self.without_event + self.memos_missing


def tally(url: str, document_id: int, results: list[WriterResult]) -> Tally:
    from storage.engine import make_engine, make_sessionmaker
    from storage.tables import Coding, Event, Memo

    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            stored = set(session.scalars(select(Coding.id).where(Coding.document_id == document_id)))
            duplicates = session.scalar(select(func.count()).select_from(
                select(Coding.code_id).where(Coding.document_id == document_id)
                .group_by(Coding.code_id, Coding.coder_id, Coding.start, Coding.end)
                .having(func.count() > 1).subquery())) or 0
            with_event = set(session.scalars(select(Event.entity_id).where(
                Event.entity == "coding", Event.action == "add")))
            memo_codings = set(session.scalars(select(Memo.coding_id).where(Memo.coding_id.in_(stored)))) \
                if stored else set()
            memo_events = set(session.scalars(select(Event.entity_id).where(
                Event.entity == "coding", Event.action == "memo")))
    finally:
        engine.dispose()
    reported = {i for r in results for i in r.codings}
    memo_reported = {i for r in results for i in r.memos}
    return Tally(
        codings=len(stored), memos=len(memo_codings), duplicates=duplicates,
        missing=len(reported - stored),
        without_event=len(stored - with_event),
        memos_missing=len(memo_reported - memo_codings) + len(memo_reported - memo_events),
    )


# --- the benchmark --------------------------------------------------------------------------


def _sqlite_url(directory: Path, name: str) -> str:
    return f"sqlite:///{directory / f'{name}.sqlite3'}"


def _postgres_url(server, name: str) -> str:
    from sqlalchemy import create_engine, text

    admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.url(name)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--codings", type=int, default=100, help="codings per writer")
    parser.add_argument("--memos", action="store_true", help="also write a memo on each coding")
    parser.add_argument("--modes", nargs="+", choices=["threads", "processes"],
                        default=["threads", "processes"])
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args(argv)

    backends = ["sqlite"]
    server = None
    if not args.sqlite_only:
        from postgres_server import PostgresServer

        server = PostgresServer.start()
        backends.append("postgresql")
    directory = Path(tempfile.mkdtemp(prefix="bianma-concurrency-"))
    rows = []
    try:
        for backend in backends:
            for mode in args.modes:
                for writers in args.writers:
                    name = f"bench_{mode}_{writers}_{os.getpid()}"
                    url = (_sqlite_url(directory, name) if backend == "sqlite"
                           else _postgres_url(server, name))
                    _project, document_id, code_id = make_fixture(url, args.codings)
                    run = run_threads if mode == "threads" else run_processes
                    results = run(url, document_id, code_id, writers, args.codings, memos=args.memos)
                    # perf_counter is the system-wide monotonic clock on Linux, so the
                    # processes' readings compare too.
                    seconds = max(r.finished for r in results) - min(r.started for r in results)
                    counted = tally(url, document_id, results)
                    failed = sum(len(r.failures) for r in results)
                    committed = sum(len(r.codings) for r in results)
                    rows.append((backend, mode, writers, writers * args.codings, committed,
                                 counted.codings, seconds, committed / seconds if seconds else 0.0,
                                 failed, counted.lost))
                    examples = sorted({f for r in results for f in r.failures})[:3]
                    for example in examples:
                        print(f"  {backend} {mode} {writers}: {example}", file=sys.stderr)
                    print(f"done: {backend} {mode} {writers} writers", file=sys.stderr)
    finally:
        if server is not None:
            server.stop()
    header = ("backend", "mode", "writers", "attempted", "committed", "stored", "seconds",
              "codings/s", "failed", "lost")
    print(f"{header[0]:<11}{header[1]:<10}{header[2]:>8}{header[3]:>10}{header[4]:>10}"
          f"{header[5]:>8}{header[6]:>9}{header[7]:>11}{header[8]:>8}{header[9]:>6}")
    for backend, mode, writers, attempted, committed, stored, seconds, rate, failed, lost in rows:
        print(f"{backend:<11}{mode:<10}{writers:>8}{attempted:>10}{committed:>10}{stored:>8}"
              f"{seconds:>9.2f}{rate:>11.1f}{failed:>8}{lost:>6}")
    print(f"({args.codings} codings per writer, one transaction each"
          f"{', plus a memo on each' if args.memos else ''}; {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
