"""``bianma suggester …`` and ``bianma suggest``: the suggester in the store, from the shell.

    bianma suggester train    --project N [--from N,M] [--no-report]   train a new version (made active)
    bianma suggester mapping  --project N --from M         how M's codes map onto N's codebook
    bianma suggester versions --project N                  versions with their held-out figures
    bianma suggester activate --project N --version V
    bianma suggester delete   --project N --version V
    bianma suggester code     --project N [--documents 1,2] [--version V]   code as a coder
    bianma suggest            --project N --document D [--top 3]

From the shell codes of other projects map by path or unique name only; confirm other
mappings on the suggester page. ``register(commands, common)`` adds the commands to cli.py.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from typing import Any

from i18n import t


def _ids(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    project = argparse.ArgumentParser(add_help=False)
    project.add_argument("--project", required=True, help="project name or id")
    suggester = commands.add_parser("suggester", parents=[common], help="train and manage code suggesters")
    sub = suggester.add_subparsers(dest="suggester_command", required=True)

    train = sub.add_parser("train", parents=[common, project], help="train a new version on coded passages")
    train.add_argument("--from", dest="sources", type=_ids, default=[],
                       help="projects to learn from, comma-separated (default: the project itself)")
    train.add_argument("--no-report", dest="report", action="store_false",
                       help="skip the held-out quality report (about half the time)")
    train.set_defaults(func=cmd_train)

    mapping = sub.add_parser("mapping", parents=[common, project], help="proposed code mapping from other projects")
    mapping.add_argument("--from", dest="sources", type=_ids, required=True)
    mapping.set_defaults(func=cmd_mapping)

    sub.add_parser("versions", parents=[common, project], help="list trained versions").set_defaults(
        func=cmd_versions)
    for name, help_text in (("activate", "make a version the one that suggests"),
                            ("delete", "delete a version")):
        parser = sub.add_parser(name, parents=[common, project], help=help_text)
        parser.add_argument("--version", type=int, required=True)
        parser.set_defaults(func=cmd_activate if name == "activate" else cmd_delete)

    code = sub.add_parser("code", parents=[common, project], help="let a version code documents as a coder")
    code.add_argument("--documents", nargs="+", type=_ids, default=None,
                      help="document ids, separated by spaces or commas (default: all)")
    code.add_argument("--version", type=int, help="default: the active version")
    code.set_defaults(func=cmd_code)

    suggest = commands.add_parser("suggest", parents=[common, project], help="suggest codes for a document")
    suggest.add_argument("--document", type=int, required=True)
    suggest.add_argument("--top", type=int, default=3)
    suggest.set_defaults(func=cmd_suggest)


def _project(session, name_or_id: str) -> int:
    from corpus.projects import find_project

    return find_project(session, name_or_id).id


def _model_id(session, project_id: int, version: int | None) -> int | None:
    from coding.suggester_training import list_versions
    from i18n import BianmaError

    if version is None:
        return None
    for found in list_versions(session, project_id):
        if found.version == version:
            return found.id
    raise BianmaError("E743", model=f"v{version}")


def _figures(meta: dict[str, Any]) -> str:
    held_out = meta.get("held_out", {})
    if "example_f1" not in held_out:
        return "no held-out figures"
    return "  ".join(f"{name}={held_out[name]:.3f}"
                     for name in ("example_f1", "p_at_1", "r_at_3", "micro_f1", "macro_f1"))


def cmd_train(args: argparse.Namespace) -> int:
    from cli import emit, transaction
    from coding.suggester_training import train_suggester

    def progress(fraction: float, key: str) -> None:
        if not args.json:
            print(f"{fraction:4.0%}  {t(key, 'en')}", file=sys.stderr)

    with transaction(args) as session:
        project_id = _project(session, args.project)
        sources = [_project(session, source) for source in args.sources] or [project_id]
        result = train_suggester(session, project_id, sources, coder=args.coder, progress=progress,
                                 report=args.report)
    data = {"model_id": result.model_id, "version": result.version, **result.meta}
    emit(args, data, lambda: iter([
        f"version {result.version} (model {result.model_id}): {result.meta['passages']} passages, "
        f"{result.meta['coded_passages']} coded, {result.meta['seconds']['total']:.1f} s",
        f"held out: {_figures(result.meta)}"]))
    return 0


def cmd_mapping(args: argparse.Namespace) -> int:
    from cli import emit, transaction
    from coding.code_mapping import propose_code_mapping

    with transaction(args) as session:
        project_id = _project(session, args.project)
        rows = propose_code_mapping(session, project_id, [_project(session, s) for s in args.sources])
    data = [asdict(row) for row in rows]
    emit(args, data, lambda: (f"{r['source_project']}\t{r['source_path']}\t{r['match']}\t"
                              f"{r['target_path'] or '-'}" for r in data))
    return 0


def _version_data(version) -> dict[str, Any]:
    held_out = version.meta.get("held_out", {})
    return {"id": version.id, "version": version.version, "active": version.active,
            "created_at": version.created_at.isoformat(), "coder": version.coder,
            "projects": [p["name"] for p in version.meta.get("projects", [])],
            "passages": version.meta.get("passages"), "coded_passages": version.meta.get("coded_passages"),
            **{name: held_out.get(name) for name in ("example_f1", "p_at_1", "r_at_3", "micro_f1", "macro_f1")}}


def cmd_versions(args: argparse.Namespace) -> int:
    from cli import emit, transaction
    from coding.suggester_training import list_versions

    with transaction(args) as session:
        versions = list_versions(session, _project(session, args.project))
        data = [_version_data(v) for v in versions]
    emit(args, data, lambda: (f"v{v.version}{' *' if v.active else '  '}\t{v.created_at:%Y-%m-%d %H:%M}\t"
                              f"{_figures(v.meta)}" for v in versions))
    return 0


def cmd_activate(args: argparse.Namespace) -> int:
    from cli import emit, transaction
    from coding.suggester_training import activate_version

    with transaction(args) as session:
        project_id = _project(session, args.project)
        data = _version_data(activate_version(session, project_id, _model_id(session, project_id, args.version),
                                              coder=args.coder))
    emit(args, data, lambda: iter([f"v{data['version']} is active"]))
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    from cli import emit, transaction
    from coding.suggester_training import delete_version

    with transaction(args) as session:
        project_id = _project(session, args.project)
        data = _version_data(delete_version(session, project_id, _model_id(session, project_id, args.version),
                                            coder=args.coder))
    emit(args, data, lambda: iter([f"v{data['version']} deleted"]))
    return 0


def cmd_code(args: argparse.Namespace) -> int:
    from cli import emit, transaction
    from coding.suggestions import code_with_suggester

    with transaction(args) as session:
        project_id = _project(session, args.project)
        documents = [int(d) for group in args.documents for d in group] if args.documents else None
        result = code_with_suggester(session, project_id, documents, coder=args.coder,
                                     model_id=_model_id(session, project_id, args.version))
    data = asdict(result)
    emit(args, data, lambda: iter([f"{result.coder}: {result.added} codings in {result.documents} "
                                   f"documents ({result.removed} replaced)"]))
    return 0


def cmd_suggest(args: argparse.Namespace) -> int:
    from cli import emit, transaction
    from coding.suggestions import suggest_for_document

    with transaction(args) as session:
        project_id = _project(session, args.project)
        found = suggest_for_document(session, project_id, args.document, top_k=args.top, coder=args.coder)
    data = asdict(found)

    def lines():
        yield f"model: {found.model_label or 'codebook (cold start)'}"
        for passage in found.passages:
            codes = "; ".join(f"{s.code_path} {s.confidence:.2f}{' *' if s.selected else ''}"
                              for s in passage.suggestions)
            yield f"{passage.index}\t{passage.speaker or ''}\t{passage.text[:30]}\t{codes}"

    emit(args, data, lines)
    return 0
