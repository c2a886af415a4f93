"""Fixtures shared by every test: one kind of database per parameter, fresh for each test."""

from __future__ import annotations

import itertools
import os
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from postgres_server import PostgresServer  # noqa: E402

from storage.engine import make_engine, make_sessionmaker  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

_database_numbers = itertools.count()


@pytest.fixture(scope="session")
def postgres_server():
    server = PostgresServer.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """A new, empty database of each kind; the PostgreSQL one on the fixture's server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'bianma.sqlite3'}"
    server = request.getfixturevalue("postgres_server")
    name = f"bianma_test_{os.getpid()}_{next(_database_numbers)}"
    admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.url(name)


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def Session(engine):
    return make_sessionmaker(engine)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'bianma.sqlite3'}"
