"""Engine and session factory: an SQLite file by default, PostgreSQL through one URL setting."""

from __future__ import annotations

import functools
import os
import sqlite3
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.engine.url import make_url
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from i18n import BianmaError

DATABASE_URL_VARIABLE = "BIANMA_DATABASE_URL"
# How long a transaction waits for a lock another one holds before it is refused (E463):
# SQLite's busy timeout and PostgreSQL's lock_timeout alike.
LOCK_WAIT_SECONDS = 30
# Execution option a writing session sets on its SQLite connection (see StoreSession.begin).
_SQLITE_WRITE = "bianma_sqlite_write"
# PostgreSQL's SQLSTATEs for "could not serialise" and "deadlock detected" (E465), and for
# "lock not available" (E463, lock_timeout ran out).
_CONFLICT_STATES = {"40001": "E465", "40P01": "E465", "55P03": "E463"}


def default_database_path() -> Path:
    """Where the app and the CLI keep their SQLite file unless told otherwise."""
    base = os.environ.get("BIANMA_HOME") or os.path.join(
        os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share"), "bianma"
    )
    return Path(base) / "bianma.sqlite3"


def database_url(url: str | None = None) -> str:
    """An explicit URL, else ``BIANMA_DATABASE_URL``, else the default SQLite file."""
    if url:
        return url
    if os.environ.get(DATABASE_URL_VARIABLE):
        return os.environ[DATABASE_URL_VARIABLE]
    path = default_database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def make_engine(url: str | None = None, *, lock_wait: float = LOCK_WAIT_SECONDS) -> Engine:
    """The engine for ``url`` (see ``database_url``); a transaction waits at most
    ``lock_wait`` seconds for a lock another holds, then is refused with E463."""
    url = database_url(url)
    if url.startswith("postgresql://"):
        # psycopg 3 is the driver we ship; the bare scheme would ask for psycopg2.
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": lock_wait})
        event.listen(engine, "connect", functools.partial(_sqlite_pragmas, lock_wait=lock_wait))
        event.listen(engine, "begin", _sqlite_begin)
    else:
        connect_args = {}
        if "options" not in make_url(url).query:  # a URL's own server options win
            connect_args["options"] = f"-c lock_timeout={round(lock_wait * 1000)}"
        engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    event.listen(engine, "handle_error", _refuse_lock_conflicts)
    return engine


def _sqlite_pragmas(dbapi_connection, _record, *, lock_wait: float) -> None:
    # The driver would open a transaction only at the first INSERT/UPDATE/DELETE, so what a
    # change read before it (a code's name before a merge) came from no transaction at all
    # and another writer could change it in between. Turning the driver's own handling off
    # lets _sqlite_begin open every transaction (SQLAlchemy's documented pysqlite recipe);
    # it also makes savepoints work.
    dbapi_connection.isolation_level = None
    # WAL lets readers (other browser tabs) go on while one writer commits; SQLite leaves
    # foreign keys off unless asked on every connection.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={round(lock_wait * 1000)}")
    if ":memory:" not in str(dbapi_connection):
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection) -> None:
    """Open the transaction: ``BEGIN IMMEDIATE`` for a change, a plain ``BEGIN`` for reading.

    IMMEDIATE takes SQLite's one write lock at once (waiting up to the busy timeout), so a
    change reads nothing another writer could still alter: changes to one store run one
    after another, each seeing the one before. Reading sessions take no lock and, in WAL
    mode, never wait for a writer; their plain BEGIN still gives them one consistent view.
    """
    immediate = connection.get_execution_options().get(_SQLITE_WRITE, False)
    # Straight to the driver, as the driver's own BEGIN went: transaction control, not a
    # statement for SQLAlchemy's statement events (which count queries) to see.
    try:
        connection.connection.dbapi_connection.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
    except sqlite3.OperationalError as error:
        if _sqlite_busy(error):
            raise BianmaError("E463") from error
        raise


def _refuse_lock_conflicts(context: ExceptionContext) -> None:
    """A lock wait that ran out or a conflict the database broke becomes a coded refusal.

    The transaction is lost either way (the caller rolls it back); what the person sees is
    that nothing was saved and that trying again will do, not a driver's traceback.
    """
    error = context.original_exception
    state = getattr(error, "sqlstate", None)
    if state in _CONFLICT_STATES:
        raise BianmaError(_CONFLICT_STATES[state]) from context.sqlalchemy_exception
    if isinstance(error, sqlite3.OperationalError) and _sqlite_busy(error):
        raise BianmaError("E463") from context.sqlalchemy_exception


def _sqlite_busy(error: sqlite3.OperationalError) -> bool:
    """The busy timeout ran out, or the transaction's snapshot is older than a commit it
    would have to write over (WAL refuses that at once: waiting would not help)."""
    name = getattr(error, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in str(error)


class StoreSession(Session):
    """The session every part of Bianma uses (``make_sessionmaker``).

    ``Session.begin()`` (``with Session.begin() as s``: one user action that changes
    something) opens an SQLite transaction with the write lock, see ``_sqlite_begin``; a
    session that only reads begins without it. A flush that finds a row it updates already
    changed or deleted by another transaction raises E465 instead of SQLAlchemy's
    StaleDataError.
    """

    def begin(self, nested: bool = False) -> SessionTransaction:
        transaction = super().begin(nested)
        if not nested and self.bind is not None and self.bind.dialect.name == "sqlite":
            # Take the connection now, marked as writing, so its BEGIN is IMMEDIATE.
            self.connection(execution_options={_SQLITE_WRITE: True})
        return transaction

    def flush(self, objects=None) -> None:
        try:
            super().flush(objects)
        except StaleDataError as error:
            raise BianmaError("E465") from error


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: pages read attributes after the ``with Session.begin()`` block.
    return sessionmaker(engine, class_=StoreSession, expire_on_commit=False)
