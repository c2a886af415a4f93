"""The report pages through Streamlit's AppTest, on a fresh SQLite file with the demo project.

Each page runs inside a small entry script like app.py (the same sidebar, st.navigation), so
the tests do not depend on where the pages sit in the app's menu.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from single_page import open_page as open_single_page

from codebook.codes import find_code_by_path
from coding.codings import apply_codes
from demo.seed import CODINGS, DEMO_NAME
from storage.tables import Event, Project

TIMEOUT = 60


def open_page(home: Path, page: str) -> AppTest:
    return open_single_page(home, page, timeout=TIMEOUT)


def frame(at: AppTest, index: int) -> list[dict]:
    return at.dataframe[index].value.to_dict("records")


def second_coder(store) -> None:
    """A second coder codes the demo again: some quotes shorter, some left out, one recoded."""
    with store.begin() as s:
        project = s.scalar(select(Project).where(Project.name == DEMO_NAME))
        documents = {d.name: d for d in project.documents}
        for number, (name, quote, paths, _memo) in enumerate(CODINGS):
            if number % 4 == 3:
                continue
            document = documents[name]
            start = document.text.index(quote)
            end = start + len(quote) - (2 if number % 3 == 0 else 0)
            paths = ["融入困境/文化冲击"] if number % 5 == 0 else paths
            codes = [find_code_by_path(s, project.id, path).id for path in paths]
            apply_codes(s, document.id, start, end, codes, coder="乙")


def test_frequencies_tab_counts_the_demo_and_offers_downloads(home):
    at = open_page(home, "ui/frequencies.py")
    assert at.title[0].value == "代码频次、矩阵与共现"
    assert [m.value for m in at.metric] == ["15", "4", "3"]
    rows = frame(at, 0)
    parent = next(r for r in rows if r["代码"] == "融入困境")
    assert (parent["编码片段数"], parent["编码片段数（含下级代码）"], parent["文档数（含下级代码）"]) == (0, 9, 4)
    assert all(r["编码片段数（含下级代码）"] > 0 for r in rows)  # empty codes hidden by default
    labels = [b.label for b in at.download_button]
    assert labels == ["下载 CSV", "下载 Excel（XLSX）"]


def test_frequencies_filter_by_case_attribute(home):
    at = open_page(home, "ui/frequencies.py")
    at.multiselect(key="freq_attributes").set_value(["性别"]).run()
    at.multiselect(key="freq_values_性别").set_value(["女"]).run()
    assert not at.exception
    rows = {r["代码"].strip("\u3000"): r for r in frame(at, 0)}
    assert rows["融入困境"]["编码片段数（含下级代码）"] == 2
    assert rows["文化冲击"]["个案数"] == 1
    assert [m.value for m in at.metric] == ["5", "1", "1"]


def test_matrix_tab_by_attribute_and_by_document(home):
    at = open_page(home, "ui/frequencies.py")
    at.session_state["freq_view"] = "矩阵"
    at.run()
    at.selectbox(key="freq_matrix_columns").set_value("性别").run()
    at.radio(key="freq_matrix_measure").set_value("cases").run()
    assert not at.exception
    rows = {r["代码"]: r for r in frame(at, 0)}
    assert (rows["融入困境/相对贫困"]["男"], rows["融入困境/相对贫困"]["女"]) == (2, 0)
    assert "另有 1 个编码片段不属于任何个案" in " ".join(c.value for c in at.caption)
    at.selectbox(key="freq_matrix_columns").set_value("\u0000documents").run()
    rows = {r["代码"]: r for r in frame(at, 0)}
    assert rows["融入困境/社会网络萎缩"]["观察笔记_安置社区"] == 0  # cases measure: notes have none
    at.radio(key="freq_matrix_measure").set_value("codings").run()
    rows = {r["代码"]: r for r in frame(at, 0)}
    assert rows["融入困境/社会网络萎缩"]["观察笔记_安置社区"] == 1


def test_cooccurrence_tab_shows_the_most_frequent_pair_and_its_passages(home, store):
    at = open_page(home, "ui/frequencies.py")
    at.session_state["freq_view"] = "共现"
    at.run()
    assert not at.exception
    with store() as s:
        project = s.scalar(select(Project).where(Project.name == DEMO_NAME))
        poverty = find_code_by_path(s, project.id, "融入困境/相对贫困").id
        wider = find_code_by_path(s, project.id, "服务需求/扩大社会支持网络").id
        income = find_code_by_path(s, project.id, "服务需求/提升经济能力").id
        support = find_code_by_path(s, project.id, "介入策略/微观：心理与情绪调适").id
    assert {at.selectbox(key="freq_pair_a").value, at.selectbox(key="freq_pair_b").value} == {
        poverty, support}
    table = {r["代码"]: r for r in frame(at, 0)}  # the matrix as a table, then the places to read
    assert table["融入困境/相对贫困"]["介入策略/微观：心理与情绪调适"] == 1
    assert table["融入困境/相对贫困"]["融入困境/相对贫困"] == 3
    [excerpt] = frame(at, -1)
    assert excerpt["片段"] == excerpt["交汇处"] == "心里空落落的。我爸有段时间天天喝酒，说自己没用了。"
    at.segmented_control(key="freq_cooc_unit").set_value("passage").run()
    at.selectbox(key="freq_pair_a").set_value(wider).run()
    at.selectbox(key="freq_pair_b").set_value(income).run()
    assert not at.exception
    # in the same turn of 李阿姨's, without overlapping: the turn is shown, nothing marked
    [row] = frame(at, -1)
    assert "让我们有个说话的地方" in row["片段"] and "给年轻人介绍工作" in row["片段"]
    assert row["交汇处"] == ""


def test_words_page_frequencies_stop_words_and_keyword_in_context(home, store):
    at = open_page(home, "ui/words.py")
    with store() as s:
        key = f"words_stop_words_{s.scalar(select(Project.id).where(Project.name == DEMO_NAME))}"
    assert at.title[0].value == "词频与关键词上下文"
    words = {r["词"]: r["频次"] for r in frame(at, 0)}
    assert words["社区"] == 8 and "的" not in words
    at.text_area(key=key).set_value(at.text_area(key=key).value + "\n社区").run()
    assert "社区" not in {r["词"] for r in frame(at, 0)}
    at.text_input(key="words_kwic_word").input("邻居").run()
    lines = frame(at, 1)
    assert lines and all(line["关键词"] == "邻居" for line in lines)
    assert "“邻居”出现" in at.markdown[-1].value


def test_words_page_over_a_codes_segments(home, store):
    at = open_page(home, "ui/words.py")
    with store() as s:
        project = s.scalar(select(Project).where(Project.name == DEMO_NAME))
        parent = find_code_by_path(s, project.id, "融入困境").id
    at.selectbox(key="words_code").set_value(parent).run()
    at.toggle(key="words_children").set_value(True).run()
    assert not at.exception
    assert at.metric[2].label == "编码片段数（合并后）"
    assert int(at.metric[2].value) == 9  # the nine codings under 融入困境 do not overlap
    assert {r["词"] for r in frame(at, 0)} >= {"要钱", "心里", "对门"}


def test_agreement_page_computes_and_lists_disagreements(home, store):
    at = open_page(home, "ui/agreement.py")
    assert "选择至少两位编码者" in at.info[0].value
    second_coder(store)
    at.run()
    at.multiselect(key="agreement_coders").set_value(["示例研究者", "乙"])
    at.radio(key="agreement_unit").set_value("passage")
    at.number_input(key="agreement_bootstrap").set_value(200)
    at.form_submit_button[0].click().run()
    assert not at.exception and not at.error
    rows = frame(at, 0)
    assert rows[-1]["代码"] == "全部代码"
    assert rows[-1]["可配对话轮数"] == 33 * 10
    assert rows[-1]["Krippendorff's α"].startswith("0.709 [")
    disagreements = frame(at, 1)
    assert len(disagreements) == 7
    first = disagreements[0]
    assert (first["编码者：示例研究者"], first["编码者：乙"]) == (
        "可是认识的人少了。以前在村里，谁家有事大家都来帮忙，现在住在楼上，对门是谁都不知道。", "（未编码）")


def test_agreement_page_refuses_a_single_coder_and_switches_blind_coding(home, store):
    at = open_page(home, "ui/agreement.py")
    at.multiselect(key="agreement_coders").set_value(["示例研究者"])
    at.form_submit_button[0].click().run()
    assert "[E602]" in at.error[0].value
    at.toggle(key="agreement_blind_研究者").set_value(True).run()  # the sidebar's default coder
    assert not at.exception
    assert at.success[0].value == "已开启盲编码。"
    with store() as s:
        event = s.scalar(select(Event).where(Event.action == "blind"))
    assert event.payload == {"blind": True}


def test_pages_in_english(home):
    at = open_page(home, "ui/agreement.py")
    at.sidebar.selectbox(key="lang").set_value("en").run()
    assert at.title[0].value == "Inter-coder agreement"
    at = open_page(home, "ui/frequencies.py")
    at.sidebar.selectbox(key="lang").set_value("en").run()
    assert at.title[0].value == "Code frequencies, matrices and co-occurrence"
    assert "Codings (with sub-codes)" in at.dataframe[0].value.columns
