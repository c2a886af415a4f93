"""``bianma deidentify …``: find identifiers, replace the accepted ones, export the key.

``scan --json`` writes the review as JSON; edit it (drop rows, set ``"accept": false``, change a
``pseudonym``) and give it back to ``apply --accept FILE``. A CSV with the columns 原文/original,
类型/kind and optionally 化名/pseudonym and 替换/accept works too. ``--accept all`` takes every
finding of a fresh scan.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from i18n import BianmaError

_FALSE = {"", "0", "false", "no", "n", "否", "不", "×"}
_COLUMNS = {"原文": "original", "original": "original", "类型": "kind", "kind": "kind",
            "化名": "pseudonym", "pseudonym": "pseudonym", "替换": "accept", "accept": "accept"}


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    deidentify = commands.add_parser(
        "deidentify", parents=[common], help="find names, places, work units and numbers; replace them")
    sub = deidentify.add_subparsers(dest="deidentify_command", required=True)

    scan = sub.add_parser("scan", parents=[common], help="list what would be replaced, with pseudonyms")
    scan.add_argument("--project", required=True, help="project name or id")
    scan.add_argument("--names", type=Path, help="extra names or places, one per line")
    scan.set_defaults(func=cmd_scan)

    apply = sub.add_parser("apply", parents=[common], help="replace accepted identifiers in the store")
    apply.add_argument("--project", required=True, help="project name or id")
    apply.add_argument("--accept", required=True, metavar="all|FILE",
                       help="'all', or the edited output of `scan --json` (or a CSV)")
    apply.add_argument("--names", type=Path, help="extra names or places, one per line (with 'all')")
    apply.set_defaults(func=cmd_apply)

    key = sub.add_parser("key", parents=[common], help="export the key of originals and pseudonyms (owner)")
    key.add_argument("--project", required=True, help="project name or id")
    key.add_argument("--out", required=True, type=Path, help="OUT.csv (UTF-8 with BOM)")
    key.set_defaults(func=cmd_key)


def _names(path: Path | None) -> list[str]:
    if path is None:
        return []
    return [line.strip() for line in path.read_text(encoding="utf-8-sig").splitlines() if line.strip()]


def cmd_scan(args: argparse.Namespace) -> int:
    from cli import emit, transaction
    from corpus.projects import find_project
    from corpus.pseudonyms import review

    with transaction(args) as session:
        project = find_project(session, args.project)
        rows = review(session, project.id, user_list=_names(args.names))
        data = [asdict(row) | {"accept": True} for row in rows]
    emit(args, data, lambda: (
        f"{d['kind']}\t{d['original']}\t{d['pseudonym']}\t{d['count']}\t{d['example']}" for d in data))
    return 0


def read_accept_file(data: bytes, name: str) -> list[tuple[str, str, str | None]]:
    """The accepted rows of a review file: JSON from ``scan --json`` or a CSV."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BianmaError("E510", row=1) from None
    if name.lower().endswith(".json"):
        try:
            records = json.loads(text)
        except json.JSONDecodeError as error:
            raise BianmaError("E510", row=error.lineno) from None
        if not isinstance(records, list):
            raise BianmaError("E510", row=1)
        rows = [(number, record) for number, record in enumerate(records, start=1)]
    else:
        table = list(csv.reader(io.StringIO(text, newline="")))
        header = [_COLUMNS.get(cell.strip().lower(), _COLUMNS.get(cell.strip())) for cell in table[0]] if table else []
        rows = [(number, dict(zip(header, cells)))
                for number, cells in enumerate(table[1:], start=2) if any(c.strip() for c in cells)]
    return [row for number, record in rows if (row := _accepted(number, record)) is not None]


def _accepted(number: int, record: Any) -> tuple[str, str, str | None] | None:
    if not isinstance(record, dict) or not isinstance(record.get("original"), str) \
            or not isinstance(record.get("kind"), str):
        raise BianmaError("E510", row=number)
    accept = record.get("accept", True)
    if isinstance(accept, str):
        accept = accept.strip().lower() not in _FALSE
    if not accept:
        return None
    pseudonym = record.get("pseudonym")
    return record["original"], record["kind"], pseudonym if isinstance(pseudonym, str) and pseudonym else None


def cmd_apply(args: argparse.Namespace) -> int:
    from cli import emit, transaction
    from corpus.projects import find_project
    from corpus.pseudonyms import apply_pseudonyms, review

    accepted: list[Any] = []
    if args.accept != "all":
        path = Path(args.accept)
        accepted = read_accept_file(path.read_bytes(), path.name)
    with transaction(args) as session:
        project = find_project(session, args.project)
        if args.accept == "all":
            accepted = [(r.original, r.kind) for r in review(session, project.id, user_list=_names(args.names))]
        report = apply_pseudonyms(session, project.id, accepted, coder=args.coder)
        data = asdict(report)
    emit(args, data, lambda: iter([
        f"{data['replacements']} replacements in {data['documents']} documents, "
        f"{data['codings']} codings moved, {data['keys_added']} key entries added"]))
    return 0


def cmd_key(args: argparse.Namespace) -> int:
    from cli import emit, transaction
    from corpus.projects import find_project
    from corpus.pseudonyms import export_key, read_key_csv

    with transaction(args) as session:
        project = find_project(session, args.project)
        content = export_key(session, project.id, coder=args.coder)
        # Written inside the transaction: if the file cannot be written, the export is not
        # logged as done. Only the owner of the file may read it.
        descriptor = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(content)
    data = {"out": str(args.out), "entries": len(read_key_csv(content))}
    emit(args, data, lambda: iter([f"{data['entries']} entries written to {data['out']}"]))
    return 0
