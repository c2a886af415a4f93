"""The codebook page through Streamlit's AppTest, on a fresh SQLite file with the demo project."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from corpus.projects import create_project
from storage.engine import make_engine, make_sessionmaker
from storage.tables import Code, Coding, Memo
from ui.common import PROJECT_KEY

APP = str(Path(__file__).resolve().parents[2] / "app.py")
NETWORK, CULTURE = "社会网络萎缩", "文化冲击"


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("BIANMA_HOME", str(tmp_path))
    monkeypatch.delenv("BIANMA_DATABASE_URL", raising=False)
    engine = make_engine(f"sqlite:///{tmp_path / 'bianma.sqlite3'}")
    yield make_sessionmaker(engine)
    engine.dispose()


def open_codebook() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("ui/codebook.py")
    at.run()
    assert not at.exception, at.exception
    return at


def code_id(store, name: str) -> int:
    with store() as s:
        return s.scalar(select(Code.id).where(Code.name == name))


def codings_by_code(store) -> Counter:
    with store() as s:
        return Counter(dict(s.execute(
            select(Code.name, func.count(Coding.id)).join(Coding, Coding.code_id == Code.id)
            .group_by(Code.name)).all()))


def button(at: AppTest, key: str):
    return at.button(key=key)


def test_tree_and_pinyin_search(store):
    at = open_codebook()
    paths = list(at.dataframe[0].value.iloc[:, 1])
    assert paths[:2] == ["融入困境", "\u3000社会网络萎缩"]
    at.text_input(key="codebook_search").input("shwl").run()
    table = at.dataframe[0].value
    assert list(table.iloc[:, 1]) == ["融入困境/社会网络萎缩"] and list(table.iloc[:, -1]) == ["拼音"]
    assert at.selectbox(key="codebook_choose").value == code_id(store, NETWORK)


def test_add_a_code_with_every_field(store):
    at = open_codebook()
    parent = code_id(store, "服务需求")
    at.text_input(key="codebook_name").input("就业信息")
    at.selectbox(key="codebook_parent").set_value(parent)
    at.text_area(key="codebook_definition").input("希望知道哪里招工")
    at.text_area(key="codebook_inclusion").input("招工、介绍工作")
    at.text_area(key="codebook_exclusion").input("技能培训")
    at.text_area(key="codebook_example").input("给年轻人介绍工作")
    at.checkbox(key="codebook_codable").uncheck()
    at.button(key="FormSubmitter:codebook_add-添加代码").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value == "已添加代码“就业信息”。"
    with store() as s:
        code = s.scalar(select(Code).where(Code.name == "就业信息"))
    assert (code.parent_id, code.definition, code.inclusion, code.exclusion, code.example,
            code.is_codable) == (parent, "希望知道哪里招工", "招工、介绍工作", "技能培训", "给年轻人介绍工作", False)


def test_a_coded_code_cannot_become_a_category(store):
    at = open_codebook()
    network = code_id(store, NETWORK)
    at.selectbox(key="codebook_choose").set_value(network).run()
    at.checkbox(key=f"codebook_edit_{network}_codable").uncheck()
    at.text_area(key=f"codebook_edit_{network}_inclusion").input("老邻居走散")
    at.button(key=f"FormSubmitter:codebook_edit_{network}-保存修改").click().run()
    assert at.error[0].value.startswith("[E216] 代码“社会网络萎缩”已有")
    with store() as s:
        code = s.get(Code, network)
    assert (code.is_codable, code.inclusion) == (True, "")


def test_merge_then_undo_and_redo_with_the_named_buttons(store):
    at = open_codebook()
    before = codings_by_code(store)
    network, culture = code_id(store, NETWORK), code_id(store, CULTURE)
    at.selectbox(key="codebook_choose").set_value(network).run()
    at.selectbox(key=f"codebook_merge_target_{network}").set_value(culture).run()
    button(at, "codebook_merge").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value == "已把“融入困境/社会网络萎缩”合并到“融入困境/文化冲击”。"
    assert at.selectbox(key="codebook_choose").value == culture
    after = codings_by_code(store)
    assert NETWORK not in after and after[CULTURE] == before[CULTURE] + before[NETWORK]
    assert button(at, "codebook_undo").label == "撤销：合并代码 融入困境/社会网络萎缩 到 融入困境/文化冲击"
    button(at, "codebook_undo").click().run()
    assert at.success[0].value == "已撤销：合并代码 融入困境/社会网络萎缩 到 融入困境/文化冲击"
    assert codings_by_code(store) == before
    assert button(at, "codebook_redo").label == "重做：合并代码 融入困境/社会网络萎缩 到 融入困境/文化冲击"
    button(at, "codebook_redo").click().run()
    assert codings_by_code(store) == after


def test_merge_into_a_sub_code_is_not_offered(store):
    at = open_codebook()
    parent = code_id(store, "融入困境")
    at.selectbox(key="codebook_choose").set_value(parent).run()
    assert code_id(store, NETWORK) not in at.selectbox(key=f"codebook_merge_target_{parent}").options


def test_delete_shows_the_count_then_moves_codings_to_another_code(store):
    at = open_codebook()
    network = code_id(store, NETWORK)
    culture = code_id(store, CULTURE)
    before = codings_by_code(store)
    at.selectbox(key="codebook_choose").set_value(network).run()
    assert at.warning[0].value.startswith(f"“融入困境/社会网络萎缩”有 {before[NETWORK]} 个编码片段")
    assert button(at, "codebook_delete").disabled
    # The demo's top level is category-only, so "move to the parent" is not offered.
    assert at.radio(key=f"codebook_delete_how_{network}").options == ["移到另一个代码", "一并删除"]
    at.radio(key=f"codebook_delete_how_{network}").set_value("code").run()
    at.selectbox(key=f"codebook_delete_target_{network}").set_value(culture).run()
    button(at, "codebook_delete").click().run()
    assert at.success[0].value == "已删除代码“融入困境/社会网络萎缩”。"
    after = codings_by_code(store)
    assert NETWORK not in after
    assert after[CULTURE] == before[NETWORK] + before[CULTURE]


def test_split_and_example_and_code_memo(store):
    at = open_codebook()
    network = code_id(store, NETWORK)
    at.selectbox(key="codebook_choose").set_value(network).run()
    with store() as s:
        first, *rest = s.scalars(select(Coding.id).where(Coding.code_id == network).order_by(Coding.id)).all()
    button(at, f"codebook_example_{first}").click().run()
    with store() as s:
        assert s.get(Code, network).example.startswith("可是认识的人少了")
    at.text_area(key=f"codebook_memo_text_{network}").input("熟人社会的解体")
    at.button(key=f"FormSubmitter:codebook_memo_{network}-添加备忘录").click().run()
    at.text_input(key="codebook_split_name").input("亲友疏远")
    at.multiselect(key="codebook_split_codings").set_value([rest[0]])
    at.button(key=f"FormSubmitter:codebook_split_{network}-拆分").click().run()
    assert not at.error, at.error
    with store() as s:
        new = s.scalar(select(Code).where(Code.name == "亲友疏远"))
        assert s.get(Coding, rest[0]).code_id == new.id and new.parent_id == s.get(Code, network).parent_id
        assert s.scalar(select(Memo.text).where(Memo.code_id == network)) == "熟人社会的解体"


def test_template_import_and_a_bad_file_on_an_empty_project(store):
    at = open_codebook()
    with store.begin() as s:
        project = create_project(s, "空项目").id
    at.run()  # the sidebar learns of the new project
    at.sidebar.selectbox(key=PROJECT_KEY).set_value(project).run()
    assert at.info[0].value == "编码本还是空的，先添加一个代码。"
    at.selectbox(key="codebook_template").set_value("community-industry").run()
    button(at, "codebook_template_apply").click().run()
    assert at.success[0].value.startswith("已载入模板：新增 31 个代码")
    bad = "代码路径,颜色\n社区介入/建立关系,\n社区介入/建立关系,紫红\n".encode("gb18030")
    at.file_uploader(key="codebook_import_file").set_value(("坏.csv", bad, "text/csv")).run()
    button(at, "codebook_import").click().run()
    assert at.error[0].value.splitlines()[0].startswith("[E230] 编码本文件“坏.csv”中有 2 处错误")
    good = "代码路径,定义\n社区营造/乡村旅游,发展乡村旅游\n".encode("utf-8-sig")
    at.file_uploader(key="codebook_import_file").set_value(("好.csv", good, "text/csv")).run()
    button(at, "codebook_import").click().run()
    assert at.success[0].value == "已导入：新增 1 个代码，更新 0 个，未变 0 个。"
    with store() as s:
        assert s.scalar(select(func.count(Code.id)).where(Code.project_id == project)) == 32
    assert [b.proto.label for b in at.get("download_button")] == [
        "下载 CSV", "下载 Excel", "下载 REFI-QDA .qdc"]


def test_memos_page_writes_searches_edits_and_deletes(store):
    # The page behind the app's sidebar, whether or not app.py lists it yet.
    page = Path(APP).parent / "ui" / "memos.py"
    at = AppTest.from_string(
        "import streamlit as st\nfrom ui.layout import sidebar\nsidebar()\n"
        f"st.navigation([st.Page({str(page)!r})]).run()\n", default_timeout=60)
    at.run()
    assert at.title[0].value == "备忘录" and not at.exception, at.exception
    network = code_id(store, NETWORK)
    at.selectbox(key="memos_about").set_value(("code", network))
    at.text_area(key="memos_text").input("邻里关系的断裂是融入困境的起点")
    at.button(key="FormSubmitter:memos_new-保存备忘录").click().run()
    assert at.success[0].value == "已保存备忘录。"
    at.text_input(key="memos_search").input("起点").run()
    assert at.subheader[1].value == "1 条备忘录"
    assert at.caption[1].value.startswith("代码 · 融入困境/社会网络萎缩 · 研究者 · ")
    with store() as s:
        memo = s.scalar(select(Memo).where(Memo.code_id == network))
    at.text_area(key=f"memos_edit_text_{memo.id}").input("邻里关系断裂")
    at.button(key=f"FormSubmitter:memos_edit_{memo.id}-保存修改").click().run()
    with store() as s:
        assert s.get(Memo, memo.id).text == "邻里关系断裂"
    at.text_input(key="memos_search").input("").run()
    at.selectbox(key="memos_kind").set_value("coding").run()
    assert all(c.value.startswith("编码片段 · ") for c in at.caption[1:])
    at.selectbox(key="memos_kind").set_value(None).run()
    button(at, f"memos_delete_{memo.id}").click().run()
    with store() as s:
        assert s.get(Memo, memo.id) is None


def test_the_page_in_english(store):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    # Switch before the page's select boxes exist: their labels depend on the language.
    at.sidebar.selectbox(key="lang").set_value("en").run()
    at.switch_page("ui/codebook.py")
    at.run()
    assert not at.exception
    network = code_id(store, NETWORK)
    at.selectbox(key="codebook_choose").set_value(network).run()
    assert at.title[0].value == "Codebook"
    assert any(c.value.startswith("Move the 3 coded segments, the memos and the sub-codes of “融入困境/社会网络萎缩”")
               for c in at.caption)
    assert at.warning[0].value.startswith("“融入困境/社会网络萎缩” has 3 coded segments")
    # The demo's top level is category-only: "to the parent" is not offered.
    assert at.radio(key=f"codebook_delete_how_{network}").options == [
        "Move them to another code", "Delete them too"]
    at.text_input(key="codebook_search").input("xdpk").run()
    assert list(at.dataframe[0].value.iloc[:, -1]) == ["pinyin"]
