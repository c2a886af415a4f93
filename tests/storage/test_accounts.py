"""Accounts, passwords and memberships of team mode (storage.accounts), on SQLite and PostgreSQL."""

from __future__ import annotations

import argon2
import pytest
from argon2 import PasswordHasher, profiles
from sqlalchemy import func, select

from coding.codings import apply_codes
from codebook.codes import add_code
from corpus.documents import import_document
from corpus.projects import create_project
from i18n import BianmaError
from storage import accounts
from storage.access import Actor, acting_as
from storage.tables import Coder, Coding, Event, Membership

CHEAP = PasswordHasher.from_parameters(profiles.CHEAPEST)


@pytest.fixture
def cheap_hashes(monkeypatch):
    """Most tests need a hash, not a slow one: the real profile is checked on its own."""
    monkeypatch.setattr(accounts, "HASHER", CHEAP)


@pytest.fixture
def team(Session, cheap_hashes):
    """An administrator, an owner and a coder of one project, and someone outside it."""
    with Session.begin() as s:
        admin = accounts.create_account(s, "管理员", "admin-password", is_admin=True)
        owner = accounts.create_account(s, "王老师", "owner-password")
        coder = accounts.create_account(s, "李同学", "coder-password")
        accounts.create_account(s, "外人", "other-password")
        project = create_project(s, "社区融合研究")
        accounts.set_member(s, project.id, "王老师", "owner")
        accounts.set_member(s, project.id, "李同学", "coder")
        return {"project": project.id,
                "admin": Actor(admin.id, admin.name, True), "owner": Actor(owner.id, owner.name),
                "coder": Actor(coder.id, coder.name)}


def test_passwords_are_stored_as_memory_hard_argon2id_hashes(Session):
    with Session.begin() as s:
        coder = accounts.create_account(s, "张三", "一个足够长的密码")
    stored = coder.password_hash
    assert stored.startswith("$argon2id$") and "一个足够长的密码" not in stored
    parameters = argon2.extract_parameters(stored)
    assert parameters.memory_cost >= 64 * 1024 and parameters.time_cost >= 2
    with Session() as s:
        assert accounts.authenticate(s, "张三", "一个足够长的密码").name == "张三"


def test_sign_in_refuses_wrong_passwords_unknown_names_and_disabled_accounts(Session, team):
    with Session() as s:
        actor = accounts.authenticate(s, " 李同学 ", "coder-password")
        assert actor == team["coder"]
        for name, password in (("李同学", "wrong-password"), ("李同学", ""), ("没有这个人", "coder-password")):
            with pytest.raises(BianmaError, match="E410"):
                accounts.authenticate(s, name, password)
    with Session.begin() as s:
        accounts.set_disabled(s, "李同学")
    with Session() as s:
        with pytest.raises(BianmaError, match="E410"):  # a wrong password says nothing more
            accounts.authenticate(s, "李同学", "wrong-password")
        with pytest.raises(BianmaError, match=r"\[E411\] 账号“李同学”已停用"):
            accounts.authenticate(s, "李同学", "coder-password")
        assert accounts.load_actor(s, team["coder"].coder_id) is None


def test_an_unknown_name_costs_a_password_check_too(Session, team, monkeypatch):
    checked = []

    class Counting(PasswordHasher):
        def verify(self, stored, password):
            checked.append(stored)
            return super().verify(stored, password)

    monkeypatch.setattr(accounts, "HASHER", Counting.from_parameters(profiles.CHEAPEST))
    with Session() as s, pytest.raises(BianmaError, match="E410"):
        accounts.authenticate(s, "没有这个人", "whatever-password")
    assert len(checked) == 1  # against a hash of its own, as long as a real check


def test_a_hash_with_weaker_parameters_is_renewed_at_sign_in(Session):
    with Session.begin() as s:
        s.add(Coder(name="老用户", password_hash=CHEAP.hash("old-password")))
    with Session.begin() as s:
        accounts.authenticate(s, "老用户", "old-password")
    with Session() as s:
        renewed = s.scalar(select(Coder.password_hash).where(Coder.name == "老用户"))
    assert argon2.extract_parameters(renewed).memory_cost >= 64 * 1024


def test_account_names_and_passwords_are_checked(Session, cheap_hashes):
    with Session.begin() as s:
        with pytest.raises(BianmaError, match="E412"):
            accounts.create_account(s, "  ", "long-enough")
        with pytest.raises(BianmaError, match=r"\[E414\] 密码至少需要 8 个字符"):
            accounts.create_account(s, "赵六", "short")
        accounts.create_account(s, "赵六", "long-enough")
        with pytest.raises(BianmaError, match=r"\[E413\] 账号“赵六”已存在"):
            accounts.create_account(s, "赵六", "long-enough")


def test_a_coder_of_the_single_user_days_becomes_an_account_with_its_codings(Session, cheap_hashes):
    with Session.begin() as s:
        project = create_project(s, "旧项目")
        document = import_document(s, project.id, "a.txt", "受访者：我们搬来五年了。\n".encode())
        code = add_code(s, project.id, "搬迁")
        apply_codes(s, document.id, 4, 8, [code.id], coder="研究者")
    with Session.begin() as s:
        account = accounts.create_account(s, "研究者", "a-new-password")
        assert s.scalar(select(func.count()).select_from(Coder)) == 1
        assert s.scalar(select(Coding.coder_id)) == account.id


def test_an_invitation_gives_a_temporary_password_and_a_role(Session, team):
    with acting_as(Session, team["admin"]).begin() as s:
        password = accounts.invite(s, "新同学", project_id=team["project"], role="viewer")
    assert len(password) >= 12
    with Session() as s:
        actor = accounts.authenticate(s, "新同学", password)
        assert sorted((m.name, m.role) for m in accounts.list_members(s, team["project"])) == [
            ("新同学", "viewer"), ("李同学", "coder"), ("王老师", "owner")]
        assert s.scalar(select(Event.action).where(Event.entity == "account",
                                                   Event.entity_id == actor.coder_id)) == "create"
        assert password not in str(s.scalars(select(Event.payload)).all())


def test_only_administrators_manage_accounts(Session, team):
    for action in (lambda s: accounts.create_account(s, "某人", "long-enough"),
                   lambda s: accounts.invite(s, "某人"),
                   lambda s: accounts.set_disabled(s, "外人"),
                   lambda s: accounts.set_admin(s, "外人", True),
                   lambda s: accounts.reset_password(s, "外人"),
                   accounts.list_accounts):
        with pytest.raises(BianmaError, match="E405"), acting_as(Session, team["owner"]).begin() as s:
            action(s)
    with acting_as(Session, team["admin"]).begin() as s:
        assert [a.name for a in accounts.list_accounts(s)] == sorted(["管理员", "王老师", "李同学", "外人"])
        accounts.set_disabled(s, "外人")
        with pytest.raises(BianmaError, match="E419"):
            accounts.set_disabled(s, "管理员")
    with Session.begin() as s, pytest.raises(BianmaError, match="E426"):
        accounts.set_admin(s, "管理员", False)  # the last administrator stays one


def test_people_change_their_own_password_only(Session, team):
    coder_id = team["coder"].coder_id
    with acting_as(Session, team["coder"]).begin() as s:
        with pytest.raises(BianmaError, match="E423"):
            accounts.change_password(s, coder_id, "wrong-password", "brand-new-password")
        accounts.change_password(s, coder_id, "coder-password", "brand-new-password")
    with pytest.raises(BianmaError, match="E405"), acting_as(Session, team["coder"]).begin() as s:
        accounts.change_password(s, team["owner"].coder_id, "owner-password", "taken-over!")
    with Session() as s:
        assert accounts.authenticate(s, "李同学", "brand-new-password").coder_id == coder_id


def test_owners_and_administrators_manage_members(Session, team):
    project = team["project"]
    with acting_as(Session, team["owner"]).begin() as s:
        accounts.set_member(s, project, "外人", "viewer")
        accounts.set_member(s, project, "外人", "coder")
        with pytest.raises(BianmaError, match="E416"):
            accounts.set_member(s, project, "外人", "boss")
        with pytest.raises(BianmaError, match="E418"):
            accounts.set_member(s, project, "王老师", "coder")  # the only owner
        accounts.remove_member(s, project, "外人")
        with pytest.raises(BianmaError, match="E417"):
            accounts.remove_member(s, project, "外人")
    with pytest.raises(BianmaError, match="E406"), acting_as(Session, team["coder"]).begin() as s:
        accounts.set_member(s, project, "外人", "owner")
    # The administrator is no member, but manages the members (and still sees no content).
    with acting_as(Session, team["admin"]).begin() as s:
        accounts.set_member(s, project, "管理员", "viewer")
        accounts.remove_member(s, project, "管理员")
        assert [p for p in accounts.manageable_projects(s)] == [(project, "社区融合研究")]
    with acting_as(Session, team["owner"])() as s:
        assert accounts.manageable_projects(s) == [(project, "社区融合研究")]
    with acting_as(Session, team["coder"])() as s:
        assert accounts.manageable_projects(s) == []
    outsider = Actor(team["coder"].coder_id + 1, "外人")
    with acting_as(Session, outsider)() as s, pytest.raises(BianmaError, match="E400"):
        accounts.list_members(s, project)
    with Session() as s:
        assert s.scalar(select(func.count()).select_from(Membership)) == 2


def bianma(argv: list[str]) -> int:
    """``bianma`` with the team commands (registered here too until cli.py registers them)."""
    import cli
    from storage import team_cli

    try:
        cli.build_parser().parse_args(["account", "list"])
        return cli.main(argv)
    except SystemExit:
        pass
    original = cli._register_packages

    def with_team(commands, common):
        original(commands, common)
        team_cli.register(commands, common)

    cli._register_packages = with_team
    try:
        return cli.main(argv)
    finally:
        cli._register_packages = original


def test_the_team_commands(database_url, tmp_path, monkeypatch, capsys, cheap_hashes):
    import io
    import json

    db = ["--db", database_url]
    secret = tmp_path / "password.txt"
    secret.write_text("file-password\n", encoding="utf-8")
    assert bianma(["account", "create", "管理员", "--admin", "--password-file", str(secret), *db]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("stdin-password\n"))
    assert bianma(["account", "create", "李同学", *db]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert bianma(["account", "create", "空密码", *db]) == 2
    assert "[E422]" in capsys.readouterr().err
    assert bianma(["project", "create", "社区融合研究", *db]) == 0
    assert bianma(["member", "add", "李同学", "--project", "社区融合研究", "--role", "viewer", *db]) == 0
    capsys.readouterr()
    assert bianma(["member", "list", "--project", "社区融合研究", "--json", *db]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"id": 2, "name": "李同学", "role": "viewer", "disabled": False}]
    assert bianma(["account", "disable", "李同学", *db]) == 0
    capsys.readouterr()
    assert bianma(["account", "list", "--json", *db]) == 0
    assert [(a["name"], a["admin"], a["disabled"], a["roles"]) for a in json.loads(capsys.readouterr().out)] == [
        ("李同学", False, True, [{"project": "社区融合研究", "role": "viewer"}]),
        ("管理员", True, False, [])]
    assert bianma(["member", "remove", "李同学", "--project", "社区融合研究", *db]) == 0
    from storage.engine import make_engine, make_sessionmaker

    engine = make_engine(database_url)
    with make_sessionmaker(engine)() as s:
        assert accounts.authenticate(s, "管理员", "file-password").is_admin
        with pytest.raises(BianmaError, match="E411"):
            accounts.authenticate(s, "李同学", "stdin-password")
        assert s.scalar(select(func.count()).select_from(Membership)) == 0
    engine.dispose()
