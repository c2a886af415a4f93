"""``bianma backup OUT`` and ``bianma restore IN [--force]``: the SQLite store to and from a file.

``register(commands, common)`` adds both commands to cli.py's subparsers. Neither opens the
store through ``cli.transaction``: a backup must copy the store as it is, before any
migration, and a restore replaces the file the transaction would open.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from i18n.translate import t


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    backup = commands.add_parser(
        "backup", parents=[common],
        help="copy the SQLite store to a file while the app keeps running (PostgreSQL: pg_dump)")
    backup.add_argument("out", type=Path, metavar="OUT", help="the backup file to write")
    backup.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    backup.set_defaults(func=cmd_backup)

    restore = commands.add_parser(
        "restore", parents=[common],
        help="replace the SQLite store with a backup and migrate it (PostgreSQL: pg_restore)")
    restore.add_argument("source", type=Path, metavar="IN", help="a file written by bianma backup")
    restore.add_argument("--force", action="store_true",
                         help="replace a store that has data (it is kept beside it first)")
    restore.set_defaults(func=cmd_restore)


def _both(key: str, **params) -> str:
    return f"{t(key, 'zh', **params)} / {t(key, 'en', **params)}"


def cmd_backup(args: argparse.Namespace) -> int:
    from cli import emit
    from storage.backup import backup, size_mb

    report = backup(args.out, args.db, force=args.force)
    summary = report.summary
    data = {"path": str(report.path), "bytes": report.size, "revision": summary.revision,
            "projects": summary.projects, "documents": summary.documents,
            "codings": summary.codings}
    emit(args, data, lambda: iter([_both(
        "maintenance.backup_done", path=report.path, size_mb=size_mb(report.size),
        revision=summary.revision or "—", projects=summary.projects,
        documents=summary.documents, codings=summary.codings)]))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from cli import emit
    from storage.backup import restore

    report = restore(args.source, args.db, force=args.force)
    summary = report.summary
    data = {"path": str(report.path), "source": str(report.source),
            "restored_revision": report.restored_revision, "revision": summary.revision,
            "projects": summary.projects, "documents": summary.documents,
            "codings": summary.codings,
            "previous": str(report.previous) if report.previous else None}

    def lines():
        yield _both("maintenance.restore_done", source=report.source, path=report.path,
                    before=report.restored_revision, after=summary.revision or "—",
                    projects=summary.projects, documents=summary.documents,
                    codings=summary.codings)
        if report.previous:
            yield _both("maintenance.previous_kept", path=report.previous)

    emit(args, data, lines)
    return 0
