"""Team mode in headless Chromium: a coder signs in and sees only the projects they belong to."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from browser import ARTIFACTS, launch_chromium, streamlit_server, wait_idle
from corpus.projects import create_project
from demo.seed import DEMO_NAME, seed_demo
from storage import accounts
from storage.engine import make_engine, make_sessionmaker
from storage.migrate import upgrade

pytestmark = pytest.mark.browser

OWN, OTHER = "李同学的项目", "王老师的另一个项目"


def team_store(home: Path) -> None:
    """The demo and two projects of 王老师's; 李同学 codes in one of them only."""
    home.mkdir(parents=True)
    engine = make_engine(f"sqlite:///{home / 'bianma.sqlite3'}")
    upgrade(engine)
    with make_sessionmaker(engine).begin() as s:
        demo = seed_demo(s)
        own, other = create_project(s, OWN), create_project(s, OTHER)
        accounts.create_account(s, "王老师", "teacher-password")
        accounts.create_account(s, "李同学", "student-password")
        for project in (demo, own, other):
            accounts.set_member(s, project.id, "王老师", "owner")
        accounts.set_member(s, own.id, "李同学", "coder")
    engine.dispose()


def sign_in(page, name: str, password: str) -> None:
    page.get_by_label("账号").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def test_a_coder_signs_in_and_sees_only_own_projects(tmp_path: Path):
    ARTIFACTS.mkdir(exist_ok=True)
    home = tmp_path / "home"
    team_store(home)
    env = {"BIANMA_HOME": str(home), "BIANMA_AUTH": "on"}
    with streamlit_server(Path("app.py"), env=env) as url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        page.goto(url)
        expect(page.get_by_role("heading", name="登录", exact=True)).to_be_visible(timeout=60_000)
        expect(page.get_by_text("当前项目")).to_have_count(0)

        sign_in(page, "李同学", "wrong-password")
        expect(page.get_by_text("[E410] 账号名或密码不正确。")).to_be_visible(timeout=30_000)
        sign_in(page, "李同学", "student-password")
        expect(page.get_by_role("heading", name="新建项目", exact=True)).to_be_visible(timeout=30_000)
        expect(page.get_by_label("密码")).to_have_count(0, timeout=30_000)
        expect(page.get_by_text("已登录：李同学")).to_be_visible()
        wait_idle(page)
        # The projects table lists the one project (the grid keeps its cells in a hidden table).
        names = page.locator('td[role="gridcell"][aria-colindex="1"]')
        expect(names).to_have_count(1, timeout=15_000)
        expect(names.first).to_have_text(OWN)

        # The project list in the sidebar holds the one project 李同学 is a member of.
        box = page.locator('[data-testid="stSelectbox"]').filter(has_text="当前项目").first
        expect(box.get_by_role("combobox")).to_have_value(OWN)
        box.click()
        options = page.get_by_role("option")
        expect(options).to_have_count(1, timeout=15_000)
        expect(options.first).to_have_text(OWN)
        page.keyboard.press("Escape")
        content = page.content()
        assert DEMO_NAME not in content and OTHER not in content
        page.screenshot(path=str(ARTIFACTS / "signin_coder.png"), full_page=True)

        page.get_by_role("button", name="退出登录").click()
        expect(page.get_by_role("heading", name="登录", exact=True)).to_be_visible(timeout=30_000)
        browser.close()
