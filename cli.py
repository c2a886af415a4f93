"""``bianma``: the workbench's operations from the shell.

Every command takes ``--db URL`` (default: the SQLite file the app uses) and ``--json``.
Errors print bilingually to stderr with their code and exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from i18n import BianmaError


@contextmanager
def transaction(args: argparse.Namespace) -> Iterator[Session]:
    """One session per command, committed only if the whole command succeeds."""
    from storage.engine import make_engine, make_sessionmaker
    from storage.migrate import upgrade

    engine = make_engine(args.db)
    upgrade(engine)
    try:
        with make_sessionmaker(engine).begin() as session:
            yield session
    finally:
        engine.dispose()


def emit(args: argparse.Namespace, data: Any, lines: Callable[[], Iterator[str]]) -> None:
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        for line in lines():
            print(line)


def cmd_project_create(args: argparse.Namespace) -> int:
    from corpus.projects import create_project

    with transaction(args) as session:
        project = create_project(session, args.name, coder=args.coder, description=args.description)
        data = {"id": project.id, "name": project.name}
        if args.template:
            from codebook.templates import apply_template
            from coding.undo import mark_baseline

            report = apply_template(session, project.id, args.template, coder=args.coder)
            # The template is where the project starts: undo does not go back before it.
            mark_baseline(session, project.id, coder=args.coder)
            data.update(template=args.template, codes=report.added)
    emit(args, data, lambda: iter([f"{data['id']}\t{data['name']}"]))
    return 0


def cmd_project_list(args: argparse.Namespace) -> int:
    from corpus.projects import list_projects

    with transaction(args) as session:
        data = [asdict(p) for p in list_projects(session)]
    emit(args, data, lambda: (f"{p['id']}\t{p['name']}\t{p['documents']} docs" for p in data))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from corpus.documents import import_document
    from corpus.projects import find_project

    # All files in one transaction: a bad file leaves the project as it was.
    with transaction(args) as session:
        project = find_project(session, args.project)
        data = []
        for path in args.files:
            document = import_document(
                session, project.id, path.name, path.read_bytes(), kind=args.kind, coder=args.coder)
            speakers = sorted({p.speaker for p in document.passages if p.speaker})
            data.append({
                "file": str(path), "doc": document.id, "name": document.name,
                "encoding": document.encoding, "passages": len(document.passages),
                "speakers": speakers,
            })
    emit(args, data, lambda: (
        f"{d['file']}\tdoc {d['doc']}\t{d['encoding']}\t{d['passages']} passages\t"
        f"{len(d['speakers'])} speakers: {'、'.join(d['speakers'])}" for d in data))
    return 0


def cmd_passages(args: argparse.Namespace) -> int:
    from corpus.documents import get_document
    from corpus.projects import find_project

    with transaction(args) as session:
        project = find_project(session, args.project)
        documents = ([get_document(session, args.doc, project.id)] if args.doc is not None
                     else project.documents)
        data = [
            {"doc": d.id, "index": p.index, "speaker": p.speaker, "time": p.timestamp,
             "start": p.start, "end": p.end, "text": d.text[p.start:p.end]}
            for d in documents for p in d.passages
        ]
    emit(args, data, lambda: (
        f"{p['doc']}:{p['index']}\t{p['speaker'] or ''}\t{p['time'] or ''}\t{p['text']}" for p in data))
    return 0


def cmd_code(args: argparse.Namespace) -> int:
    from codebook.codes import find_code_by_path
    from coding.codings import apply_codes
    from corpus.documents import get_document
    from corpus.projects import find_project

    with transaction(args) as session:
        project = find_project(session, args.project)
        document = get_document(session, args.doc, project.id)
        codes = [find_code_by_path(session, project.id, path) for path in args.code]
        codings = apply_codes(session, document.id, args.start, args.end, [c.id for c in codes],
                              coder=args.coder)
        data = [{"id": c.id, "doc": document.id, "code": path, "start": c.start, "end": c.end,
                 "text": document.text[c.start:c.end]} for c, path in zip(codings, args.code)]
    emit(args, data, lambda: (f"coding {d['id']}\t{d['code']}\t{d['text']}" for d in data))
    return 0


def cmd_codings(args: argparse.Namespace) -> int:
    from coding.codings import project_codings
    from corpus.projects import find_project

    with transaction(args) as session:
        project = find_project(session, args.project)
        data = [
            {"id": s.id, "doc": s.document_id, "document": s.document, "code": s.code_path,
             "start": s.start, "end": s.end, "text": s.text, "coder": s.coder,
             "speaker": s.speaker, "provenance": s.provenance, "memo": s.memo,
             "created_at": s.created_at.isoformat()}
            for s in project_codings(session, project.id)
        ]
    emit(args, data, lambda: (f"{d['doc']}\t{d['code']}\t{d['coder']}\t{d['text']}" for d in data))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from demo.seed import seed_demo

    with transaction(args) as session:
        project = seed_demo(session)
        data = {"id": project.id, "name": project.name}
    emit(args, data, lambda: iter([f"{data['id']}\t{data['name']}"]))
    return 0


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="URL", default=argparse.SUPPRESS,
                        help="database URL (default: BIANMA_DATABASE_URL or the app's SQLite file)")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="machine-readable output")
    common.add_argument("--coder", default=argparse.SUPPRESS, help="who is acting (default 研究者)")
    parser = argparse.ArgumentParser(prog="bianma", parents=[common],
                                     description="编码 Bianma — qualitative coding of Chinese interviews")
    commands = parser.add_subparsers(dest="command", required=True)

    project = commands.add_parser("project", parents=[common], help="create or list projects")
    project_commands = project.add_subparsers(dest="project_command", required=True)
    create = project_commands.add_parser("create", parents=[common], help="create a project")
    create.add_argument("name")
    create.add_argument("--description", default="")
    create.add_argument("--template", metavar="ID",
                        help="start from a codebook template (see `bianma codebook templates`)")
    create.set_defaults(func=cmd_project_create)
    project_commands.add_parser("list", parents=[common], help="list projects").set_defaults(
        func=cmd_project_list)

    importer = commands.add_parser("import", parents=[common], help="import transcripts or notes")
    importer.add_argument("project", help="project name or id")
    importer.add_argument("files", nargs="+", type=Path)
    importer.add_argument("--kind", choices=["interview", "notes"], default="interview")
    importer.set_defaults(func=cmd_import)

    passages = commands.add_parser("passages", parents=[common], help="list passages (turns)")
    passages.add_argument("project")
    passages.add_argument("--doc", type=int)
    passages.set_defaults(func=cmd_passages)

    code = commands.add_parser("code", parents=[common], help="code a span of a document")
    code.add_argument("project")
    code.add_argument("--doc", type=int, required=True)
    code.add_argument("--start", type=int, required=True)
    code.add_argument("--end", type=int, required=True)
    code.add_argument("--code", action="append", required=True, help="code path, e.g. 融入困境/社会网络萎缩")
    code.set_defaults(func=cmd_code)

    codings = commands.add_parser("codings", parents=[common], help="list all codings")
    codings.add_argument("project")
    codings.set_defaults(func=cmd_codings)

    commands.add_parser("demo", parents=[common], help="create the demo project").set_defaults(func=cmd_demo)
    _register_packages(commands, common)
    return parser


def _register_packages(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Commands that live with their own package, each adding its subcommands."""
    from codebook.commands import register as codebook_commands
    from coding.exports_cli import register as exchange_commands
    from coding.grounded_cli import register as grounded_commands
    from coding.reports_cli import register as report_commands
    from coding.suggestions_cli import register as suggester_commands
    from corpus.deidentify_cli import register as deidentify_commands
    from storage.maintenance_cli import register as maintenance_commands
    from storage.team_cli import register as team_commands

    from models.evaluate_cli import register as evaluate_command

    for register in (codebook_commands, exchange_commands, report_commands, grounded_commands,
                     suggester_commands, deidentify_commands, maintenance_commands, team_commands):
        register(commands, common)
    evaluate_command(commands)  # reads files, not the store: none of the shared options


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    for name, default in (("db", None), ("json", False), ("coder", None)):
        if not hasattr(args, name):
            setattr(args, name, default)
    try:
        return args.func(args)
    except BianmaError as error:
        print(str(error), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
