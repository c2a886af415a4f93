"""Team mode's access policy (storage.access), on SQLite and on the PostgreSQL server: what
each role reads and writes (the world is in tests/access_world.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.orm import aliased

from access_world import MARK, NAMES, as_role, counts
from codebook.codes import update_code
from codebook.tree import merge_codes
from coding.codings import apply_codes, remove_coding, write_coding_memo
from coding.filters import coding_groups
from coding.frequencies import code_frequencies
from coding.memos import add_memo
from corpus.cases import attach_case
from corpus.documents import import_document
from corpus.projects import create_project, list_projects
from i18n import BianmaError
from storage.access import bind_actor, require_role
from coding.grounded import code_in_vivo
from storage.tables import (
    Code, Coder, Coding, Document, Event, Membership, Memo, Passage, Project, PseudonymKey,
)


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
