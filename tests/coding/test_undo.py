"""Undo and redo of codebook, coding and memo changes: exact earlier states, named actions."""

import pytest
from sqlalchemy import select

from codebook.codes import add_code, add_code_path, find_code_by_path, move_code, update_code
from codebook.templates import apply_template
from codebook.tree import delete_code, merge_codes, reorder_code, set_example_from_coding, split_code
from coding.codings import apply_codes, remove_coding, write_coding_memo
from coding.memos import add_memo, delete_memo, edit_memo
from coding.undo import history, mark_baseline, redo, undo
from corpus.projects import create_project
from i18n import BianmaError, t
from storage import audit
from storage.tables import Code, Coding, Document, Memo

TEXT = "王大伯：𠀋村的老邻居都散了，对门是谁都不知道。买菜要钱，水电也要钱。过年不让放鞭炮。"


def span(quote):
    start = TEXT.index(quote)
    return start, start + len(quote)


@pytest.fixture
def project(Session):
    with Session.begin() as s:
        project = create_project(s, "撤销测试")
        document = Document(project_id=project.id, name="访谈01", kind="interview",
                            original_filename="a.txt", encoding="utf-8", text=TEXT)
        s.add(document)
        s.flush()
        mark_baseline(s, project.id)
        return {"project": project.id, "doc": document.id}


def state(session, project_id):
    def rows(table, query):
        columns = [c.key for c in table.__table__.columns]
        return [tuple(getattr(r, c) for c in columns) for r in session.scalars(query.order_by(table.id))]

    return (rows(Code, select(Code).where(Code.project_id == project_id)),
            rows(Coding, select(Coding)),
            rows(Memo, select(Memo).where(Memo.project_id == project_id)))


def steps(Session, p, doc):
    """Each change a researcher makes, one transaction each."""
    ids = {}

    def code(path):
        return lambda s: find_code_by_path(s, p, path).id

    def first_coding(s, path):
        return s.scalar(select(Coding.id).where(Coding.code_id == code(path)(s)).order_by(Coding.id))

    yield lambda s: ids.update(network=add_code_path(s, p, "融入困境/社会网络萎缩").id)
    yield lambda s: ids.update(culture=add_code_path(s, p, "融入困境/文化冲击").id)
    yield lambda s: add_code(s, p, "服务需求")
    yield lambda s: apply_codes(s, doc, *span("老邻居都散了"), [ids["network"], ids["culture"]], coder="甲")
    yield lambda s: apply_codes(s, doc, *span("对门是谁都不知道"), [ids["network"]], coder="乙")
    yield lambda s: apply_codes(s, doc, *span("过年不让放鞭炮"), [ids["culture"]], coder="甲")
    yield lambda s: write_coding_memo(s, first_coding(s, "融入困境/文化冲击"), "习俗")
    yield lambda s: write_coding_memo(s, first_coding(s, "融入困境/社会网络萎缩"), "熟人社会")
    yield lambda s: update_code(s, p, ids["culture"], name="文化震惊", color="#123456", definition="定义",
                                inclusion="纳入", exclusion="排除")
    yield lambda s: set_example_from_coding(s, p, ids["culture"], first_coding(s, "融入困境/文化震惊"))
    yield lambda s: add_memo(s, p, "项目备忘")
    yield lambda s: add_memo(s, p, "代码备忘", code_id=ids["network"])
    yield lambda s: edit_memo(s, p, s.scalar(select(Memo.id).where(Memo.text == "项目备忘")), "项目备忘二")
    yield lambda s: move_code(s, p, code("服务需求")(s), ids["network"])
    yield lambda s: reorder_code(s, p, ids["culture"], 0)
    yield lambda s: merge_codes(s, p, ids["culture"], ids["network"])
    yield lambda s: split_code(s, p, ids["network"], "邻里陌生", [first_coding(s, "融入困境/社会网络萎缩")])
    yield lambda s: remove_coding(s, first_coding(s, "融入困境/邻里陌生"))
    yield lambda s: delete_memo(s, p, s.scalar(select(Memo.id).where(Memo.text == "项目备忘二")))
    yield lambda s: delete_code(s, p, ids["network"], codings="parent")
    yield lambda s: delete_code(s, p, code("融入困境")(s), codings="delete")


def test_undo_and_redo_return_exactly_each_earlier_state(Session, project):
    p, doc = project["project"], project["doc"]
    with Session() as s:
        states = [state(s, p)]
    for change in steps(Session, p, doc):
        with Session.begin() as s:
            change(s)
        with Session() as s:
            states.append(state(s, p))
    assert states[-1] != states[0]
    for expected in reversed(states[:-1]):
        with Session.begin() as s:
            undo(s, p)
        with Session() as s:
            assert state(s, p) == expected
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        undo(s, p)
    assert str(error.value) == "[E220] 没有可以撤销的操作。 / There is nothing to undo."
    for expected in states[1:]:
        with Session.begin() as s:
            redo(s, p)
        with Session() as s:
            assert state(s, p) == expected
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        redo(s, p)
    assert error.value.code == "E221"


def test_the_buttons_name_the_action(Session, project):
    p = project["project"]
    with Session.begin() as s:
        a = add_code_path(s, p, "融入困境/社会网络萎缩").id
        b = add_code_path(s, p, "融入困境/邻里关系").id
    with Session.begin() as s:
        merge_codes(s, p, a, b)
    with Session() as s:
        step = history(s, p).undo
    assert t("history.undo", "zh", action=step.label("zh")) == "撤销：合并代码 融入困境/社会网络萎缩 到 融入困境/邻里关系"
    assert t("history.undo", "en", action=step.label("en")) == (
        "Undo: merge the code 融入困境/社会网络萎缩 into 融入困境/邻里关系")
    with Session.begin() as s:
        assert undo(s, p).label() == step.label()
    with Session() as s:
        now = history(s, p)
    assert now.redo.label() == step.label() and now.undo.label() == "添加代码“融入困境/社会网络萎缩”"


def test_a_new_change_after_undo_clears_redo(Session, project):
    p = project["project"]
    with Session.begin() as s:
        add_code(s, p, "甲")
    with Session.begin() as s:
        add_code(s, p, "乙")
    with Session.begin() as s:
        undo(s, p)
    with Session() as s:
        assert history(s, p).redo_depth == 1
    with Session.begin() as s:
        add_code(s, p, "丙")
    with Session() as s:
        h = history(s, p)
        names = s.scalars(select(Code.name).where(Code.project_id == p).order_by(Code.id)).all()
    assert (h.redo, h.undo_depth, names) == (None, 2, ["甲", "丙"])


def test_history_starts_at_the_template_of_a_new_project(Session):
    with Session.begin() as s:
        p = create_project(s, "模板项目").id
        apply_template(s, p, "social-healing")
        mark_baseline(s, p)
    with Session() as s:
        assert history(s, p).undo is None
    with Session.begin() as s:
        code = add_code(s, p, "新代码")
    with Session.begin() as s:
        assert undo(s, p).label() == "添加代码“新代码”"
    with Session() as s:
        assert s.get(Code, code.id) is None
        assert history(s, p).undo is None


def test_a_change_without_a_step_is_a_wall_undo_does_not_cross(Session, project):
    p = project["project"]
    with Session.begin() as s:
        add_code(s, p, "甲")
    with Session.begin() as s:
        # An event the history cannot reverse (as written before undo existed).
        audit.record(s, project_id=p, coder=None, action="add", entity="code", entity_id=None)
    with Session() as s:
        assert history(s, p).undo is None


def test_undo_refused_when_later_changes_outside_the_history_removed_its_rows(Session, project):
    p, doc = project["project"], project["doc"]
    with Session.begin() as s:
        code = add_code(s, p, "社会网络萎缩").id
    with Session.begin() as s:
        apply_codes(s, doc, *span("老邻居都散了"), [code])
    with Session.begin() as s:
        remove_coding(s, s.scalar(select(Coding.id)))
    with Session.begin() as s:
        s.delete(s.get(Document, doc))  # documents are not part of the codebook history
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        undo(s, p)
    assert str(error.value).startswith("[E222] 无法撤销“删除编码“老邻居都散了””")
    with Session() as s:
        assert history(s, p).undo.label() == "删除编码“老邻居都散了”"
