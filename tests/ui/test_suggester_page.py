"""The suggester page through AppTest: refusing too little data, training with progress and the
quality report, the mapping step, versions, and the machine coder."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from single_page import open_page as open_single_page

from codebook.codes import add_code_path
from coding.codings import apply_codes
from corpus.documents import import_document
from corpus.projects import create_project
from demo.seed import DEMO_NAME
from storage.tables import Coding, Project, SuggesterModel
from suggester_project import add_interviews

TIMEOUT = 120

# dataframes in page order: versions, figures, per code, training data


def open_page(home: Path, page: str) -> AppTest:
    return open_single_page(home, page, timeout=TIMEOUT)


def demo_id(store) -> int:
    with store() as s:
        return s.scalar(select(Project.id).where(Project.name == DEMO_NAME))


def test_train_on_the_demo_once_it_has_enough_codings(home, store):
    at = open_page(home, "ui/suggester.py")
    assert at.title[0].value == "建议模型：训练与版本"
    assert any("还没有训练过模型" in info.value for info in at.info)
    at.button(key="suggester_train").click().run()
    assert "[E740]" in at.error[0].value and "还需要至少8个编码片段" in at.error[0].value

    with store.begin() as s:
        add_interviews(s, demo_id(store))
    at.run()
    at.button(key="suggester_train").click().run()
    assert not at.exception, at.exception
    assert "编码建议 v1已训练好并启用" in at.success[0].value
    assert at.header[-2].value == "编码建议 v1的质量报告"
    figures = at.dataframe[1].value
    assert list(figures["指标"]) == ["片段 F1", "首条命中率 P@1", "前三召回率 R@3", "微平均 F1", "宏平均 F1"]
    assert all(0 <= float(v) <= 1 for v in figures["数值"])
    per_code = at.dataframe[2].value
    assert "融入困境/社会网络萎缩" in set(per_code["代码"])
    versions = at.dataframe[0].value
    assert list(versions["版本"]) == ["编码建议 v1"] and list(versions["使用中"]) == ["✓"]

    # the suggester codes every document as a coder of its own
    at.button(key="suggester_machine").click().run()
    assert "“编码建议 v1”在9个文档中写入" in at.success[0].value
    with store() as s:
        assert s.scalar(select(func.count(Coding.id)).where(Coding.provenance == "machine")) > 0

    # a second version; the first can be used again, then deleted after confirming
    at.button(key="suggester_train").click().run()
    assert list(at.dataframe[0].value["版本"]) == ["编码建议 v2", "编码建议 v1"]
    with store() as s:
        first = s.scalar(select(SuggesterModel.id).where(SuggesterModel.version == 1))
    at.selectbox(key="suggester_shown").set_value(first).run()
    at.button(key="suggester_activate").click().run()
    assert at.success[0].value == "现在使用编码建议 v1给出编码建议。"
    with store() as s:
        assert s.scalar(select(SuggesterModel.version).where(SuggesterModel.active)) == 1
    assert at.button(key="suggester_delete").disabled
    at.checkbox(key="suggester_confirm").check().run()
    at.button(key="suggester_delete").click().run()
    with store() as s:
        assert s.scalars(select(SuggesterModel.version)).all() == [2]
        assert s.scalar(select(SuggesterModel.active)) is True


def test_other_projects_are_mapped_before_training(home, store):
    at = open_page(home, "ui/suggester.py")
    with store.begin() as s:
        other = create_project(s, "一期访谈")
        document = import_document(s, other.id, "a.txt", "访谈者：最近好吗？\n老李：不习惯这里的风俗。\n"
                                   "访谈者：还有呢？\n老李：邻居都不来往了。\n".encode("utf-8"))
        for path, quote in (("融入困境/文化冲击", "不习惯这里的风俗"), ("旧代码/邻里疏远", "邻居都不来往了")):
            start = document.text.index(quote)
            apply_codes(s, document.id, start, start + len(quote), [add_code_path(s, other.id, path).id])
        other_id = other.id
    at.run()
    key = f"suggester_sources_{demo_id(store)}"
    at.multiselect(key=key).select(other_id).run()
    assert not at.exception, at.exception
    assert "1个代码没有找到对应" in at.caption[1].value
    with store.begin() as s:
        add_interviews(s, demo_id(store))
    at.run()
    at.button(key="suggester_train").click().run()
    assert not at.exception, at.exception
    with store() as s:
        meta = s.scalar(select(SuggesterModel.meta))
    assert [p["name"] for p in meta["projects"]] == [DEMO_NAME, "一期访谈"]
    # the matched code maps by path; the unmatched one is left out unless chosen
    assert meta["mapping"] == {"一期访谈": {"融入困境/文化冲击": "融入困境/文化冲击"}}
