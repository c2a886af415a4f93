"""What every hostile-file test checks: the importer raises the exact coded, bilingual
BianmaError in time, and no table of the store changes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from i18n import BianmaError
from storage.tables import Base

# A hostile file must be refused, not worked on forever: past this the importer counts as hung.
HANG_SECONDS = 120


@dataclass
class Store:
    engine: Engine
    Session: sessionmaker[Session]
    project_id: int

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as connection:
            return {table.name: connection.execute(select(func.count()).select_from(table)).scalar()
                    for table in Base.metadata.sorted_tables}


def within_deadline(action: Callable[[], Any], seconds: float = HANG_SECONDS) -> Any:
    """Run ``action``; fail the test (instead of hanging the run) if it does not return."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = action()
        except BaseException as error:  # handed back to the test below
            outcome["error"] = error

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        pytest.fail(f"still running after {seconds} s: the importer hangs on this file")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def assert_refused(store: Store, code: str, importer: Callable[[Session], Any]) -> BianmaError:
    """``importer`` run in a transaction raises BianmaError ``code`` and no table changes."""
    before = store.counts()

    def attempt() -> None:
        with store.Session.begin() as session:
            importer(session)

    with pytest.raises(BianmaError) as caught:
        within_deadline(attempt)
    error = caught.value
    assert error.code == code, f"expected {code}, got {error}"
    # A clear message in both languages, with its code.
    assert str(error).startswith(f"[{code}] ") and " / " in str(error)
    assert error.message("zh") != error.message("en")
    assert store.counts() == before
    return error
