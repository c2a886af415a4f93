"""Team mode in the app (BIANMA_AUTH=on) through Streamlit's AppTest, on a fresh SQLite file:
the sign-in page, what a signed-in coder sees and may do, the team page, signing out."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher, profiles
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from corpus.projects import create_project
from demo.seed import DEMO_NAME, seed_demo
from storage import accounts
from storage.migrate import upgrade
from storage.tables import Code, Coder, Membership

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT = 60


@pytest.fixture
def team_home(home, store, monkeypatch):
    """The demo project (owned by 王老师) and 李同学's own project; 李同学 codes in both only
    if asked. Accounts: 管理员 (administrator), 王老师, 李同学."""
    monkeypatch.setenv("BIANMA_AUTH", "on")
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher.from_parameters(profiles.CHEAPEST))
    upgrade(store.kw["bind"])
    with store.begin() as s:
        demo = seed_demo(s)
        own = create_project(s, "李同学的项目")
        accounts.create_account(s, "管理员", "admin-password", is_admin=True)
        accounts.create_account(s, "王老师", "teacher-password")
        accounts.create_account(s, "李同学", "student-password")
        accounts.set_member(s, demo.id, "王老师", "owner")
        accounts.set_member(s, own.id, "李同学", "owner")
    return home


def sign_in(name: str, password: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert at.title[0].value == "登录"
    at.text_input(key="signin_name").input(name)
    at.text_input(key="signin_password").input(password)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def test_nothing_but_the_sign_in_page_until_someone_signs_in(team_home):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert at.title[0].value == "登录"
    assert not at.sidebar.selectbox  # no project, no navigation
    at = sign_in("李同学", "wrong-password")
    assert at.title[0].value == "登录"
    assert "[E410]" in at.error[0].value


def test_a_coder_sees_only_own_projects_and_codes_under_the_account(team_home, store):
    at = sign_in("李同学", "student-password")
    assert at.title[0].value == "项目"
    assert at.sidebar.selectbox(key="sidebar_project").options == ["李同学的项目"]
    assert "已登录：李同学" in at.sidebar.caption[0].value
    assert not [t for t in at.sidebar.text_input if t.key == "coder"]  # no name to type
    shown = str([d.value for d in at.dataframe])
    assert DEMO_NAME not in shown and "李同学的项目" in shown
    # Not an administrator: creating a project is refused by the store, whatever the page shows.
    at.text_input(key="projects_name").input("自己新建的项目")
    at.button[0].click().run()
    assert "[E404]" in at.error[0].value
    at.sidebar.button(key="sidebar_signout").click().run()
    assert at.title[0].value == "登录"


def test_a_coder_adds_codes_but_cannot_reshape_the_codebook(team_home, store):
    with store.begin() as s:
        demo = s.scalar(select(Membership.project_id).join(Coder).where(Coder.name == "王老师"))
        accounts.set_member(s, demo, "李同学", "coder")
        codes = s.scalar(select(func.count(Code.id)))
        positions = s.execute(select(Code.id, Code.position).order_by(Code.id)).all()
    at = sign_in("李同学", "student-password")
    at.sidebar.selectbox(key="sidebar_project").set_value(demo).run()
    at.switch_page("ui/codebook.py").run()
    assert not at.exception, at.exception
    at.text_input(key="codebook_name").input("新代码")
    next(b for b in at.button if b.label == "添加代码").click().run()
    assert not at.error
    with store() as s:
        assert s.scalar(select(func.count(Code.id))) == codes + 1
    at.button(key="codebook_down").click().run()
    assert "[E402]" in at.error[0].value
    with store() as s:
        assert s.execute(select(Code.id, Code.position).where(Code.id.in_([i for i, _ in positions]))
                         .order_by(Code.id)).all() == positions


def test_the_administrator_invites_a_member_with_a_temporary_password(team_home, store):
    at = sign_in("管理员", "admin-password")
    at.switch_page("ui/team.py").run()
    assert not at.exception, at.exception
    with store() as s:
        demo = s.scalar(select(Membership.project_id).join(Coder).where(Coder.name == "王老师"))
    at.text_input(key="team_invite_name").input("新同学")
    at.selectbox(key="team_invite_project").select(demo)
    at.selectbox(key="team_invite_role").select("viewer")
    next(b for b in at.button if b.label == "邀请成员").click().run()
    assert not at.exception, at.exception
    assert "已创建账号“新同学”" in at.success[0].value
    password = at.code[0].value
    with store() as s:
        actor = accounts.authenticate(s, "新同学", password)
        assert s.scalar(select(Membership.role).where(Membership.coder_id == actor.coder_id)) == "viewer"
    # Shown once only.
    at.run()
    assert not at.code


def test_an_owner_changes_a_members_role(team_home, store):
    at = sign_in("李同学", "student-password")
    at.switch_page("ui/team.py").run()
    assert not at.exception, at.exception
    assert not [t for t in at.text_input if t.key == "team_invite_name"]  # accounts: admins only
    [project] = at.selectbox(key="team_project").options
    project_id = at.selectbox(key="team_project").value
    at.text_input(key=f"team_member_name_{project_id}").input("王老师")
    at.selectbox(key=f"team_member_role_{project_id}").select("viewer")
    next(b for b in at.button if b.label == "添加成员或更改角色").click().run()
    assert not at.exception, at.exception
    assert "“王老师”在本项目中的角色现在是：查看者" in at.success[0].value
    with store() as s:
        assert s.scalar(select(Membership.role).join(Coder).where(
            Membership.project_id == project_id, Coder.name == "王老师")) == "viewer"


@pytest.mark.parametrize("role", ["owner", "viewer"])
def test_every_page_opens_for_a_signed_in_member(team_home, store, role):
    import re

    with store.begin() as s:
        demo = s.scalar(select(Membership.project_id).join(Coder).where(Coder.name == "王老师"))
        accounts.set_member(s, demo, "李同学", role)
    at = sign_in("李同学", "student-password")
    at.sidebar.selectbox(key="sidebar_project").set_value(demo).run()
    pages = re.findall(r'st\.Page\("(ui/[a-z_]+\.py)"', Path(APP).read_text(encoding="utf-8"))
    pages = [page for page in pages if page != "ui/signin.py"]
    assert "ui/team.py" in pages and "ui/codebook.py" in pages
    for page in pages:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert not [e.value for e in at.error], (page, [e.value for e in at.error])
