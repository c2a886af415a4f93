"""Team mode's access policy (storage.access), on SQLite and on the PostgreSQL server.

Project P (everything in it marked 机密) has an owner, a coder and a viewer; an outsider owns
project Q only; the administrator is a member of neither. The second half runs every public
domain function of corpus/, codebook/ and coding/ as each of them.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import io
import pkgutil
import zipfile
from datetime import datetime

import numpy as np
import pytest
from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.orm import aliased

from codebook.codes import add_code, add_code_path, update_code
from codebook.tree import merge_codes
from coding.grounded import code_in_vivo
from codebook.files import read_codebook
from codebook.qdc import export_qdc, read_qdc
from coding.codings import apply_codes, remove_coding, write_coding_memo
from coding.filters import CodingFilter, coding_groups
from coding.frequencies import code_frequencies
from coding.memos import add_memo
from coding.qdpx_export import export_qdpx
from corpus.cases import attach_case, create_case, define_attribute, set_attributes
from corpus.documents import import_document
from corpus.projects import create_project, list_projects
from i18n import BianmaError
from storage.access import Actor, acting_as, bind_actor, internal, require_role
from storage.tables import (
    Base, Code, Coder, Coding, Document, Event, Membership, Memo, Passage, Project,
    PseudonymKey, SuggesterModel,
)

MARK = "机密"
NAMES = {"owner": "甲负责人", "coder": "乙编码者", "viewer": "丙查看者", "outsider": "丁外人",
         "admin": "戊管理员"}
INTERVIEW = ("访谈者：机密问题，您是哪一年搬到安置小区的？\n"
             "受访者A1：机密回答，二〇一八年搬来的，以前的老邻居都分散了。\n"
             "访谈者：机密追问，现在的收入怎么样？\n"
             "受访者A1：机密收入，只能在附近打零工，一个月两千块左右。\n")
NOTES = "机密观察：社区活动室里老人在下棋。\n\n机密观察：志愿者在组织登记。\n"
CODEBOOK_CSV = "代码路径,定义\n导入父代码,导入的定义\n导入父代码/导入子代码,\n".encode("utf-8-sig")


@dataclasses.dataclass
class World:
    p: int
    q: int
    interview: int
    notes: int
    parent: int
    a: int
    b: int
    owner_coding: int
    coder_coding: int
    coder_memo: int
    case: int
    passage: int
    model: int
    span: tuple[int, int]
    actors: dict[str, Actor]
    qdc: bytes = b""
    qdpx: bytes = b""


def build_world(Session) -> World:
    with Session.begin() as s:
        ids = {}
        for role, name in NAMES.items():
            coder = Coder(name=name, password_hash="(not used here)", is_admin=role == "admin")
            s.add(coder)
            s.flush()
            ids[role] = coder.id
        p = create_project(s, f"{MARK}项目P", coder=NAMES["owner"])
        q = create_project(s, "公开项目Q", coder=NAMES["outsider"])
        p.stop_words = f"{MARK}停用词\n的"
        s.add_all([Membership(project_id=p.id, coder_id=ids[role], role=role)
                   for role in ("owner", "coder", "viewer")])
        s.add(Membership(project_id=q.id, coder_id=ids["outsider"], role="owner"))
        interview = import_document(s, p.id, f"{MARK}访谈.txt", INTERVIEW.encode(), coder=NAMES["owner"])
        notes = import_document(s, p.id, f"{MARK}笔记.txt", NOTES.encode(), kind="notes",
                                coder=NAMES["owner"])
        import_document(s, q.id, "公开访谈.txt", "访谈者：你好？\n受访者：很好。\n".encode())
        add_code(s, q.id, "公开代码")
        a = add_code_path(s, p.id, f"{MARK}父代码/{MARK}子代码A", coder=NAMES["owner"])
        b = add_code(s, p.id, f"{MARK}代码B", coder=NAMES["owner"])
        quote = interview.text.index("以前的老邻居")
        span = (quote, quote + 6)
        owner_coding = apply_codes(s, interview.id, *span, [a.id], coder=NAMES["owner"])[0]
        write_coding_memo(s, owner_coding.id, f"{MARK}编码备忘", coder=NAMES["owner"])
        income = interview.text.index("只能在附近")
        coder_coding = apply_codes(s, interview.id, income, income + 5, [a.id, b.id],
                                   coder=NAMES["coder"])[0]
        coder_memo = add_memo(s, p.id, f"{MARK}项目备忘", coder=NAMES["coder"])
        add_memo(s, p.id, f"{MARK}文档备忘", document_id=interview.id, coder=NAMES["owner"])
        define_attribute(s, p.id, f"{MARK}属性", "text", coder=NAMES["owner"])
        case = create_case(s, p.id, f"{MARK}个案", coder=NAMES["owner"])
        set_attributes(s, p.id, case.id, {f"{MARK}属性": f"{MARK}值"}, coder=NAMES["owner"])
        attach_case(s, p.id, case.id, interview.id, speaker="受访者A1", coder=NAMES["owner"])
        # Not a model file: loading it is refused, so it stays inactive (suggestions come
        # from the codebook then); its versions can still be listed, activated and deleted.
        model = SuggesterModel(project_id=p.id, version=1, kind="linear", blob=MARK.encode(),
                               meta={"note": MARK}, coder_id=ids["owner"], active=False)
        s.add_all([model, PseudonymKey(project_id=p.id, kind="person", original=f"{MARK}王五",
                                       pseudonym="王某")])
        s.flush()
        world = World(p.id, q.id, interview.id, notes.id, a.parent_id, a.id, b.id, owner_coding.id,
                      coder_coding.id, coder_memo.id, case.id, interview.passages[1].id, model.id,
                      span, {role: Actor(ids[role], NAMES[role], role == "admin") for role in NAMES})
    with Session() as s:  # files to import, read back from the store: Q's codebook, all of P
        world.qdc, world.qdpx = export_qdc(s, world.q), export_qdpx(s, world.p)
    return world


@pytest.fixture
def world(Session) -> World:
    return build_world(Session)


def as_role(Session, world: World, role: str):
    return acting_as(Session, world.actors[role])


# --- reads -----------------------------------------------------------------------------------

def test_every_query_shape_sees_only_the_actors_projects(Session, world):
    with as_role(Session, world, "outsider")() as s:
        assert [p.name for p in list_projects(s)] == ["公开项目Q"]
        assert s.get(Project, world.p) is None and s.get(Document, world.interview) is None
        assert s.execute(select(Coding.code_id, func.count()).group_by(Coding.code_id)).all() == []
        assert s.scalar(select(func.count()).select_from(Passage)) == 2  # Q's two turns
        assert s.execute(select(Coding.code_id, Document.name)
                         .join(Document, Document.id == Coding.document_id)).all() == []
        parent = aliased(Code)
        assert s.execute(select(Code.name, parent.name).join(parent, parent.id == Code.parent_id)).all() == []
        # The report code reads integer columns from session.connection() directly.
        groups, _cases, _resolved = coding_groups(s, world.p)
        assert len(groups.code) == 0
        assert s.connection().execute(select(Coding.id)).all() == []
        assert s.scalars(select(Memo.text)).all() == [] and s.scalars(select(Event.id).where(
            Event.project_id == world.p)).all() == []
    with as_role(Session, world, "viewer")() as s:
        report = code_frequencies(s, world.p)
        assert {row.path for row in report.rows if row.codings} >= {f"{MARK}父代码/{MARK}子代码A"}
        project = s.get(Project, world.p)
        assert [d.name for d in project.documents] == [f"{MARK}访谈", f"{MARK}笔记"]
        assert s.get(Project, world.q) is None


def test_sql_the_criteria_cannot_cover_is_refused(Session, world):
    for statement in (text("SELECT text FROM documents"), text("DELETE FROM codings"),
                      select(Document.__table__.c.text),
                      select(Coder.name, Document.__table__.c.text)):
        with as_role(Session, world, "owner")() as s, pytest.raises(BianmaError, match="E407"):
            s.execute(statement)
    with as_role(Session, world, "owner")() as s, pytest.raises(BianmaError, match="E407"):
        s.connection().execute(text("SELECT count(*) FROM memos"))
    with as_role(Session, world, "owner")() as s:
        assert s.execute(text("SELECT 1")).scalar() == 1  # harmless SQL still runs
    with Session() as s:  # nobody signed in: nothing is restricted
        assert s.execute(text("SELECT count(*) FROM documents")).scalar() == 3


def test_only_owners_read_the_de_identification_key(Session, world):
    for role, expected in (("owner", [f"{MARK}王五"]), ("coder", []), ("viewer", []), ("admin", [])):
        with as_role(Session, world, role)() as s:
            assert s.scalars(select(PseudonymKey.original)).all() == expected, role
    with as_role(Session, world, "owner")() as s:
        require_role(s, world.p, "owner")
    for role, code in (("coder", "E406"), ("viewer", "E406"), ("outsider", "E400")):
        with as_role(Session, world, role)() as s, pytest.raises(BianmaError, match=code):
            require_role(s, world.p, "owner")


def test_a_disabled_account_loses_its_projects_at_once(Session, world):
    with Session.begin() as s:
        s.get(Coder, world.actors["coder"].coder_id).disabled = True
    with as_role(Session, world, "coder")() as s:
        assert list_projects(s) == []


# --- writes ----------------------------------------------------------------------------------

def counts(Session) -> dict[str, int]:
    with Session() as s:
        return {table.name: s.execute(select(func.count()).select_from(table)).scalar()
                for table in Base.metadata.sorted_tables}


@pytest.mark.parametrize("role, action, code", [
    ("viewer", lambda w, s: add_memo(s, w.p, "新备忘", coder=NAMES["viewer"]), "E401"),
    ("coder", lambda w, s: update_code(s, w.p, w.b, name="改名", coder=NAMES["coder"]), "E402"),
    ("coder", lambda w, s: merge_codes(s, w.p, w.b, w.a, coder=NAMES["coder"]), "E402"),
    ("coder", lambda w, s: remove_coding(s, w.owner_coding, coder=NAMES["coder"]), "E403"),
    ("coder", lambda w, s: apply_codes(s, w.interview, *w.span, [w.b], coder=NAMES["owner"]), "E403"),
    ("outsider", lambda w, s: s.add(Memo(project_id=w.p, author_id=w.actors["outsider"].coder_id,
                                         text="x")), "E400"),
    ("outsider", lambda w, s: s.add(Memo(project_id=w.q, document_id=w.interview, text="x",
                                         author_id=w.actors["outsider"].coder_id)), "E400"),
    ("coder", lambda w, s: create_project(s, "新项目"), "E404"),
    ("owner", lambda w, s: s.add(Coder(name="新账号", password_hash="x")), "E405"),
    ("coder", lambda w, s: setattr(s.get(Coder, w.actors["coder"].coder_id), "is_admin", True), "E405"),
])
def test_refused_writes_change_nothing(Session, world, role, action, code):
    before = counts(Session)
    with pytest.raises(BianmaError, match=code):
        with as_role(Session, world, role).begin() as s:
            action(world, s)
    assert counts(Session) == before


def test_coders_name_new_concepts_in_vivo_but_do_not_reshape_the_codebook(Session, world):
    with as_role(Session, world, "coder").begin() as s:
        document = s.get(Document, world.interview)
        start = document.text.index("老邻居")
        made = code_in_vivo(s, world.p, world.interview, start, start + 3, parent_id=world.parent,
                            coder=NAMES["coder"])
        assert made.created and made.name == "老邻居"
    with pytest.raises(BianmaError, match="E402"), as_role(Session, world, "coder").begin() as s:
        update_code(s, world.p, made.code_id, name="邻里", coder=NAMES["coder"])


def test_coders_write_their_own_codings_and_memos(Session, world):
    with as_role(Session, world, "coder").begin() as s:
        [coding] = apply_codes(s, world.interview, *world.span, [world.b], coder=NAMES["coder"])
        write_coding_memo(s, coding.id, "我的备忘", coder=NAMES["coder"])
        remove_coding(s, world.coder_coding, coder=NAMES["coder"])
    with Session() as s:
        assert s.get(Coding, world.coder_coding) is None
        assert s.scalar(select(Memo.text).where(Memo.coding_id == coding.id)) == "我的备忘"


def test_bulk_statements_are_checked_against_the_rows_they_touch(Session, world):
    # corpus.cases.attach_case(speaker=…) is the domain's bulk UPDATE of passages.
    with pytest.raises(BianmaError, match="E402"), as_role(Session, world, "coder").begin() as s:
        attach_case(s, world.p, None, world.interview, speaker="受访者A1", coder=NAMES["coder"])
    with as_role(Session, world, "owner").begin() as s:
        assert attach_case(s, world.p, None, world.interview, speaker="受访者A1",
                           coder=NAMES["owner"]) == 2
    coder = world.actors["coder"].coder_id
    refused = [
        ("coder", update(Coding).where(Coding.document_id == world.interview).values(start=0)),
        ("coder", delete(Coding).where(Coding.id == world.owner_coding)),
        ("coder", update(Coding).where(Coding.id == world.coder_coding).values(coder_id=1)),
        ("viewer", update(Memo).where(Memo.id == world.coder_memo).values(text="改")),
        ("outsider", delete(Passage.__table__).where(Passage.__table__.c.document_id == world.interview)),
        ("viewer", insert(Code).values(project_id=world.p, name="批量", guid="g-1")),
        ("coder", update(Code).where(Code.id == world.b).values(name="批量")),
        ("outsider", insert(Coding).values(document_id=world.interview, code_id=world.b,
                                           coder_id=1, start=0, end=2)),
        ("owner", update(Coder).values(is_admin=True)),
    ]
    for role, statement in refused:
        for through_connection in (False, True):
            with pytest.raises(BianmaError, match="E40"):
                with as_role(Session, world, role).begin() as s:
                    (s.connection() if through_connection else s).execute(statement)
    with as_role(Session, world, "coder").begin() as s:
        s.execute(update(Coding).where(Coding.coder_id == coder).values(provenance="suggested"))
        s.execute(insert(Coding), [{"document_id": world.interview, "code_id": world.b,
                                    "coder_id": coder, "start": 1, "end": 3}])
    with Session() as s:
        assert s.scalar(select(func.count()).where(Coding.provenance == "suggested")) == 2


def test_an_administrator_creates_projects_and_owns_them(Session, world):
    with as_role(Session, world, "admin").begin() as s:
        project = create_project(s, "新项目", coder=NAMES["admin"])
        import_document(s, project.id, "新.txt", "受访者：新的。\n".encode(), coder=NAMES["admin"])
        assert [p.name for p in list_projects(s)] == ["新项目"]
    with pytest.raises(BianmaError, match="E002"), as_role(Session, world, "admin").begin() as s:
        create_project(s, f"{MARK}项目P")  # a name it cannot see is still taken
    with Session() as s:
        assert s.scalar(select(Membership.role).where(
            Membership.project_id == project.id,
            Membership.coder_id == world.actors["admin"].coder_id)) == "owner"


def test_a_session_bound_later_and_a_caller_owned_connection(Session, world):
    with Session() as s:
        s.execute(select(Project.id)).all()
        bind_actor(s, world.actors["outsider"])
        assert s.scalars(select(Project.name)).all() == ["公开项目Q"]
    engine = Session.kw["bind"]
    with engine.connect() as connection:
        with Session(bind=connection) as s:
            bind_actor(s, world.actors["outsider"])
            assert s.scalar(select(func.count()).select_from(Document)) == 1
        # The connection outlives the session: it is not restricted any more.
        assert connection.execute(select(func.count()).select_from(Document.__table__)).scalar() == 3


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


@pytest.mark.parametrize("role, visible", [
    (None, [f"{MARK}项目P", "公开项目Q"]), ("owner", [f"{MARK}项目P"]), ("coder", [f"{MARK}项目P"]),
    ("viewer", [f"{MARK}项目P"]), ("outsider", ["公开项目Q"]), ("admin", [])])
def test_list_projects_shows_the_members_projects(Session, world, role, visible):
    session = Session()
    if role is not None:
        bind_actor(session, world.actors[role])
    with session:
        assert [p.name for p in list_projects(session)] == visible


def test_only_the_account_bookkeeping_reads_past_the_policy():
    """``storage.access.internal`` marks a query as already authorised: domain code and pages
    never use it (nor the execution option behind it)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    users = sorted(
        str(path.relative_to(root)) for package in ("corpus", "codebook", "coding", "models", "ui",
                                                    "storage", "demo")
        for path in (root / package).rglob("*.py")
        if "bianma_access_internal" in (text_ := path.read_text(encoding="utf-8"))
        or "internal(" in text_ and "storage.access" in text_)
    assert users == ["storage/access.py", "storage/accounts.py"]
