"""Alembic, run from code: the app and the CLI bring any database up to date at start."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate to ``revision``; an SQLite store the migration changes is copied first
    (``<name>.before-<revision>.sqlite3`` beside it, see storage.backup)."""
    from storage.backup import backup_before_migration

    config = alembic_config(engine)
    backup_before_migration(engine, _resolve(config, revision))
    command.upgrade(config, revision)


def _resolve(config: Config, revision: str) -> str | None:
    """The revision id ``revision`` names; None when it is relative or unknown (then any
    store that has tables is copied before migrating)."""
    script = ScriptDirectory.from_config(config)
    if revision in ("head", "heads"):
        return script.get_current_head()
    try:
        found = script.get_revision(revision)
    except CommandError:
        return None
    return found.revision if found is not None else None


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)
