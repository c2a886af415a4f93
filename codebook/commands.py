"""``bianma codebook …``: the codebook from the shell (add, show, templates, import, export,
merge, undo, redo).

``register(commands)`` adds the ``codebook`` command to cli.py's subparsers; the functions
import cli lazily for its transaction and output helpers.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    codebook = commands.add_parser("codebook", parents=[common], help="codebook operations")
    sub = codebook.add_subparsers(dest="codebook_command", required=True)

    add = sub.add_parser("add", parents=[common], help="add a code by its path")
    add.add_argument("project")
    add.add_argument("path")
    add.add_argument("--definition", default="")
    add.add_argument("--color")
    add.set_defaults(func=cmd_add)

    show = sub.add_parser("show", parents=[common], help="the code tree with paths, definitions, colours, guids")
    show.add_argument("project")
    show.set_defaults(func=cmd_show)

    sub.add_parser("templates", parents=[common], help="list codebook templates").set_defaults(
        func=cmd_templates)

    export = sub.add_parser("export", parents=[common], help="write the codebook to .qdc, .csv or .xlsx")
    export.add_argument("project")
    export.add_argument("out", type=Path, help="OUT.qdc, OUT.csv or OUT.xlsx")
    export.add_argument("--lang", choices=["zh", "en"], default="zh", help="column headers of .csv/.xlsx")
    export.set_defaults(func=cmd_export)

    importer = sub.add_parser("import", parents=[common], help="add codes from a .qdc, .csv or .xlsx file")
    importer.add_argument("project")
    importer.add_argument("file", type=Path)
    importer.set_defaults(func=cmd_import)

    merge = sub.add_parser("merge", parents=[common], help="merge one code into another")
    merge.add_argument("project")
    merge.add_argument("source", help="path of the code that disappears")
    merge.add_argument("target", help="path of the code that receives its codings")
    merge.set_defaults(func=cmd_merge)

    for name, help_text in (("undo", "undo the last codebook or coding change"),
                            ("redo", "redo the change undone last")):
        parser = sub.add_parser(name, parents=[common], help=help_text)
        parser.add_argument("project")
        parser.set_defaults(func=cmd_undo if name == "undo" else cmd_redo)


def cmd_add(args: argparse.Namespace) -> int:
    from cli import emit, transaction
    from codebook.codes import add_code_path
    from corpus.projects import find_project

    with transaction(args) as session:
        project = find_project(session, args.project)
        code = add_code_path(session, project.id, args.path, definition=args.definition,
                             color=args.color, coder=args.coder)
        data = {"id": code.id, "path": args.path, "color": code.color}
    emit(args, data, lambda: iter([f"{data['id']}\t{data['path']}"]))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from cli import emit, transaction
    from codebook.codes import code_tree
    from corpus.projects import find_project

    with transaction(args) as session:
        project = find_project(session, args.project)
        data = [
            {"id": n.id, "parent_id": n.parent_id, "path": n.path, "name": n.name, "depth": n.depth,
             "color": n.color, "definition": n.definition, "inclusion": n.inclusion,
             "exclusion": n.exclusion, "example": n.example, "codable": n.is_codable,
             "guid": n.guid, "codings": n.codings}
            for n in code_tree(session, project.id)
        ]
    category = {True: "", False: "\t(类别 category)"}
    emit(args, data, lambda: (
        f"{'  ' * d['depth']}{d['name']}\t{d['color']}\t{d['codings']}{category[d['codable']]}"
        f"\t{d['definition']}" for d in data))
    return 0


def cmd_templates(args: argparse.Namespace) -> int:
    from cli import emit
    from codebook.templates import list_templates

    data = [{"id": t.id, "name": t.name, "name_en": t.name_en, "codes": len(t.codes),
             "description": t.description} for t in list_templates()]
    emit(args, data, lambda: (f"{d['id']}\t{d['name']}\t{d['codes']} codes" for d in data))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from cli import emit, transaction
    from codebook.codes import code_tree
    from codebook.files import export_codebook
    from corpus.projects import find_project

    with transaction(args) as session:
        project = find_project(session, args.project)
        content = export_codebook(session, project.id, args.out.name, lang=args.lang)
        count = len(code_tree(session, project.id))
    args.out.write_bytes(content)
    data = {"file": str(args.out), "codes": count, "bytes": len(content)}
    emit(args, data, lambda: iter([f"{data['file']}\t{data['codes']} codes"]))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from cli import emit, transaction
    from codebook.files import import_codebook
    from corpus.projects import find_project

    with transaction(args) as session:
        project = find_project(session, args.project)
        report = import_codebook(session, project.id, args.file.name, args.file.read_bytes(),
                                 coder=args.coder)
        data = {"file": str(args.file), **asdict(report)}
    emit(args, data, lambda: iter([
        f"{data['file']}\tadded {data['added']}\tupdated {data['updated']}\tunchanged {data['unchanged']}"]))
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    from cli import emit, transaction
    from codebook.codes import codings_count, find_code_by_path
    from codebook.tree import merge_codes
    from corpus.projects import find_project

    with transaction(args) as session:
        project = find_project(session, args.project)
        source = find_code_by_path(session, project.id, args.source)
        target = find_code_by_path(session, project.id, args.target)
        merge_codes(session, project.id, source.id, target.id, coder=args.coder)
        data = {"source": args.source, "target": args.target,
                "codings": codings_count(session, target.id)}
    emit(args, data, lambda: iter([f"{data['source']} -> {data['target']}\t{data['codings']} codings"]))
    return 0


def _history_command(args: argparse.Namespace, backwards: bool) -> int:
    from cli import emit, transaction
    from coding.undo import redo, undo
    from corpus.projects import find_project
    from i18n import t

    with transaction(args) as session:
        project = find_project(session, args.project)
        step = (undo if backwards else redo)(session, project.id, coder=args.coder)
        key = "history.undone" if backwards else "history.redone"
        data = {"action": step.label("zh"), "action_en": step.label("en"),
                "message": t(key, "zh", action=step.label("zh"))}
    emit(args, data, lambda: iter([data["message"]]))
    return 0


def cmd_undo(args: argparse.Namespace) -> int:
    return _history_command(args, backwards=True)


def cmd_redo(args: argparse.Namespace) -> int:
    return _history_command(args, backwards=False)
