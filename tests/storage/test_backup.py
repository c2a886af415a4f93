"""Backup and restore of the SQLite store, the pg_dump route, and the copy taken before a
schema migration."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import sqlite3
import subprocess
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

import cli
from codebook.codes import add_code
from coding.codings import apply_codes, write_coding_memo
from corpus.documents import import_document
from corpus.projects import create_project
from i18n import BianmaError
from storage.backup import (
    KEEP_MIGRATION_BACKUPS, backup, backup_before_migration, migration_backups, pg_dump_command,
    pg_restore_command, restore,
)
from storage.engine import make_engine, make_sessionmaker
from storage.maintenance_cli import register
from storage.migrate import upgrade
from storage.tables import Coding, Event, Memo, Project

ROOT = Path(__file__).resolve().parents[2]
OPERATIONS = ROOT / "docs" / "operations.md"
TRANSCRIPT = "访谈者：您来城里几年了？\n受访者：五年了，刚来的时候谁也不认识。\n".encode("utf-8")


def url_of(path: Path) -> str:
    return f"sqlite:///{path}"


def make_store(path: Path, *, codings: int = 3) -> int:
    """A store with one project, one document and ``codings`` codings; returns the project id."""
    engine = make_engine(url_of(path))
    upgrade(engine)
    with make_sessionmaker(engine).begin() as session:
        project = create_project(session, "移民访谈")
        document = import_document(session, project.id, "访谈01.txt", TRANSCRIPT)
        code = add_code(session, project.id, "社会网络萎缩")
        for number in range(codings):
            apply_codes(session, document.id, 17, 22, [code.id], coder=f"编码者{number}")
        project_id = project.id
    engine.dispose()
    return project_id


def sql(path: Path, statement: str) -> None:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute(statement)
        connection.commit()


def counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as connection:
        return {table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                for table in ("projects", "documents", "codings", "events")}


def revision(path: Path) -> str:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refused(code: str, call, *args, **kwargs) -> BianmaError:
    with pytest.raises(BianmaError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value
    return caught.value


def run_cli(monkeypatch, capsys, *argv: str) -> tuple[int, str, str]:
    """cli.main with the maintenance commands registered (as cli.py will once it is wired)."""
    original = cli._register_packages

    def with_maintenance(commands, common):
        original(commands, common)
        if "backup" not in commands.choices:
            register(commands, common)

    monkeypatch.setattr(cli, "_register_packages", with_maintenance)
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


# --- backup -------------------------------------------------------------------------------


def test_backup_is_a_self_contained_checked_copy(tmp_path):
    store = tmp_path / "bianma.sqlite3"
    make_store(store)
    report = backup(tmp_path / "备份" / "bianma-备份.sqlite3", url_of(store))
    assert report.path.exists() and report.size == report.path.stat().st_size
    assert (report.summary.projects, report.summary.documents, report.summary.codings) == (1, 1, 3)
    assert report.summary.revision == revision(store)
    assert counts(report.path) == counts(store)
    # One file, in rollback-journal mode: nothing beside it is needed to read it.
    assert sorted(p.name for p in report.path.parent.iterdir()) == ["bianma-备份.sqlite3"]
    with sqlite3.connect(report.path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_backup_while_the_app_writes_is_one_consistent_snapshot(tmp_path):
    """A writer commits coding + event pairs without pause; every backup holds whole pairs."""
    store = tmp_path / "bianma.sqlite3"
    make_store(store, codings=0)
    engine = make_engine(url_of(store))
    Session = make_sessionmaker(engine)
    with Session() as session:
        document_id = session.scalar(text("SELECT id FROM documents"))
        code_id = session.scalar(text("SELECT id FROM codes"))
    stop = threading.Event()
    written = []

    def write() -> None:
        number = 0
        while not stop.is_set() and number < 2000:
            with Session.begin() as session:
                coding, = apply_codes(session, document_id, 17, 22 + number % 10, [code_id],
                                      coder=f"编码者{number // 10}")
                write_coding_memo(session, coding.id, f"备忘录 {number}")
            written.append(number)
            number += 1

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while len(written) < 5:
            time.sleep(0.01)
        snapshots = []
        for number in range(4):
            report = backup(tmp_path / f"copy{number}.sqlite3", url_of(store))
            snapshots.append(report.path)
            time.sleep(0.05)
    finally:
        stop.set()
        writer.join()
        engine.dispose()
    seen = []
    for path in snapshots:
        with sqlite3.connect(path) as connection:
            codings = connection.execute("SELECT count(*) FROM codings").fetchone()[0]
            memos = connection.execute("SELECT count(*) FROM memos").fetchone()[0]
            added = connection.execute(
                "SELECT count(*) FROM events WHERE entity = 'coding' AND action = 'add'").fetchone()[0]
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert codings == memos == added  # never a coding without its memo or its event
        seen.append(codings)
    assert seen == sorted(seen) and 0 < seen[0] and seen[-1] <= len(written)


def test_backup_does_not_overwrite_without_force(tmp_path):
    store = tmp_path / "bianma.sqlite3"
    make_store(store)
    out = tmp_path / "copy.sqlite3"
    out.write_bytes(b"an older backup")
    refused("E452", backup, out, url_of(store))
    assert out.read_bytes() == b"an older backup"
    backup(out, url_of(store), force=True)
    assert counts(out) == counts(store)
    refused("E452", backup, store, url_of(store), force=True)  # never onto the store itself


def test_backup_of_a_missing_or_in_memory_store(tmp_path):
    refused("E453", backup, tmp_path / "copy.sqlite3", url_of(tmp_path / "nothing.sqlite3"))
    assert not (tmp_path / "nothing.sqlite3").exists()  # looking did not create it
    refused("E454", backup, tmp_path / "copy.sqlite3", "sqlite://")
    assert not (tmp_path / "copy.sqlite3").exists()


def test_postgresql_gets_the_pg_dump_and_pg_restore_commands_without_the_password(tmp_path):
    url = "postgresql://研究组:秘密@db.lab:5433/bianma"
    error = refused("E450", backup, tmp_path / "b.dump", url)
    command = error.params["command"]
    assert command == pg_dump_command(url, tmp_path / "b.dump")
    assert command.startswith("pg_dump --format=custom --no-owner --no-privileges --file=")
    assert "秘密" not in str(error) and "db.lab:5433/bianma" in command
    error = refused("E451", restore, tmp_path / "b.dump", url)
    assert error.params["command"].startswith("pg_restore --clean --if-exists --no-owner")
    assert "秘密" not in str(error)
    assert "docs/operations.md" in error.message("en")


# --- restore ------------------------------------------------------------------------------


def test_restore_round_trip_keeps_the_replaced_store(tmp_path):
    store = tmp_path / "bianma.sqlite3"
    make_store(store)
    saved = backup(tmp_path / "saved.sqlite3", url_of(store)).path
    before = counts(store)
    engine = make_engine(url_of(store))
    with make_sessionmaker(engine).begin() as session:
        create_project(session, "备份之后的项目")
    engine.dispose()

    refused("E460", restore, saved, url_of(store))
    assert counts(store)["projects"] == 2  # refused: untouched

    report = restore(saved, url_of(store), force=True)
    assert counts(store) == before
    assert report.previous is not None and counts(report.previous)["projects"] == 2
    assert report.previous.name.startswith("bianma.replaced-")
    engine = make_engine(url_of(store))
    with make_sessionmaker(engine)() as session:
        assert session.scalars(select(Project.name)).all() == ["移民访谈"]
    engine.dispose()


def test_restore_into_a_new_store_needs_no_force(tmp_path):
    store = tmp_path / "bianma.sqlite3"
    make_store(store)
    saved = backup(tmp_path / "saved.sqlite3", url_of(store)).path
    target = tmp_path / "新的" / "bianma.sqlite3"
    report = restore(saved, url_of(target))
    assert report.previous is None and counts(target) == counts(store)
    assert digest(saved) == digest(tmp_path / "saved.sqlite3")  # the backup itself is untouched


def test_restore_over_a_store_in_wal_mode_folds_and_removes_its_log(tmp_path):
    """A stale -wal beside the old store must never be replayed onto the restored file."""
    store = tmp_path / "bianma.sqlite3"
    make_store(store)
    saved = backup(tmp_path / "saved.sqlite3", url_of(store)).path
    engine = make_engine(url_of(store))
    with make_sessionmaker(engine).begin() as session:
        for number in range(5):
            create_project(session, f"之后的项目{number}")
    engine.dispose()
    restore(saved, url_of(store), force=True)
    assert counts(store)["projects"] == 1
    with sqlite3.connect(store) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_restore_refuses_while_the_store_is_open(tmp_path):
    store = tmp_path / "bianma.sqlite3"
    make_store(store)
    saved = backup(tmp_path / "saved.sqlite3", url_of(store)).path
    engine = make_engine(url_of(store))
    with engine.connect() as connection:  # the running app
        connection.execute(select(func.count(Project.id))).scalar()
        before = counts(store)
        refused("E461", restore, saved, url_of(store), force=True)
        assert counts(store) == before
    engine.dispose()


def test_restore_of_an_older_revision_migrates_it(tmp_path):
    old = tmp_path / "old.sqlite3"
    engine = make_engine(url_of(old))
    upgrade(engine, "0003")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO projects (name, description, user_words, stop_words, "
                                "created_at) VALUES ('旧项目', '', '', '', '2024-01-01')"))
    engine.dispose()
    saved = backup(tmp_path / "saved.sqlite3", url_of(old)).path
    target = tmp_path / "bianma.sqlite3"
    report = restore(saved, url_of(target))
    assert report.restored_revision == "0003"
    assert report.summary.revision == revision(target) != "0003"
    assert report.summary.projects == 1
    with sqlite3.connect(target) as connection:  # 0004's tables are there now
        assert connection.execute("SELECT count(*) FROM memberships").fetchone()[0] == 0


def _not_sqlite(tmp_path):
    path = tmp_path / "notes.sqlite3"
    path.write_bytes("这不是数据库，而是一份访谈记录。".encode("utf-8") * 20)
    return path, "E456"


def _empty_file(tmp_path):
    path = tmp_path / "empty.sqlite3"
    path.write_bytes(b"")
    return path, "E456"


def _missing(tmp_path):
    return tmp_path / "missing.sqlite3", "E455"


def _other_sqlite(tmp_path):
    path = tmp_path / "other.sqlite3"
    sql(path, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    return path, "E457"


def _unversioned(tmp_path):
    path = tmp_path / "unversioned.sqlite3"
    make_store(path)
    sql(path, "DELETE FROM alembic_version")
    return path, "E457"


def _newer(tmp_path):
    path = tmp_path / "newer.sqlite3"
    make_store(path)
    sql(path, "UPDATE alembic_version SET version_num = '9999'")
    return path, "E459"


def _with_trigger(tmp_path):
    path = tmp_path / "trigger.sqlite3"
    make_store(path)
    sql(path, "CREATE TRIGGER quietly_drop AFTER INSERT ON codings BEGIN "
              "DELETE FROM codings WHERE id = NEW.id; END")
    return path, "E464"


def _truncated(tmp_path):
    path = tmp_path / "truncated.sqlite3"
    make_store(path)
    data = backup(tmp_path / "whole.sqlite3", url_of(path)).path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path, "E458"


def _damaged(tmp_path):
    """Garbage over a table's pages: the header is fine, the b-tree is not."""
    path = tmp_path / "damaged.sqlite3"
    make_store(path, codings=200)
    copy = backup(tmp_path / "whole.sqlite3", url_of(path)).path
    data = bytearray(copy.read_bytes())
    with sqlite3.connect(copy) as connection:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        root = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'codings'").fetchone()[0]
    start = (root - 1) * page_size
    data[start: start + page_size] = b"\xa5" * page_size
    path.write_bytes(bytes(data))
    return path, "E458"


@pytest.mark.parametrize("make_bad", [_not_sqlite, _empty_file, _missing, _other_sqlite,
                                      _unversioned, _newer, _with_trigger, _truncated, _damaged],
                         ids=lambda f: f.__name__.strip("_"))
def test_restore_refuses_a_bad_file_and_changes_nothing(tmp_path, make_bad):
    store = tmp_path / "bianma.sqlite3"
    make_store(store)
    before = digest(store)
    bad, code = make_bad(tmp_path)
    error = refused(code, restore, bad, url_of(store), force=True)
    assert str(bad) in error.message("zh") and str(bad) in error.message("en")
    assert digest(store) == before
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")
                 or ".partial-" in p.name or p.name.startswith("bianma.replaced-")]
    assert leftovers == []


# --- before a migration -------------------------------------------------------------------


def test_a_store_is_copied_before_a_migration_changes_it(tmp_path):
    store = tmp_path / "bianma.sqlite3"
    engine = make_engine(url_of(store))
    upgrade(engine, "0003")
    assert migration_backups(store) == []  # a new empty database needs no copy
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO projects (name, description, user_words, stop_words, "
                                "created_at) VALUES ('迁移前的项目', '', '', '', '2024-01-01')"))
    upgrade(engine)
    copies = migration_backups(store)
    assert [p.name for p in copies] == ["bianma.before-0003.sqlite3"]
    assert revision(copies[0]) == "0003" and counts(copies[0])["projects"] == 1
    assert revision(store) != "0003"
    upgrade(engine)  # already at head: nothing more
    assert migration_backups(store) == copies
    engine.dispose()


def test_only_the_newest_migration_copies_are_kept(tmp_path):
    store = tmp_path / "bianma.sqlite3"
    engine = make_engine(url_of(store))
    upgrade(engine, "0002")
    old = []
    for number in range(KEEP_MIGRATION_BACKUPS + 1):
        path = tmp_path / f"bianma.before-000{number}.{number}.sqlite3"
        path.write_bytes(b"older copy")
        os.utime(path, (1_000_000 + number, 1_000_000 + number))
        old.append(path)
    upgrade(engine, "0003")
    kept = migration_backups(store)
    assert len(kept) == KEEP_MIGRATION_BACKUPS
    assert kept[-1].name == "bianma.before-0002.sqlite3"
    assert kept[:-1] == old[-(KEEP_MIGRATION_BACKUPS - 1):]
    engine.dispose()


def test_only_sqlite_files_are_copied(engine, database_url, tmp_path):
    made = backup_before_migration(engine, "0001")
    if engine.dialect.name == "postgresql":
        assert made is None
    else:
        store = Path(database_url.removeprefix("sqlite:///"))
        assert made == tmp_path / f"bianma.before-{revision(store)}.sqlite3"
    memory = create_engine("sqlite://")
    upgrade(memory)
    assert backup_before_migration(memory, "0001") is None
    memory.dispose()


# --- the commands ---------------------------------------------------------------------------


def test_backup_and_restore_commands(tmp_path, monkeypatch, capsys):
    store = tmp_path / "bianma.sqlite3"
    make_store(store)
    out = tmp_path / "备份.sqlite3"
    status, printed, _ = run_cli(monkeypatch, capsys, "backup", str(out), "--db", url_of(store), "--json")
    assert status == 0
    assert json.loads(printed) == {"path": str(out), "bytes": out.stat().st_size,
                                   "revision": revision(store), "projects": 1, "documents": 1,
                                   "codings": 3}
    status, _, err = run_cli(monkeypatch, capsys, "restore", str(out), "--db", url_of(store))
    assert status == 2 and err.startswith("[E460]")
    status, printed, _ = run_cli(monkeypatch, capsys, "restore", str(out), "--db", url_of(store), "--force")
    assert status == 0
    assert "已从" in printed and "Restored" in printed and "replaced" in printed
    status, _, err = run_cli(monkeypatch, capsys, "backup", str(out), "--db",
                             "postgresql+psycopg://bianma@db.lab/bianma")
    assert status == 2 and "[E450]" in err and "pg_dump --format=custom" in err


def test_the_documented_bianma_commands_parse(monkeypatch):
    lines = [line for line in _code_lines() if line.startswith(".venv/bin/bianma ")]
    assert any(" backup " in line for line in lines) and any(" restore " in line for line in lines)
    original = cli._register_packages

    def with_maintenance(commands, common):
        original(commands, common)
        if "backup" not in commands.choices:
            register(commands, common)

    monkeypatch.setattr(cli, "_register_packages", with_maintenance)
    parser = cli.build_parser()
    for line in lines:
        argv = shlex.split(line.split("  #")[0].replace("$(date +%F)", "2026-05-01"))[1:]
        args = parser.parse_args(argv)
        assert args.command in {"backup", "restore", "project"}


def _code_lines() -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", OPERATIONS.read_text(encoding="utf-8"), re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


@pytest.mark.postgres
def test_the_documented_pg_dump_and_pg_restore_commands_round_trip(postgres_server, tmp_path):
    """The exact pg_dump / pg_restore lines of docs/operations.md, pointed at a test server."""
    documented = {line.split()[0]: line for line in _code_lines()
                  if line.startswith(("pg_dump ", "pg_restore --no-owner"))}
    assert set(documented) == {"pg_dump", "pg_restore"}
    admin = create_engine(postgres_server.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text('CREATE DATABASE "bianma_docs_source"'))
        connection.execute(text('CREATE DATABASE "bianma_docs_restored"'))
    admin.dispose()
    source_url = postgres_server.url("bianma_docs_source")
    engine = make_engine(source_url)
    upgrade(engine)
    with make_sessionmaker(engine).begin() as session:
        project = create_project(session, "团队项目")
        document = import_document(session, project.id, "访谈01.txt", TRANSCRIPT)
        code = add_code(session, project.id, "社会网络萎缩")
        apply_codes(session, document.id, 17, 22, [code.id], coder="甲")
    engine.dispose()

    dump = tmp_path / "bianma.dump"
    for program, target in (("pg_dump", "bianma_docs_source"), ("pg_restore", "bianma_docs_restored")):
        argv = shlex.split(documented[program].replace("$(date +%F)", "2026-05-01"))
        database = f"postgresql://postgres@127.0.0.1:{postgres_server.port}/{target}"
        argv = [str(postgres_server.bin_dir / program)] + [
            f"--file={dump}" if a.startswith("--file=") else
            f"--dbname={database}" if a.startswith("--dbname=") else
            database if a.startswith("postgresql://") else
            str(dump) if a.endswith(".dump") else a
            for a in argv[1:]]
        subprocess.run(argv, check=True, capture_output=True, timeout=120)
    restored = make_engine(postgres_server.url("bianma_docs_restored"))
    upgrade(restored)
    with make_sessionmaker(restored)() as session:
        assert session.scalars(select(Project.name)).all() == ["团队项目"]
        assert session.scalar(select(func.count(Coding.id))) == 1
        assert session.scalar(select(func.count(Event.id))) >= 3
        assert session.scalar(select(func.count(Memo.id))) == 0
    restored.dispose()
    # The commands the refusal prints carry the same options as the documented ones.
    assert pg_dump_command(source_url, "x.dump").split()[:4] == documented["pg_dump"].split()[:4]
    assert set(pg_restore_command(source_url, "x.dump").split()) >= (
        set(documented["pg_restore"].split()[:-2]))


def test_the_maintenance_catalogue():
    """Codes in E450–E499, other keys under maintenance., both languages, same placeholders."""
    from string import Formatter

    from i18n.catalogue.maintenance import MESSAGES

    def placeholders(message: str) -> set[str]:
        return {name for _text, name, _spec, _conv in Formatter().parse(message) if name}

    assert MESSAGES
    for key, (zh, en) in MESSAGES.items():
        assert (key.startswith("E") and 450 <= int(key[1:]) <= 499) or key.startswith("maintenance."), key
        assert zh and en and zh != en
        assert placeholders(zh) == placeholders(en), key
