"""Several coders at once on one store (SQLite in WAL mode and a real PostgreSQL server).

- N threads sharing one engine and N 'spawn' processes with an engine each write M codings and
  M memos to one document through the domain functions, one transaction each: afterwards
  exactly N×M of each, no duplicates, an event for every one.
- Two sessions changing the same code at once (rename vs merge, coding vs merge, the same
  coding twice, a new coder's first two actions): each pair must be serialised or refused with
  a coded message, never half-applied, and the store must agree with its event log.
- A process killed in the middle of an import leaves no partial document.

The writer functions are those of bench/concurrency.py, so the benchmark measures exactly the
workload checked here.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text

from bench.concurrency import make_fixture, run_processes, run_threads, tally
from codebook.codes import add_code, update_code
from codebook.tree import merge_codes
from coding.codings import apply_codes
from corpus.documents import import_document
from corpus.projects import create_project
from i18n import BianmaError
from storage.engine import make_engine, make_sessionmaker
from storage.tables import Code, Coding, Document, Event, Memo

ROOT = Path(__file__).resolve().parents[2]
THREADS, PROCESSES, EACH = 4, 3, 8


def check_writers(url: str, document_id: int, results, writers: int, each: int) -> None:
    failures = [f for r in results for f in r.failures]
    assert failures == [], failures
    assert sorted(r.writer for r in results) == list(range(writers))
    counted = tally(url, document_id, results)
    assert (counted.codings, counted.memos) == (writers * each, writers * each)
    assert (counted.duplicates, counted.missing, counted.without_event, counted.memos_missing) == (0, 0, 0, 0)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        events = Counter(tuple(row) for row in session.execute(
            select(Event.action, Event.coder_id).where(Event.entity == "coding")))
        coders = dict(session.execute(
            select(Coding.coder_id, func.count(Coding.id)).where(Coding.document_id == document_id)
            .group_by(Coding.coder_id)).all())
    engine.dispose()
    # Every coder's codings and memos, each with its own event, none more.
    assert sorted(coders.values()) == [each] * writers
    assert events == Counter({("add", coder): each for coder in coders}
                             | {("memo", coder): each for coder in coders})


def test_threads_write_codings_and_memos_to_one_document(database_url, engine):
    _project, document_id, code_id = make_fixture(database_url, EACH)
    results = run_threads(database_url, document_id, code_id, THREADS, EACH, memos=True)
    check_writers(database_url, document_id, results, THREADS, EACH)


def test_processes_write_codings_and_memos_to_one_document(database_url, engine):
    _project, document_id, code_id = make_fixture(database_url, EACH)
    results = run_processes(database_url, document_id, code_id, PROCESSES, EACH, memos=True,
                            timeout=240)
    check_writers(database_url, document_id, results, PROCESSES, EACH)


# --- two sessions on the same code ---------------------------------------------------------

TEXT = "受访者：我们刚来的时候谁也不认识，后来慢慢好了。\n"
HOLD_SECONDS = 0.4


def outcome(error: BaseException | None) -> str:
    if error is None:
        return "ok"
    if isinstance(error, BianmaError):
        return error.code
    return f"{type(error).__name__}: {str(error).splitlines()[0][:160]}"


def interleave(Session, first: Callable, second: Callable) -> tuple[str, str]:
    """``first`` runs and flushes, then ``second`` runs in another session while the first
    transaction is still open; the first commits ``HOLD_SECONDS`` later."""
    outcomes: dict[str, BaseException | None] = {}
    flushed = threading.Event()

    def run_first() -> None:
        try:
            with Session.begin() as session:
                first(session)
                session.flush()
                flushed.set()
                time.sleep(HOLD_SECONDS)
            outcomes["first"] = None
        except Exception as error:
            outcomes["first"] = error
            flushed.set()

    def run_second() -> None:
        flushed.wait(60)
        try:
            with Session.begin() as session:
                second(session)
            outcomes["second"] = None
        except Exception as error:
            outcomes["second"] = error

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads), "the two sessions deadlocked"
    return outcome(outcomes["first"]), outcome(outcomes["second"])


@pytest.fixture
def two_codes(Session):
    """Codes 甲代码 and 乙代码 with a coding each, by coders 甲 and 乙; returns the ids.

    Every action below is by a coder the store already knows (but the new coder's): where a
    domain function first writes decides what it has read by then, so the scenarios are
    fixed, not left to which coder happens to be new."""
    with Session.begin() as s:
        project = create_project(s, "同时修改")
        document = import_document(s, project.id, "访谈.txt", TEXT.encode("utf-8"))
        first, second = add_code(s, project.id, "甲代码"), add_code(s, project.id, "乙代码")
        apply_codes(s, document.id, 4, 8, [first.id], coder="甲")
        apply_codes(s, document.id, 9, 12, [second.id], coder="乙")
        return {"project": project.id, "doc": document.id, "source": first.id, "target": second.id}


def actions(ids) -> dict[str, Callable]:
    project, document, source, target = ids["project"], ids["doc"], ids["source"], ids["target"]
    return {
        "rename": lambda s: update_code(s, project, source, name="新名字", coder="甲"),
        "merge": lambda s: merge_codes(s, project, source, target, coder="甲"),
        "code": lambda s: apply_codes(s, document, 13, 16, [source], coder="乙"),
        "same coding": lambda s: apply_codes(s, document, 13, 16, [source], coder="甲"),
        "new coder": lambda s: apply_codes(s, document, 13, 16, [source], coder="新来的"),
        "new coder again": lambda s: apply_codes(s, document, 17, 19, [source], coder="新来的"),
    }


def problems(Session, ids) -> list[str]:
    """Where the store and its event log disagree, or a coding is there twice."""
    found = []
    with Session() as s:
        events = s.scalars(select(Event).where(Event.project_id == ids["project"]).order_by(Event.id)).all()
        names: dict[int, str] = {}
        coding_code: dict[int, int] = {}
        for event in events:
            payload = event.payload
            if event.entity == "code" and event.action == "add":
                names[event.entity_id] = payload["name"]
            elif event.entity == "code" and event.action == "update":
                names[event.entity_id] = payload["after"]["name"]
            elif event.entity == "code" and event.action == "remove":
                recorded = payload["row"]["name"]
                if recorded != names.get(event.entity_id):
                    found.append(f"code {event.entity_id} removed as “{recorded}”, but it was "
                                 f"called “{names.get(event.entity_id)}” by then (a lost rename)")
                names.pop(event.entity_id, None)
            elif event.entity == "coding" and event.action == "add":
                coding_code[event.entity_id] = payload["code_id"]
            elif event.entity == "coding" and event.action == "recode":
                coding_code[event.entity_id] = payload["after"]
            elif event.entity == "coding" and event.action == "remove":
                coding_code.pop(event.entity_id, None)
        codes = dict(s.execute(select(Code.id, Code.name).where(Code.project_id == ids["project"])).all())
        codings = dict(s.execute(select(Coding.id, Coding.code_id)
                                 .where(Coding.document_id == ids["doc"])).all())
        if codes != names:
            found.append(f"codes {codes} but the event log says {names}")
        for coding_id, code_id in coding_code.items():
            if coding_id not in codings:
                found.append(f"coding {coding_id} was added and never removed, yet it is gone")
            elif codings[coding_id] != code_id:
                found.append(f"coding {coding_id} is on code {codings[coding_id]}, events say {code_id}")
        for coding_id in codings.keys() - coding_code.keys():
            found.append(f"coding {coding_id} has no event")
        twins = s.execute(select(Coding.code_id, Coding.coder_id, Coding.start, Coding.end, func.count())
                          .where(Coding.document_id == ids["doc"])
                          .group_by(Coding.code_id, Coding.coder_id, Coding.start, Coding.end)
                          .having(func.count() > 1)).all()
        found += [f"the same coding is stored {row[-1]} times: {tuple(row[:-1])}" for row in twins]
    return found


# (first, second): what the first session does while the second one acts on the same code.
SCENARIOS = [("rename", "merge"), ("merge", "rename"), ("code", "merge"), ("merge", "code"),
             ("same coding", "same coding"), ("new coder", "new coder again")]
# What each pair comes to, on both backends: the second waits for the first to commit and
# then works on what the first left (SQLite takes the write lock at BEGIN; PostgreSQL locks the
# code's row), so a code merged away is refused with E205 and the rest simply both apply.
EXPECTED = {
    ("rename", "merge"): ("ok", "ok"),  # the merge removes the code under its new name
    ("merge", "rename"): ("ok", "E205"),
    ("code", "merge"): ("ok", "ok"),  # the new coding moves to the target with the others
    ("merge", "code"): ("ok", "E205"),
    ("same coding", "same coding"): ("ok", "ok"),  # one coding, both get it back
    ("new coder", "new coder again"): ("ok", "ok"),
}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=" then ".join)
def test_concurrent_changes_are_never_half_applied(Session, two_codes, scenario):
    """The weaker promise, kept today: a merge is all or nothing, whoever else is at work."""
    steps = actions(two_codes)
    first, second = interleave(Session, steps[scenario[0]], steps[scenario[1]])
    with Session() as s:
        codes = set(s.scalars(select(Code.id).where(Code.project_id == two_codes["project"])))
        on_source = s.scalar(select(func.count(Coding.id)).where(Coding.code_id == two_codes["source"]))
        merges = s.scalar(select(func.count(Event.id)).where(
            Event.entity == "code", Event.action == "remove", Event.entity_id == two_codes["source"]))
    if dict(zip(scenario, (first, second))).get("merge") == "ok":
        assert two_codes["source"] not in codes and on_source == 0 and merges == 1
    else:
        assert two_codes["source"] in codes and on_source >= 1 and merges == 0
    assert two_codes["target"] in codes


@pytest.mark.parametrize("scenario", SCENARIOS, ids=" then ".join)
def test_concurrent_changes_are_serialised_or_refused_with_a_message(Session, two_codes, scenario):
    steps = actions(two_codes)
    outcomes = interleave(Session, steps[scenario[0]], steps[scenario[1]])
    unclear = [o for o in outcomes if o != "ok" and not o.startswith("E")]
    assert unclear == [], f"refused without a coded message: {unclear}"
    assert problems(Session, two_codes) == []
    assert outcomes == EXPECTED[scenario]


def backend(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def test_a_lock_held_longer_than_the_engine_waits_is_refused_with_e463(database_url, Session,
                                                                        two_codes):
    """Someone's rename holds the code (SQLite: the write lock) and does not finish: a second
    change waits as long as the engine allows, then is refused with E463, and nothing of it
    is stored."""
    patient = make_engine(database_url, lock_wait=0.5)
    holder = Session()
    try:
        holder.begin()
        update_code(holder, two_codes["project"], two_codes["source"], name="还没提交", coder="甲")
        holder.flush()
        started = time.perf_counter()
        with pytest.raises(BianmaError) as caught:
            with make_sessionmaker(patient).begin() as s:
                update_code(s, two_codes["project"], two_codes["source"], name="等不及", coder="乙")
        assert caught.value.code == "E463"
        assert 0.4 < time.perf_counter() - started < 20
    finally:
        holder.rollback()
        holder.close()
        patient.dispose()
    with Session() as s:
        assert s.get(Code, two_codes["source"]).name == "甲代码"


def test_a_session_that_only_reads_holds_up_no_change(database_url, Session, two_codes):
    """A page reading (a session without ``begin()``, its transaction still open) takes no
    write lock: a change goes through at once, well inside a short lock wait."""
    patient = make_engine(database_url, lock_wait=0.5)
    reader = Session()
    try:
        assert reader.get(Code, two_codes["source"]).name == "甲代码"
        assert reader.in_transaction()
        with make_sessionmaker(patient).begin() as s:
            update_code(s, two_codes["project"], two_codes["source"], name="读的时候改", coder="乙")
    finally:
        reader.close()
        patient.dispose()
    with Session() as s:
        assert s.get(Code, two_codes["source"]).name == "读的时候改"


def test_a_change_made_from_a_stale_read_is_refused_with_a_message(database_url, Session, two_codes):
    """A session that read a code before someone else merged it away, then changes it outside
    ``Session.begin()`` (so without a lock): refused with a code, and nothing is stored."""
    stale = Session()
    try:
        code = stale.get(Code, two_codes["source"])
        with Session.begin() as s:
            merge_codes(s, two_codes["project"], two_codes["source"], two_codes["target"], coder="乙")
        code.name = "改晚了"
        with pytest.raises(BianmaError) as caught:
            stale.commit()
    finally:
        stale.close()
    # SQLite refuses the write of a transaction whose snapshot is out of date; PostgreSQL's
    # UPDATE finds no row, which SQLAlchemy reports as stale data.
    assert caught.value.code == {"sqlite": "E463", "postgresql": "E465"}[backend(database_url)]
    assert problems(Session, two_codes) == []


def test_migration_0005_folds_codings_stored_twice_and_keeps_their_memos(engine, Session):
    """Duplicates stored before the unique index: the lowest id stays, the memos' text is
    joined onto it (once), each coding removed has an event, and a new duplicate is refused
    by the store itself."""
    from sqlalchemy.exc import IntegrityError

    from storage.migrate import downgrade, upgrade
    from storage.tables import Coder

    downgrade(engine, "0004")
    with Session.begin() as s:
        project = create_project(s, "重复编码")
        document = import_document(s, project.id, "访谈.txt", TEXT.encode("utf-8"))
        code = add_code(s, project.id, "甲代码")
        coder = s.scalar(select(Coder).where(Coder.name == "研究者"))
        span = dict(document_id=document.id, code_id=code.id, coder_id=coder.id, start=4, end=8)
        kept, twin, third = (Coding(**span) for _ in range(3))
        other = Coding(**{**span, "end": 9})
        s.add_all([kept, twin, third, other])
        s.flush()
        s.add_all([Memo(project_id=project.id, coding_id=kept.id, author_id=coder.id, text="甲的想法"),
                   Memo(project_id=project.id, coding_id=twin.id, author_id=coder.id, text="乙的补充"),
                   Memo(project_id=project.id, coding_id=third.id, author_id=coder.id, text="甲的想法")])
        ids = (project.id, kept.id, twin.id, third.id, other.id)
    project_id, kept_id, twin_id, third_id, other_id = ids
    upgrade(engine)
    with Session() as s:
        assert sorted(s.scalars(select(Coding.id))) == [kept_id, other_id]
        assert s.execute(select(Memo.coding_id, Memo.text)).all() == [(kept_id, "甲的想法\n\n乙的补充")]
        removed = s.execute(select(Event.entity_id, Event.payload).where(
            Event.project_id == project_id, Event.entity == "coding", Event.action == "remove")
            .order_by(Event.id)).all()
        assert [(entity_id, payload["kept"]) for entity_id, payload in removed] == [
            (twin_id, kept_id), (third_id, kept_id)]
        assert all("step" not in payload for _id, payload in removed)  # closes the undo history
    with pytest.raises(IntegrityError):
        with Session.begin() as s:
            s.add(Coding(**span))


# --- a process killed in the middle of an import ---------------------------------------------

CHILD = """
import sys, time
sys.path.insert(0, {root!r})
from sqlalchemy import event
from storage.engine import make_engine, make_sessionmaker
from corpus.documents import import_document

url, project_id, path, stage = sys.argv[1:5]
Session = make_sessionmaker(make_engine(url))
data = open(path, "rb").read()
session = Session()
if stage == "flushed":
    @event.listens_for(session, "after_flush")
    def hold(session, context):
        # The document and its passages are in the database, not yet committed.
        print("flushed", flush=True)
        time.sleep(600)
with session.begin():
    print("started", flush=True)
    import_document(session, int(project_id), "长访谈.txt", data)
print("finished", flush=True)
"""


def long_transcript() -> bytes:
    turn = "受访者：我们家是二〇一五年从老家搬过来的，刚来的时候谁也不认识，孩子上学的事情跑了好几趟。\n"
    question = "访谈者：后来呢？能再说说吗？\n"
    return ((question + turn) * 4000).encode("utf-8")  # 0.7 MB, 8000 turns


def row_counts(engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {table: connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar()
                for table in inspect(connection).get_table_names()}


@pytest.mark.parametrize("stage", ["parsing", "flushed"])
def test_a_process_killed_mid_import_leaves_no_partial_document(database_url, engine, Session,
                                                                 tmp_path, stage):
    with Session.begin() as s:
        project_id = create_project(s, "长访谈项目").id
    before = row_counts(engine)
    path = tmp_path / "长访谈.txt"
    path.write_bytes(long_transcript())
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD.format(root=str(ROOT)), database_url, str(project_id),
         str(path), stage], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "started"
        if stage == "flushed":
            assert child.stdout.readline().strip() == "flushed"
        else:
            time.sleep(0.3)  # parsing and tokenising a transcript this long takes seconds
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
        rest = child.stdout.read()
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    assert "finished" not in rest  # it really died in the middle
    assert row_counts(engine) == before
    # Nothing the dead transaction held (the document's name, the write lock) blocks the next
    # import under the same name.
    with Session.begin() as s:
        document = import_document(s, project_id, "长访谈.txt", TEXT.encode("utf-8"))
        passages = len(document.passages)
    with Session() as s:
        assert s.scalars(select(Document.name)).all() == ["长访谈"]
        assert s.scalar(select(func.count(Memo.id))) == 0
    assert passages == 1
