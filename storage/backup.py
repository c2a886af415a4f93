"""Backing up and restoring the SQLite store; the PostgreSQL route is pg_dump/pg_restore.

A backup is a consistent copy taken with SQLite's online backup API (``Connection.backup``),
which reads one snapshot while the app goes on writing in WAL mode. Every file is written
under a temporary name beside its destination and renamed into place, so a crash or a full
disk never leaves a half-written store or backup under the real name.

A restore trusts nothing about the file it is given: it must be an SQLite database, pass
``PRAGMA integrity_check``, carry Bianma's tables and a schema revision this version knows.
It never replaces a store with data in it unless asked (``force``), and then keeps the
replaced store beside it. The restored store is migrated to the current schema.
"""

from __future__ import annotations

import glob
import os
import shlex
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import URL, make_url

from i18n import BianmaError
from storage.engine import database_url

SQLITE_HEADER = b"SQLite format 3\x00"
# Tables every Bianma store has had since the first migration; later ones come by migrating.
REQUIRED_TABLES = ("alembic_version", "projects", "documents", "passages", "codes", "codings",
                   "coders", "memos", "events")
# Automatic backups before a schema migration kept beside the store (the newest ones).
KEEP_MIGRATION_BACKUPS = 3
MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class StoreSummary:
    """What a store holds, for the messages that name a backup or a restore."""

    revision: str | None
    projects: int
    documents: int
    codings: int

    @property
    def empty(self) -> bool:
        return not (self.projects or self.documents or self.codings)


@dataclass(frozen=True, slots=True)
class BackupReport:
    path: Path
    size: int
    summary: StoreSummary


@dataclass(frozen=True, slots=True)
class RestoreReport:
    path: Path
    source: Path
    restored_revision: str
    summary: StoreSummary
    previous: Path | None


# --- where the store is -------------------------------------------------------------------


def _url(url: str | None) -> URL:
    return make_url(database_url(url))


def libpq_url(url: URL) -> str:
    """The URL as pg_dump and psql read it: no driver, no password (PGPASSWORD or ~/.pgpass)."""
    # URL.set(password=None) keeps the password; build the URL afresh without it.
    bare = URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                      database=url.database, query=url.query)
    return bare.render_as_string(hide_password=False)


def pg_dump_command(url: str | URL, out: str | Path) -> str:
    database = libpq_url(make_url(url) if isinstance(url, str) else url)
    return shlex.join(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                       f"--file={out}", database])


def pg_restore_command(url: str | URL, source: str | Path) -> str:
    database = libpq_url(make_url(url) if isinstance(url, str) else url)
    return shlex.join(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                       "--single-transaction", f"--dbname={database}", str(source)])


def sqlite_file(url: URL) -> Path | None:
    """The file of an SQLite URL; None for an in-memory database or another backend."""
    if url.get_backend_name() != "sqlite":
        return None
    name = url.database or ""
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in str(url):
        return None
    return Path(name)


def _store_file(url: str | None, *, restoring: bool, other: Path) -> Path:
    """The SQLite file behind ``url``; PostgreSQL gets the command that does the job."""
    parsed = _url(url)
    if parsed.get_backend_name() == "postgresql":
        if restoring:
            raise BianmaError("E451", command=pg_restore_command(parsed, other))
        raise BianmaError("E450", command=pg_dump_command(parsed, other))
    path = sqlite_file(parsed)
    if path is None:
        raise BianmaError("E454", url=parsed.render_as_string(hide_password=True))
    return path


# --- copying ------------------------------------------------------------------------------


def _partial(target: Path) -> Path:
    """A temporary name beside ``target`` (same file system, so the rename is atomic)."""
    return target.with_name(f".{target.name}.{os.getpid()}.partial")


def _remove_with_journals(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    with open(path, "rb") as stream:
        os.fsync(stream.fileno())


def _fsync_directory(directory: Path) -> None:
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:  # not every platform opens directories
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _open_existing(path: Path) -> sqlite3.Connection:
    # mode=rw: never create an empty database where the store was expected.
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=30)


def copy_sqlite(source: Path, target: Path) -> StoreSummary:
    """A consistent copy of the live database ``source`` at ``target`` (replaced atomically).

    The copy is a single self-contained file (rollback journal, not WAL) that has passed
    ``PRAGMA quick_check``.
    """
    partial = _partial(target)
    _remove_with_journals(partial)
    try:
        with closing(_open_existing(source)) as live, closing(sqlite3.connect(partial)) as copy:
            # pages=-1: the whole database in one step, so from one snapshot; writers in WAL
            # mode go on meanwhile.
            live.backup(copy, pages=-1)
            copy.execute("PRAGMA journal_mode=DELETE")
            check = copy.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(check)
            summary = _summary(copy)
        _fsync(partial)
        os.replace(partial, target)
        _fsync_directory(target.parent)
    except (sqlite3.Error, OSError) as error:
        _remove_with_journals(partial)
        raise BianmaError("E462", path=str(source), detail=str(error)) from error
    return summary


def _count(connection: sqlite3.Connection, table: str) -> int:
    try:
        return connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    except sqlite3.OperationalError:  # a table this revision does not have
        return 0


def _summary(connection: sqlite3.Connection) -> StoreSummary:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        row = None
    return StoreSummary(revision=row[0] if row else None, projects=_count(connection, "projects"),
                        documents=_count(connection, "documents"),
                        codings=_count(connection, "codings"))


# --- backup -------------------------------------------------------------------------------


def backup(out: str | Path, url: str | None = None, *, force: bool = False) -> BackupReport:
    """Copy the SQLite store at ``url`` (default: the app's) to the file ``out``."""
    out = Path(out)
    source = _store_file(url, restoring=False, other=out)
    if not source.is_file():
        raise BianmaError("E453", path=str(source))
    if out.exists() and not force:
        raise BianmaError("E452", path=str(out))
    if out.resolve() == source.resolve():
        raise BianmaError("E452", path=str(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    summary = copy_sqlite(source, out)
    return BackupReport(out, out.stat().st_size, summary)


# --- restore ------------------------------------------------------------------------------


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from storage.migrate import MIGRATIONS

    return {script.revision for script in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}


def _check_backup_file(path: Path, shown: Path) -> StoreSummary:
    """Refuse anything but an intact Bianma store of a known revision; leave it self-contained."""
    try:
        with closing(sqlite3.connect(path)) as connection:
            problems = [row[0] for row in connection.execute("PRAGMA integrity_check(5)")]
            if problems != ["ok"]:
                raise BianmaError("E458", path=str(shown), detail="; ".join(problems)[:300])
            schema = connection.execute("SELECT type, name FROM sqlite_master").fetchall()
            tables = {name for kind, name in schema if kind == "table"}
            missing = [table for table in REQUIRED_TABLES if table not in tables]
            if missing:
                raise BianmaError("E457", path=str(shown), missing="、".join(missing))
            # Bianma's migrations make tables and indexes only; a trigger or view in a file
            # someone hands over would run with every later change.
            extra = sorted(name for kind, name in schema if kind in ("trigger", "view"))
            if extra:
                raise BianmaError("E464", path=str(shown), names="、".join(extra))
            summary = _summary(connection)
            if summary.revision is None:
                raise BianmaError("E457", path=str(shown), missing="alembic_version")
            if summary.revision not in known_revisions():
                raise BianmaError("E459", path=str(shown), revision=summary.revision)
            # A backup copied from a store in WAL mode: fold its log into the file.
            connection.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.DatabaseError as error:
        if "not a database" in str(error) or "encrypted" in str(error):
            raise BianmaError("E456", path=str(shown)) from error
        raise BianmaError("E458", path=str(shown), detail=str(error)) from error
    return summary


def _current_contents(target: Path) -> StoreSummary | None:
    """What the store to be replaced holds; None when there is no store there yet."""
    if not target.exists() or target.stat().st_size == 0:
        return None
    try:
        with closing(_open_existing(target)) as connection:
            return _summary(connection)
    except sqlite3.DatabaseError:
        # Something unreadable is there: treat it as data, never as nothing.
        return StoreSummary(revision=None, projects=-1, documents=-1, codings=-1)


def _release(target: Path) -> None:
    """Fold the store's write-ahead log into it; refuse if another connection holds it open.

    Replacing the file while an old ``-wal`` lies beside it would let SQLite replay that log
    onto the restored file and corrupt it.
    """
    if not target.exists():
        _remove_with_journals(target)
        return
    try:
        with closing(_open_existing(target)) as connection:
            busy = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    except sqlite3.DatabaseError:
        busy = 0  # not a database (confirmed replaceable with force): no log to fold
    if busy or Path(f"{target}-wal").exists():
        raise BianmaError("E461", path=str(target))
    Path(f"{target}-shm").unlink(missing_ok=True)


def restore(source: str | Path, url: str | None = None, *, force: bool = False) -> RestoreReport:
    """Replace the SQLite store at ``url`` with the backup ``source``, then migrate it."""
    from storage.engine import make_engine
    from storage.migrate import upgrade

    source = Path(source)
    target = _store_file(url, restoring=True, other=source)
    if not source.is_file():
        raise BianmaError("E455", path=str(source))
    with open(source, "rb") as stream:
        if stream.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BianmaError("E456", path=str(source))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = _partial(target)
    _remove_with_journals(partial)
    previous = None
    try:
        # Work on a copy: the backup file itself is never opened for writing.
        shutil.copyfile(source, partial)
        if Path(f"{source}-wal").exists():
            shutil.copyfile(f"{source}-wal", f"{partial}-wal")
        restored = _check_backup_file(partial, source)
        _release(target)  # refuse a store in use before anything else is done to it
        current = _current_contents(target)
        if current is not None and not current.empty:
            if not force:
                raise BianmaError("E460", path=str(target), projects=_shown(current.projects),
                                  documents=_shown(current.documents), codings=_shown(current.codings))
            previous = target.with_name(
                f"{target.stem}.replaced-{datetime.now():%Y%m%d-%H%M%S}{target.suffix or '.sqlite3'}")
            if current.projects < 0:  # unreadable: keep its bytes as they are
                shutil.copyfile(target, previous)
            else:
                copy_sqlite(target, previous)
        _release(target)
        _fsync(partial)
        os.replace(partial, target)
        _fsync_directory(target.parent)
    finally:
        _remove_with_journals(partial)
    engine = make_engine(f"sqlite:///{target}")
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    with closing(_open_existing(target)) as connection:
        summary = _summary(connection)
    return RestoreReport(target, source, restored.revision or "", summary, previous)


def _shown(count: int) -> str:
    return "?" if count < 0 else str(count)


# --- before a migration -------------------------------------------------------------------


def backup_before_migration(engine: Engine, target_revision: str | None) -> Path | None:
    """Copy an SQLite store that a migration is about to change; returns the copy's path.

    Nothing is copied for PostgreSQL, an in-memory or new empty database, or a store already
    at ``target_revision``. The newest ``KEEP_MIGRATION_BACKUPS`` copies are kept.
    """
    if engine.dialect.name != "sqlite":
        return None
    path = sqlite_file(engine.url)
    if path is None or not path.is_file() or path.stat().st_size == 0:
        return None
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names()) - {"alembic_version"}
        current = MigrationContext.configure(connection).get_current_revision()
    if not tables or current == target_revision:
        return None
    stem = f"{path.stem}.before-{current or 'unversioned'}"
    copy = path.with_name(f"{stem}.sqlite3")
    if copy.exists():  # an earlier attempt's copy stays; this one gets its own name
        copy = path.with_name(f"{stem}.{datetime.now():%Y%m%d-%H%M%S-%f}.sqlite3")
    copy_sqlite(path, copy)
    _prune(path)
    return copy


def migration_backups(path: Path) -> list[Path]:
    """The automatic pre-migration copies of the store at ``path``, oldest first."""
    pattern = f"{glob.escape(path.stem)}.before-*.sqlite3"
    found = [p for p in path.parent.glob(pattern) if p.is_file()]
    return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name))


def _prune(path: Path) -> None:
    for old in migration_backups(path)[:-KEEP_MIGRATION_BACKUPS]:
        old.unlink(missing_ok=True)


def size_mb(size: int) -> str:
    return f"{size / MIB:.1f}"
