"""The grounded-theory page through Streamlit's AppTest, on a fresh SQLite file with the demo."""

from __future__ import annotations

import base64
from pathlib import Path

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from codebook.codes import find_code_by_path
from coding.grounded import set_grounded_fields
from demo.seed import DEMO_NAME
from storage.tables import Code, Project

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60
ENTRY = """
import streamlit as st
from ui.layout import sidebar

st.set_page_config(page_title="编码 Bianma", layout="wide")
sidebar()
st.navigation([st.Page({page!r}, default=True)]).run()
"""


def open_page(home: Path, tab: str | None = None) -> AppTest:
    entry = home / "entry_grounded.py"
    entry.write_text(ENTRY.format(page=str(ROOT / "ui/grounded.py")), encoding="utf-8")
    at = AppTest.from_file(str(entry), default_timeout=TIMEOUT)
    at.run()
    if tab:
        at.session_state["grounded_view"] = tab
        at.run()
    assert not at.exception, at.exception
    return at


def demo_code(store, path: str) -> tuple[int, int]:
    with store() as s:
        project = s.scalar(select(Project.id).where(Project.name == DEMO_NAME))
        return project, find_code_by_path(s, project, path).id


def frame(at: AppTest) -> list[dict]:
    """The rows of the open tab's table (each tab shows one)."""
    [table] = at.dataframe
    return table.value.to_dict("records")


def test_levels_tab_shows_inferred_levels_and_saves_one(home, store):
    at = open_page(home)
    assert at.title[0].value == "扎根理论：三级编码与饱和度检验"
    rows = {r["代码"].strip("\u3000"): r for r in frame(at)}
    assert (rows["融入困境"]["层级"], rows["文化冲击"]["层级"]) == ("范畴（自动）", "初始概念（自动）")
    _project, code_id = demo_code(store, "融入困境")
    at.selectbox(key="grounded_code").set_value(code_id).run()
    at.selectbox(key=f"grounded_level_{code_id}").set_value("main_category")
    at.selectbox(key=f"grounded_type_{code_id}").set_value("因果")
    at.text_area(key=f"grounded_meaning_{code_id}").input("困境引发服务需求。")
    at.selectbox(key=f"grounded_role_{code_id}").set_value("causal_condition")
    at.button(key=f"FormSubmitter:grounded_form_{code_id}-保存").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value == "已保存“融入困境”的层级与关系。"
    with store() as s:
        code = s.get(Code, code_id)
        assert (code.gt_level, code.relation_type, code.relation_meaning, code.paradigm_role) == (
            "main_category", "因果", "困境引发服务需求。", "causal_condition")
    rows = {r["代码"].strip("\u3000"): r for r in frame(at)}
    assert (rows["融入困境"]["层级"], rows["融入困境"]["范式模型角色"]) == ("主范畴", "因果条件")
    # "automatic" brings the level back to inference; the other fields stay
    at.selectbox(key=f"grounded_type_{code_id}").set_value("时序")
    at.selectbox(key=f"grounded_level_{code_id}").set_value("")
    at.button(key=f"FormSubmitter:grounded_form_{code_id}-保存").click().run()
    with store() as s:
        code = s.get(Code, code_id)
        assert (code.gt_level, code.relation_type) == (None, "时序")
    rows = {r["代码"].strip("\u3000"): r for r in frame(at)}
    assert (rows["融入困境"]["层级"], rows["融入困境"]["关系类型"]) == ("范畴（自动）", "时序")


def test_open_coding_tab_lists_the_demo_statements(home):
    at = open_page(home, "开放式编码表")
    assert [m.value for m in at.metric] == ["15", "10", "3"]
    rows = frame(at)
    assert len(rows) == 15
    assert rows[0] == {"编号": "a1-1", "原始语句": "可是认识的人少了。以前在村里，谁家有事大家都来帮忙，现在住在楼上，对门是谁都不知道。",
                       "来源文档": "访谈01_王大伯", "说话人": "王大伯", "初始概念": "a1 社会网络萎缩", "范畴": "A1 融入困境"}
    assert rows[-1]["编号"] == "a10-1" and rows[-1]["范畴"] == "A3 介入策略"
    assert [b.label for b in at.download_button] == ["下载 Excel（.xlsx）", "下载 Word（.docx）"]
    at.multiselect(key="grounded_open_coders").set_value(["示例研究者"]).run()
    assert len(frame(at)) == 15


def test_axial_tab_needs_main_categories_then_lists_them(home, store):
    at = open_page(home, "主轴编码表")
    assert "还没有主范畴" in at.info[0].value
    project, code_id = demo_code(store, "服务需求")
    with store.begin() as s:
        set_grounded_fields(s, project, code_id, gt_level="main_category", relation_type="并列")
    at.run()
    assert frame(at) == [
        {"主范畴": "服务需求", "对应范畴": "", "关系类型": "并列", "关系内涵": ""}]
    assert [b.label for b in at.download_button] == ["下载 Excel（.xlsx）", "下载 Word（.docx）"]


def test_saturation_tab_with_a_holdout_and_another_order(home):
    at = open_page(home, "理论饱和度")
    rows = frame(at)
    assert [(r["文档"], r["新增初始概念数"], r["累计初始概念数"]) for r in rows] == [
        ("访谈01_王大伯", 3, 3), ("访谈02_李阿姨", 4, 7), ("访谈03_小张", 3, 10), ("观察笔记_安置社区", 0, 10)]
    assert not at.success and not at.warning
    at.number_input(key="grounded_sat_holdout").set_value(1).run()
    assert at.success[0].value == "最后 1 份文档没有带来新的初始概念或范畴：理论已饱和。"
    order = at.multiselect(key="grounded_sat_order")
    notes, first = order.value[3], order.value[0]
    order.set_value([notes, *order.value[1:3], first]).run()
    assert not at.exception
    rows = frame(at)
    assert [r["文档"] for r in rows] == ["观察笔记_安置社区", "访谈02_李阿姨", "访谈03_小张", "访谈01_王大伯"]
    assert at.warning[0].value.startswith("最后 1 份文档带来了新的内容，尚未饱和。")
    assert [b.label for b in at.download_button] == ["下载 CSV", "下载 Excel（XLSX）"]
    at.multiselect(key="grounded_sat_order").set_value([notes]).run()  # one document: no hold-out left
    assert not at.exception
    assert at.number_input(key="grounded_sat_holdout").value == 0


def test_paradigm_tab_draws_the_model_as_an_svg_image(home, store):
    at = open_page(home, "范式模型")
    assert at.info[0].value.startswith("还没有代码设定范式模型角色")
    project, code_id = demo_code(store, "介入策略")
    with store.begin() as s:
        set_grounded_fields(s, project, code_id, paradigm_role="action_strategy")
    at.run()
    assert not at.info
    [url] = at.image[0].value
    prefix = "data:image/svg+xml;base64,"
    assert url.startswith(prefix)
    svg = base64.b64decode(url[len(prefix):]).decode("utf-8")
    assert "行动策略" in svg and "介入策略" in svg and "· 中观：社区活动与平台" in svg
    labels = {b.label: b for b in at.download_button}
    assert list(labels) == ["下载 SVG 图", "下载 PNG 图"]
    assert not labels["下载 PNG 图"].disabled  # the machine has a CJK font


def test_page_in_english(home):
    at = open_page(home)
    at.sidebar.selectbox(key="lang").set_value("en").run()
    assert at.title[0].value == "Grounded theory: three-stage coding and saturation"
    rows = frame(at)
    assert rows[0]["Level"] == "Category (inferred)"
