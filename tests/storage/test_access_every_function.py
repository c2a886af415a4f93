"""Every public domain function of corpus/, codebook/ and coding/ run as every role of the
access tests' world (tests/access_world.py), on SQLite and on the PostgreSQL server."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import io
import pkgutil
import zipfile
from datetime import datetime

import numpy as np
from sqlalchemy import select

from access_world import CODEBOOK_CSV, INTERVIEW, MARK, NAMES, World
from codebook.files import read_codebook
from codebook.qdc import read_qdc
from coding.filters import CodingFilter
from i18n import BianmaError
from storage.access import bind_actor, internal
from storage.tables import Base


# --- every public domain function x every role -----------------------------------------------
# Functions of corpus/, codebook/ and coding/ whose first parameter is the session are found by
# introspection; their arguments come from the parameter names (ARGUMENTS) unless a function
# needs something particular (OVERRIDES). A new function whose parameters have no factory fails
# test_every_domain_function_has_arguments until it gets one.

PACKAGES = ("corpus", "codebook", "coding")
# Building blocks that act only on what their caller passes (their writes meet before_flush
# like any other); they have no project of their own to check.
NOT_PROJECT_FUNCTIONS = {
    "codebook.changes.name_step": "names the current undo step in session.info",
    "codebook.changes.record": "writes the event its caller describes",
    "codebook.changes.memo_written": "writes the event its caller describes",
    "coding.filters.fetch_columns": "runs a statement its caller built (see coding_groups)",
    "codebook.tree.code_path": "takes a Code row its caller loaded",
    "coding.suggester_loading.passage_rows": "runs its caller's condition (on passages)",
    "coding.suggester_loading.applied_codes": "reads codings of passage rows its caller loaded",
    "coding.suggester_loading.excluded_codes": "reads decisions on passage rows its caller loaded",
    "coding.suggester_loading.suggest_rows": "scores passage rows its caller loaded",
}
# Functions that cannot succeed on the small world, with the refusal they give.
EXPECTED_ERRORS = {
    "coding.suggester_training.train_suggester": "E740",  # needs 20 coded passages
    "coding.suggestions.code_with_suggester": "E744",  # needs a trained model
    "coding.undo.redo": "E221",  # nothing undone yet
}
# Reads of what only owners may see: the de-identification key.
OWNER_READS = {"corpus.pseudonyms.key_entries", "corpus.pseudonyms.propose_pseudonyms",
               "corpus.pseudonyms.review"}
PROJECT_CREATORS = {"corpus.projects.create_project", "coding.qdpx_import.import_qdpx"}
# Writes a coder may make: their own codings, memos, suggestion decisions, and events that only
# record their own settings and history marks.
CODER_WRITES = {
    "coding.codings.apply_codes", "coding.codings.remove_coding", "coding.codings.write_coding_memo",
    "coding.memos.add_memo", "coding.memos.edit_memo", "coding.memos.delete_memo",
    "coding.agreement.set_blind_coding", "coding.undo.mark_baseline",
    "coding.suggestions.accept_suggestion", "coding.suggestions.reject_suggestion",
    # Open coding names new concepts as it goes: coders add codes (one, a path, a file, a
    # template, in vivo, or split off their own codings); renaming, moving, merging and
    # deleting codes stay with owners.
    "codebook.codes.add_code", "codebook.codes.add_code_path", "codebook.files.import_codebook",
    "codebook.qdc.import_qdc", "codebook.qdc.store_code_tree", "codebook.specs.apply_specs",
    "codebook.templates.apply_template", "codebook.tree.split_code", "coding.grounded.code_in_vivo",
}

ARGUMENTS = {
    "project_id": lambda w: w.p, "target_project_id": lambda w: w.p,
    "project_ids": lambda w: [w.p], "source_project_ids": lambda w: [w.p],
    "document_id": lambda w: w.interview, "document_ids": lambda w: [w.interview],
    "case_id": lambda w: w.case, "passage_id": lambda w: w.passage, "model_id": lambda w: w.model,
    "code_id": lambda w: w.a, "code_a": lambda w: w.a, "source_id": lambda w: w.b,
    "code_b": lambda w: w.b, "target_id": lambda w: w.a, "new_parent_id": lambda w: w.parent,
    "parent_id": lambda w: None, "code_ids": lambda w: [w.b],
    "coding_id": lambda w: w.coder_coding, "coding_ids": lambda w: [w.coder_coding],
    "memo_id": lambda w: w.coder_memo, "start": lambda w: w.span[0], "end": lambda w: w.span[1],
    "name": lambda w: "新名称", "path": lambda w: "新父代码/新子代码", "text": lambda w: "新写的文字",
    "query": lambda w: MARK, "kind": lambda w: "notes", "index": lambda w: 0, "blind": lambda w: True,
    "filename": lambda w: "新文档.txt", "data": lambda w: INTERVIEW.encode("gb18030"),
    "values": lambda w: {f"{MARK}属性": "新值"}, "attribute": lambda w: f"{MARK}属性",
    "coders": lambda w: [NAMES["owner"], NAMES["coder"]], "spec": lambda w: CodingFilter(),
    "name_or_id": lambda w: w.p, "template_id": lambda w: _first_template(),
    "specs": lambda w: read_codebook("编码本.csv", CODEBOOK_CSV),
    "codes": lambda w: read_qdc(w.qdc), "resolved": lambda w: {}, "mapping": lambda w: None,
    "word": lambda w: "邻居", "items": lambda w: [("王五", "person")],
    "accepted": lambda w: [("老邻居", "other")],
}
OVERRIDES = {
    "codebook.files.import_codebook": {"filename": lambda w: "编码本.csv", "data": lambda w: CODEBOOK_CSV},
    "codebook.files.export_codebook": {"filename": lambda w: "编码本.csv"},
    "codebook.qdc.import_qdc": {"data": lambda w: w.qdc},
    "coding.qdpx_import.import_qdpx": {"data": lambda w: w.qdpx, "name": lambda w: "导入的项目"},
    "codebook.codes.find_code_by_path": {"path": lambda w: f"{MARK}父代码/{MARK}子代码A"},
    "codebook.codes.update_code": {"code_id": lambda w: w.b, "name": lambda w: "改名代码"},
    "codebook.codes.move_code": {"code_id": lambda w: w.b},
    "codebook.tree.delete_code": {"code_id": lambda w: w.b, "codings": lambda w: "delete"},
    "codebook.tree.set_example_from_coding": {"coding_id": lambda w: w.owner_coding},
    "codebook.tree.reorder_code": {"code_id": lambda w: w.b},
    "corpus.cases.define_attribute": {"kind": lambda w: "text"},
    "corpus.cases.attach_case": {"document_id": lambda w: w.notes},
    "corpus.documents.set_document_kind": {"kind": lambda w: "notes"},
    "coding.grounded.set_grounded_fields": {"gt_level": lambda w: "concept"},
    "coding.filters.resolve": {"spec": lambda w: CodingFilter.of(documents=[w.interview])},
    "coding.suggestions.accept_suggestion": {"code_id": lambda w: w.b},
    "coding.suggestions.reject_suggestion": {"code_id": lambda w: w.b},
    "coding.suggester_loading.load_version": {"model_id": lambda w: None},
}


def _first_template() -> str:
    from codebook.templates import list_templates

    return list_templates()[0].id


def domain_functions() -> dict[str, object]:
    found = {}
    for package in PACKAGES:
        for module_info in pkgutil.iter_modules(importlib.import_module(package).__path__):
            if module_info.name.startswith("_"):
                continue
            module = importlib.import_module(f"{package}.{module_info.name}")
            for name, function in inspect.getmembers(module, inspect.isfunction):
                parameters = list(inspect.signature(function).parameters)
                if (not name.startswith("_") and function.__module__ == module.__name__
                        and parameters[:1] == ["session"]):
                    found[f"{module.__name__}.{name}"] = function
    return {name: f for name, f in found.items() if name not in NOT_PROJECT_FUNCTIONS}


def call_arguments(world: World | None, qualname: str, function, who: str) -> dict:
    """Keyword arguments for one call: required parameters, ``coder``, and the overrides
    (without a world, only whether every one has a factory)."""
    overrides = OVERRIDES.get(qualname, {})
    arguments = {}
    for parameter in list(inspect.signature(function).parameters.values())[1:]:
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        factory = overrides.get(parameter.name)
        if factory is None and parameter.name == "coder":
            factory = lambda w: who  # noqa: E731
        if factory is None and parameter.default is parameter.empty:
            factory = ARGUMENTS.get(parameter.name)
            if factory is None:
                raise LookupError(f"{qualname}: no argument factory for '{parameter.name}'")
        if factory is not None:
            arguments[parameter.name] = None if world is None else factory(world)
    return arguments


def plain(value, depth: int = 0):
    """A comparable, searchable copy of what a function returned (files opened, rows as dicts)."""
    if depth > 8:
        return "…"
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        if value[:2] == b"PK":
            with zipfile.ZipFile(io.BytesIO(value)) as archive:
                return {n: archive.read(n).decode("utf-8", "replace") for n in archive.namelist()}
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Base):
        return {c.key: plain(getattr(value, c.key), depth + 1) for c in value.__table__.columns}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name), depth + 1) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {repr(plain(k, depth + 1)): plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v, depth + 1) for v in value]
    if hasattr(value, "__dict__"):
        return {k: plain(v, depth + 1) for k, v in vars(value).items() if not k.startswith("_")}
    return repr(value)


def snapshot(session) -> list:
    """Every row of every table, read past the actor's criteria."""
    rows = []
    for table in Base.metadata.sorted_tables:
        found = session.connection().execute(internal(select(table))).all()
        rows.append((table.name, sorted(repr(tuple(row)) for row in found)))
    return rows


@dataclasses.dataclass(frozen=True)
class Outcome:
    code: str | None  # None: returned normally
    changed: bool = False
    result: object = None
    message: str = ""
    given: tuple[str, ...] = ()  # the strings passed in, which a message may repeat

    @property
    def refused(self) -> bool:
        return self.code is not None and self.code.startswith("E4")


def call(Session, world: World, qualname: str, function, role: str | None, before: list) -> Outcome:
    who = NAMES.get(role or "owner")
    session = Session()
    if role is not None:
        bind_actor(session, world.actors[role])
    arguments = call_arguments(world, qualname, function, who)
    given = tuple(sorted((v for v in _strings(plain(arguments))), key=len, reverse=True))
    try:
        session.begin()
        result = plain(function(session, **arguments))
        session.flush()
        return Outcome(None, snapshot(session) != before, result, given=given)
    except BianmaError as error:
        return Outcome(error.code, message=str(error), given=given)
    finally:
        session.rollback()
        session.close()


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def leaks(outcome: Outcome) -> bool:
    """Whether the result or the message shows anything of project P not passed in."""
    shown = repr(outcome.result) + outcome.message
    for given in outcome.given:
        shown = shown.replace(given, "")
    return MARK in shown


def check_function(Session, world, qualname, function, before) -> list[str]:
    """What is wrong with one function across the roles (empty: nothing)."""
    problems = []
    base = call(Session, world, qualname, function, None, before)
    if base.code != EXPECTED_ERRORS.get(qualname):
        return [f"{qualname}: {base.code or 'success'} with nobody signed in ({base.message}); "
                "fix its arguments or EXPECTED_ERRORS"]
    outcomes = {role: call(Session, world, qualname, function, role, before) for role in
                ("owner", "coder", "viewer", "outsider", "admin")}

    def expect(role, ok, why):
        if not ok:
            got = outcomes[role]
            problems.append(f"{qualname} as {role}: {why} (got {got.code or 'success'}"
                            f"{', changed the store' if got.changed else ''} {got.message})")

    if qualname in PROJECT_CREATORS:
        expect("admin", outcomes["admin"].code is None, "an administrator creates projects")
        for role in ("owner", "coder", "viewer", "outsider"):
            expect(role, outcomes[role].code == "E404", "only administrators create projects")
        return problems
    writes = base.changed
    expect("owner", outcomes["owner"].code == base.code, "an owner does everything in the project")
    for role in ("coder", "viewer"):
        allowed = (not writes and qualname not in OWNER_READS) or (
            role == "coder" and qualname in CODER_WRITES)
        got = outcomes[role]
        expect(role, (got.code == base.code) if allowed else got.refused,
               "allowed" if allowed else "must be refused with E4xx")
    for role in ("outsider", "admin"):
        got = outcomes[role]
        expect(role, not got.changed, "a non-member changes nothing")
        expect(role, not leaks(got), "a non-member sees nothing of the project")
        if writes:
            expect(role, got.code is not None, "a non-member's write is refused")
        elif got.code is None and outcomes["owner"].result not in (None, [], {}, 0, ""):
            expect(role, got.result != outcomes["owner"].result, "a non-member reads nothing")
    return problems


def test_every_domain_function_has_arguments():
    missing = []
    for qualname, function in domain_functions().items():
        try:
            call_arguments(None, qualname, function, NAMES["owner"])
        except LookupError as error:
            missing.append(str(error))
    assert not missing, "\n".join(missing)


def test_every_domain_function_as_every_role(Session, world):
    with Session() as s:
        before = snapshot(s)
    problems = []
    for qualname, function in sorted(domain_functions().items()):
        problems += check_function(Session, world, qualname, function, before)
    assert not problems, "\n".join(problems)


