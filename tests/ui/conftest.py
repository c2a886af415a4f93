"""Fixtures of the page tests: a fresh app home (SQLite file, demo on first start) and its store."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.engine import make_engine, make_sessionmaker


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("BIANMA_HOME", str(tmp_path))
    monkeypatch.delenv("BIANMA_DATABASE_URL", raising=False)
    return tmp_path


@pytest.fixture
def store(home):
    engine = make_engine(f"sqlite:///{home / 'bianma.sqlite3'}")
    yield make_sessionmaker(engine)
    engine.dispose()
