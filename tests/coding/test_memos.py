"""Memos on the project, a document, a code and a coding; listing and searching them."""

import pytest

from codebook.codes import add_code_path
from coding.codings import apply_codes, document_codings
from coding.memos import add_memo, delete_memo, edit_memo, list_memos, search_memos
from corpus.projects import create_project
from i18n import BianmaError
from storage.tables import Document

TEXT = "王大伯：𠀋村的老邻居都散了，对门是谁都不知道。"


@pytest.fixture
def setup(Session):
    with Session.begin() as s:
        project = create_project(s, "备忘录测试")
        other = create_project(s, "别的项目")
        document = Document(project_id=project.id, name="访谈01", kind="interview",
                            original_filename="a.txt", encoding="utf-8", text=TEXT)
        foreign = Document(project_id=other.id, name="访谈X", kind="interview",
                           original_filename="x.txt", encoding="utf-8", text=TEXT)
        s.add_all([document, foreign])
        s.flush()
        code = add_code_path(s, project.id, "融入困境/社会网络萎缩")
        start = TEXT.index("老邻居")
        [coding] = apply_codes(s, document.id, start, start + 6, [code.id], coder="甲")
        return {"project": project.id, "doc": document.id, "foreign": foreign.id, "code": code.id,
                "coding": coding.id}


def test_memos_on_each_kind_of_target_are_listed_with_what_they_are_about(Session, setup):
    p = setup["project"]
    with Session.begin() as s:
        add_memo(s, p, "  研究问题：搬迁如何改变邻里关系？ ", coder="甲")
        add_memo(s, p, "王大伯说话很谨慎", document_id=setup["doc"], coder="乙")
        add_memo(s, p, "与“政治参与”常一起出现", code_id=setup["code"])
        add_memo(s, p, "熟人社会解体", coding_id=setup["coding"])
    with Session() as s:
        memos = list_memos(s, p)
        assert document_codings(s, setup["doc"])[0].memo == "熟人社会解体"
    assert sorted((m.kind, m.target, m.text) for m in memos) == [
        ("code", "融入困境/社会网络萎缩", "与“政治参与”常一起出现"),
        ("coding", "访谈01 · 融入困境/社会网络萎缩 · “老邻居都散了”", "熟人社会解体"),
        ("document", "访谈01", "王大伯说话很谨慎"),
        ("project", "备忘录测试", "研究问题：搬迁如何改变邻里关系？"),
    ]
    assert {m.author for m in memos if m.kind in ("project", "document")} == {"甲", "乙"}
    with Session() as s:
        assert [m.kind for m in list_memos(s, p, kind="document")] == ["document"]
        assert [m.text for m in list_memos(s, p, kind="code", target_id=setup["code"])] == [
            "与“政治参与”常一起出现"]


def test_search_finds_text_and_targets(Session, setup):
    p = setup["project"]
    with Session.begin() as s:
        add_memo(s, p, "邻里互助断裂", code_id=setup["code"])
        add_memo(s, p, "Trust and NEIGHBOURS")
        add_memo(s, p, "注意方言", document_id=setup["doc"])
    with Session() as s:
        assert [m.text for m in search_memos(s, p, "互助")] == ["邻里互助断裂"]
        assert [m.text for m in search_memos(s, p, "neighbours")] == ["Trust and NEIGHBOURS"]
        assert [m.text for m in search_memos(s, p, "访谈01")] == ["注意方言"]
        assert search_memos(s, p, "没有这个词") == []


def test_edit_and_delete(Session, setup):
    p = setup["project"]
    with Session.begin() as s:
        memo_id = add_memo(s, p, "初稿").id
    with Session.begin() as s:
        edit_memo(s, p, memo_id, "修改稿")
    with Session() as s:
        [memo] = list_memos(s, p)
    assert memo.text == "修改稿" and memo.updated_at >= memo.created_at
    with Session.begin() as s:
        delete_memo(s, p, memo_id)
    with Session() as s:
        assert list_memos(s, p) == []


def test_refusals(Session, setup):
    p = setup["project"]
    cases = [
        (lambda s: add_memo(s, p, "  "), "[E331] 备忘录内容不能为空。 / A memo must not be empty."),
        (lambda s: add_memo(s, p, "x", document_id=setup["doc"], code_id=setup["code"]),
         "[E333] 一条备忘录只能属于项目本身，或一个文档、一个代码、一个编码片段中的一个。 / "
         "A memo belongs to the project, or to one document, one code or one coded segment, not several."),
        (lambda s: add_memo(s, p, "x", document_id=setup["foreign"]),
         f"[E004] 未找到文档 {setup['foreign']}。 / Document {setup['foreign']} was not found."),
        (lambda s: edit_memo(s, p, 999, "x"), "[E332] 未找到备忘录 999。 / Memo 999 was not found."),
        (lambda s: delete_memo(s, p, 999), "[E332] 未找到备忘录 999。 / Memo 999 was not found."),
    ]
    for action, message in cases:
        with pytest.raises(BianmaError) as error, Session.begin() as s:
            action(s)
        assert str(error.value) == message
    with Session() as s:
        assert list_memos(s, p) == []
