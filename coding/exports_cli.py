"""``bianma export …`` and ``bianma import-qdpx``: the exchange formats from the shell.

``register(commands)`` adds the commands to the CLI's subparsers. Files are written only once
the export has succeeded, and an import commits only if the whole file was accepted.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from i18n import LANGUAGES, BianmaError

CODINGS_FORMATS = (".csv", ".xlsx")
SEGMENT_FORMATS = (".docx", ".xlsx", ".csv")


def _format(out: Path, allowed: tuple[str, ...]) -> str:
    suffix = out.suffix.lower()
    if suffix not in allowed:
        raise BianmaError("E818", extension=suffix or out.name, allowed="、".join(allowed))
    return suffix


def _written(args: argparse.Namespace, out: Path, data: bytes, **extra) -> int:
    from cli import emit

    out.write_bytes(data)
    result = {"file": str(out), "bytes": len(data), **extra}
    emit(args, result, lambda: iter([f"{out}\t{len(data)} bytes"
                                     + "".join(f"\t{v} {k}" for k, v in extra.items())]))
    return 0


def cmd_export_qdpx(args: argparse.Namespace) -> int:
    from cli import transaction
    from coding.qdpx_export import export_qdpx
    from corpus.projects import find_project

    with transaction(args) as session:
        data = export_qdpx(session, find_project(session, args.project).id)
    return _written(args, args.out, data)


def cmd_export_codings(args: argparse.Namespace) -> int:
    from cli import transaction
    from coding.exports import coding_rows, codings_csv, codings_xlsx
    from corpus.projects import find_project

    suffix = _format(args.out, CODINGS_FORMATS)
    with transaction(args) as session:
        rows = coding_rows(session, find_project(session, args.project).id)
    data = codings_csv(rows, args.lang) if suffix == ".csv" else codings_xlsx(rows, args.lang)
    return _written(args, args.out, data, rows=len(rows))


def cmd_export_segments(args: argparse.Namespace) -> int:
    from cli import transaction
    from codebook.codes import find_code_by_path
    from coding.exports import segment_rows, segments_csv, segments_docx, segments_xlsx
    from corpus.projects import find_project
    from i18n import t

    suffix = _format(args.out, SEGMENT_FORMATS)
    with transaction(args) as session:
        project = find_project(session, args.project)
        code = find_code_by_path(session, project.id, args.code)
        rows = segment_rows(session, project.id, code.id, include_children=args.children,
                            context=args.context)
    if suffix == ".docx":
        key = "exchange.docx_title_children" if args.children else "exchange.docx_title"
        data = segments_docx(rows, title=t(key, args.lang, path=args.code), lang=args.lang,
                             show_context=args.context > 0)
    elif suffix == ".xlsx":
        data = segments_xlsx(rows, args.lang)
    else:
        data = segments_csv(rows, args.lang)
    return _written(args, args.out, data, rows=len(rows))


def cmd_import_qdpx(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from cli import emit, transaction
    from coding.qdpx_import import import_qdpx

    data = args.file.read_bytes()
    with transaction(args) as session:
        summary = import_qdpx(session, data, filename=args.file.name, name=args.name, coder=args.coder)
    result = asdict(summary)
    emit(args, result, lambda: iter([
        f"{summary.project_id}\t{summary.name}\t{summary.documents} documents\t{summary.codes} codes\t"
        f"{summary.codings} codings\t{summary.cases} cases\t{summary.memos} memos",
        *(f"skipped\t{name}" for name in summary.skipped)]))
    return 0


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    export = commands.add_parser("export", parents=[common],
                                 help="export a project (.qdpx), its codings or a code's segments")
    exports = export.add_subparsers(dest="export_command", required=True)

    qdpx = exports.add_parser("qdpx", parents=[common], help="the whole project as REFI-QDA .qdpx")
    qdpx.add_argument("project", help="project name or id")
    qdpx.add_argument("out", type=Path)
    qdpx.set_defaults(func=cmd_export_qdpx)

    codings = exports.add_parser("codings", parents=[common], help="all codings as .csv or .xlsx")
    codings.add_argument("project")
    codings.add_argument("out", type=Path, help="OUT.csv (UTF-8 with BOM) or OUT.xlsx")
    codings.add_argument("--lang", choices=LANGUAGES, default="zh", help="language of the headers")
    codings.set_defaults(func=cmd_export_codings)

    segments = exports.add_parser("segments", parents=[common],
                                  help="a code's segments as a Word quote table, .xlsx or .csv")
    segments.add_argument("project")
    segments.add_argument("out", type=Path, help="OUT.docx, OUT.xlsx or OUT.csv")
    segments.add_argument("--code", required=True, help="code path, e.g. 融入困境/社会网络萎缩")
    segments.add_argument("--children", action="store_true", help="include the code's sub-codes")
    segments.add_argument("--context", type=int, default=1,
                          help="whole sentences of context before and after (default 1)")
    segments.add_argument("--lang", choices=LANGUAGES, default="zh")
    segments.set_defaults(func=cmd_export_segments)

    importer = commands.add_parser("import-qdpx", parents=[common],
                                   help="import a REFI-QDA .qdpx as a new project")
    importer.add_argument("file", type=Path)
    importer.add_argument("--name", help="name of the new project (default: the name in the file)")
    importer.set_defaults(func=cmd_import_qdpx)
