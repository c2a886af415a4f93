"""``bianma grounded …``: the grounded-theory tables, the saturation check and the paradigm
model from the shell.

    bianma grounded open-table  --project 1 --out 开放式编码.xlsx   (or .docx)
    bianma grounded axial-table --project 1 --out 主轴编码.docx     (or .xlsx)
    bianma grounded saturation  --project 1 [--order 3,1,2] [--holdout 2] [--json]
    bianma grounded paradigm    --project 1 --out 范式模型.svg      (or .png)
"""

from __future__ import annotations

import argparse
from pathlib import Path

from i18n import BianmaError, t


def _suffix(path: Path, allowed: tuple[str, ...]) -> str:
    suffix = path.suffix.lower()
    if suffix not in allowed:
        raise BianmaError("E279", filename=str(path), choices="、".join(allowed))
    return suffix


def _order(text: str | None) -> list[int] | None:
    if not text:
        return None
    try:
        return [int(part) for part in text.replace("，", ",").split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--order takes document ids separated by commas: {text}") from None


def cmd_open_table(args: argparse.Namespace) -> int:
    from cli import emit, transaction
    from coding.grounded_exports import open_table_docx, open_table_xlsx
    from coding.grounded_tables import open_coding_table
    from corpus.projects import find_project

    suffix = _suffix(args.out, (".xlsx", ".docx"))
    coders = [c.strip() for item in args.coded_by or [] for c in item.split(",") if c.strip()]
    with transaction(args) as session:
        project = find_project(session, args.project)
        table = open_coding_table(session, project.id, coders=coders or None)
    writer = open_table_xlsx if suffix == ".xlsx" else open_table_docx
    args.out.write_bytes(writer(table, args.lang))
    data = {"path": str(args.out), "rows": len(table.rows), "concepts": table.concepts,
            "categories": table.categories, "left_out": table.left_out}
    emit(args, data, lambda: iter([t("grounded.cli_wrote", args.lang, path=args.out, rows=len(table.rows))]))
    return 0


def cmd_axial_table(args: argparse.Namespace) -> int:
    from cli import emit, transaction
    from coding.grounded_exports import axial_table_docx, axial_table_xlsx
    from coding.grounded_tables import axial_coding_table
    from corpus.projects import find_project

    suffix = _suffix(args.out, (".xlsx", ".docx"))
    with transaction(args) as session:
        project = find_project(session, args.project)
        table = axial_coding_table(session, project.id)
    writer = axial_table_xlsx if suffix == ".xlsx" else axial_table_docx
    args.out.write_bytes(writer(table, args.lang))
    data = {"path": str(args.out), "rows": len(table.rows),
            "core": [{"name": c.name, "story_line": c.story_line} for c in table.core]}
    emit(args, data, lambda: iter([t("grounded.cli_wrote", args.lang, path=args.out, rows=len(table.rows))]))
    return 0


def cmd_saturation(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from cli import emit, transaction
    from coding.saturation import saturation, saturation_table
    from corpus.projects import find_project

    with transaction(args) as session:
        project = find_project(session, args.project)
        report = saturation(session, project.id, order=args.order, holdout=args.holdout)
    headers, rows = saturation_table(report, args.lang)
    data = {"steps": [asdict(step) for step in report.steps], "holdout": report.holdout,
            "holdout_concepts": list(report.holdout_concepts),
            "holdout_categories": list(report.holdout_categories), "saturated": report.saturated}

    def lines():
        yield "\t".join(headers)
        for row in rows:
            yield "\t".join(str(value) for value in row)
        if report.saturated is not None:
            key = "grounded.saturated" if report.saturated else "grounded.not_saturated"
            yield t(key, args.lang, count=report.holdout,
                    concepts="、".join(report.holdout_concepts) or "—",
                    categories="、".join(report.holdout_categories) or "—")

    emit(args, data, lines)
    return 0


def cmd_paradigm(args: argparse.Namespace) -> int:
    from cli import emit, transaction
    from coding.paradigm import paradigm_model, paradigm_png, paradigm_svg
    from corpus.projects import find_project

    suffix = _suffix(args.out, (".svg", ".png"))
    with transaction(args) as session:
        project = find_project(session, args.project)
        model = paradigm_model(session, project.id)
    if suffix == ".svg":
        args.out.write_text(paradigm_svg(model, args.lang), encoding="utf-8")
    else:
        args.out.write_bytes(paradigm_png(model, args.lang))
    roles = {role: [entry.name for entry in entries] for role, entries in model.roles}
    data = {"path": str(args.out), "roles": roles, "core": [name for name, _story in model.core]}
    emit(args, data, lambda: iter([t("grounded.cli_wrote", args.lang, path=args.out,
                                     rows=sum(map(len, roles.values())))]))
    return 0


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``grounded`` (open-table, axial-table, saturation, paradigm)."""
    grounded = commands.add_parser("grounded", parents=[common],
                                   help="grounded theory: coding tables, saturation, paradigm model")
    subcommands = grounded.add_subparsers(dest="grounded_command", required=True)
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--project", required=True, help="project name or id")
    options.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the headers")

    open_table = subcommands.add_parser("open-table", parents=[common, options],
                                        help="open-coding table (statement → concept → category)")
    open_table.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx|FILE.docx")
    open_table.add_argument("--coded-by", action="append", metavar="NAME",
                            help="only codings by this coder (repeat, or A,B)")
    open_table.set_defaults(func=cmd_open_table)

    axial_table = subcommands.add_parser("axial-table", parents=[common, options],
                                         help="axial-coding table (main category → categories → meaning)")
    axial_table.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx|FILE.docx")
    axial_table.set_defaults(func=cmd_axial_table)

    saturation = subcommands.add_parser("saturation", parents=[common, options],
                                        help="new concepts and categories per document; hold-out test")
    saturation.add_argument("--order", type=_order, metavar="ID,ID,…",
                            help="coding order of documents (default: import order)")
    saturation.add_argument("--holdout", type=int, default=0, metavar="K",
                            help="hold out the last K documents as the saturation test")
    saturation.set_defaults(func=cmd_saturation)

    paradigm = subcommands.add_parser("paradigm", parents=[common, options],
                                      help="the paradigm model as an image")
    paradigm.add_argument("--out", type=Path, required=True, metavar="FILE.svg|FILE.png")
    paradigm.set_defaults(func=cmd_paradigm)
