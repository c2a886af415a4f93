"""Merging, splitting, deleting and reordering codes without losing a coding or a memo."""

from collections import Counter

import pytest
from sqlalchemy import select

from codebook.codes import add_code, add_code_path, code_tree, find_code_by_path, update_code
from codebook.tree import (
    deletion_impact, delete_code, merge_codes, reorder_code, set_example_from_coding, split_code,
)
from coding.codings import apply_codes, code_segments, project_codings, write_coding_memo
from i18n import BianmaError
from storage.tables import Code, Memo

NETWORK, POVERTY, CULTURE, SUPPORT = ("融入困境/社会网络萎缩", "融入困境/相对贫困", "融入困境/文化冲击",
                                      "服务需求/扩大社会支持网络")


def coded_spans(session, project_id):
    return Counter((s.code_path, s.text, s.coder) for s in project_codings(session, project_id))


def segment(session, project_id, path, text, coder="甲"):
    code = find_code_by_path(session, project_id, path)
    [found] = [s for s in code_segments(session, project_id, code.id)
               if s.text == text and s.coder == coder]
    return found


def test_merge_keeps_every_coding_and_folds_the_same_span_by_the_same_coder(Session, coded):
    p = coded["project"]
    with Session.begin() as s:
        write_coding_memo(s, segment(s, p, NETWORK, "老邻居都散了").id, "困境一侧的看法")
        write_coding_memo(s, segment(s, p, SUPPORT, "老邻居都散了").id, "需求一侧的看法")
        merge_codes(s, p, coded["codes"][SUPPORT], coded["codes"][NETWORK])
    with Session() as s:
        spans = coded_spans(s, p)
        kept = segment(s, p, NETWORK, "老邻居都散了")
        paths = [n.path for n in code_tree(s, p)]
    # 甲's two codings of 老邻居都散了 became one; 乙's stays separate.
    assert spans == Counter({(NETWORK, "老邻居都散了", "甲"): 1, (NETWORK, "对门是谁都不知道", "甲"): 1,
                             (NETWORK, "老邻居都散了", "乙"): 1, (POVERTY, "买菜要钱", "甲"): 1,
                             (CULTURE, "过年不让放鞭炮", "甲"): 1})
    assert kept.memo == "困境一侧的看法\n\n需求一侧的看法"
    assert SUPPORT not in paths and "服务需求" in paths


@pytest.mark.parametrize("source, target", [("融入困境", NETWORK), (NETWORK, NETWORK)])
def test_merging_into_itself_or_its_own_descendant_is_refused(Session, coded, source, target):
    p = coded["project"]
    with Session() as s:
        source_id = find_code_by_path(s, p, source).id
        target_id = find_code_by_path(s, p, target).id
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        merge_codes(s, p, source_id, target_id)
    assert str(error.value) == (
        f"[E208] 不能把代码“{source}”合并到它自己或它的下级代码“{target}”中。 / "
        f"The code “{source}” cannot be merged into itself or into its own sub-code “{target}”.")
    with Session() as s:
        assert len(code_tree(s, p)) == 6


def test_merge_moves_sub_codes_and_merges_those_with_the_same_name(Session, coded):
    p = coded["project"]
    with Session.begin() as s:
        target = add_code_path(s, p, "困境/相对贫困", definition="与本地人比较后的贫困感").parent_id
        before = coded_spans(s, p)
        merge_codes(s, p, find_code_by_path(s, p, "融入困境").id, target)
    with Session() as s:
        paths = [n.path for n in code_tree(s, p)]
        after = coded_spans(s, p)
    assert paths == ["服务需求", "服务需求/扩大社会支持网络", "困境", "困境/相对贫困",
                     "困境/社会网络萎缩", "困境/文化冲击"]
    assert after == Counter({(path.replace("融入困境", "困境"), text, coder): n
                             for (path, text, coder), n in before.items()})


def test_merge_fills_empty_fields_and_keeps_a_differing_definition_in_a_memo(Session, coded):
    p, codes = coded["project"], coded["codes"]
    with Session.begin() as s:
        update_code(s, p, codes[SUPPORT], definition="希望结识新朋友", exclusion="不含活动本身")
        update_code(s, p, codes[NETWORK], definition="原有关系中断")
        merge_codes(s, p, codes[SUPPORT], codes[NETWORK])
    with Session() as s:
        code = s.get(Code, codes[NETWORK])
        memos = s.scalars(select(Memo.text).where(Memo.code_id == code.id)).all()
    assert (code.definition, code.exclusion) == ("原有关系中断", "不含活动本身")
    assert memos == ["合并自“扩大社会支持网络” / merged from “扩大社会支持网络”\ndefinition: 希望结识新朋友"]


def test_split_moves_only_the_chosen_codings_to_a_new_sibling(Session, coded):
    p, codes = coded["project"], coded["codes"]
    with Session.begin() as s:
        chosen = segment(s, p, NETWORK, "对门是谁都不知道").id
        new = split_code(s, p, codes[NETWORK], "邻里陌生", [chosen], definition="不认识新邻居")
        new_id = new.id
    with Session() as s:
        spans = coded_spans(s, p)
        node = next(n for n in code_tree(s, p) if n.id == new_id)
    assert (node.path, node.definition) == ("融入困境/邻里陌生", "不认识新邻居")
    assert spans[("融入困境/邻里陌生", "对门是谁都不知道", "甲")] == 1
    assert spans[(NETWORK, "老邻居都散了", "甲")] == 1 and spans[(NETWORK, "对门是谁都不知道", "甲")] == 0


def test_split_needs_codings_of_that_code(Session, coded):
    p, codes = coded["project"], coded["codes"]
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        split_code(s, p, codes[NETWORK], "新代码", [])
    assert error.value.code == "E214"
    with Session() as s:
        foreign = segment(s, p, POVERTY, "买菜要钱").id
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        split_code(s, p, codes[NETWORK], "新代码", [foreign])
    assert str(error.value).startswith(f"[E215] 编码片段 {foreign} 不属于代码“社会网络萎缩”。")


def test_delete_shows_what_it_touches_and_needs_a_choice(Session, coded):
    p, codes = coded["project"], coded["codes"]
    with Session.begin() as s:
        write_coding_memo(s, segment(s, p, NETWORK, "老邻居都散了").id, "熟人社会解体")
        impact = deletion_impact(s, p, codes[NETWORK])
    assert (impact.path, impact.codings, impact.coding_memos, impact.code_memos, impact.children) == (
        NETWORK, 3, 1, 0, 0)
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        delete_code(s, p, codes[NETWORK], codings=None)
    assert str(error.value) == (
        f"[E210] 删除代码“{NETWORK}”前，请先选择如何处理它的 3 个编码片段和 0 条备忘录。 / "
        f"Before deleting the code “{NETWORK}”, choose what happens to its 3 coded segments and 0 memos.")


def test_delete_moving_codings_to_the_parent(Session, coded):
    p, codes = coded["project"], coded["codes"]
    with Session.begin() as s:
        delete_code(s, p, codes[NETWORK], codings="parent")
    with Session() as s:
        spans = coded_spans(s, p)
    assert spans[("融入困境", "老邻居都散了", "甲")] == 1 and spans[("融入困境", "老邻居都散了", "乙")] == 1
    assert sum(spans.values()) == 6


def test_delete_moving_codings_to_another_code_folds_duplicates(Session, coded):
    p, codes = coded["project"], coded["codes"]
    with Session.begin() as s:
        delete_code(s, p, codes[SUPPORT], codings="code", target_id=codes[NETWORK])
    with Session() as s:
        spans = coded_spans(s, p)
    assert spans[(NETWORK, "老邻居都散了", "甲")] == 1 and sum(spans.values()) == 5


def test_delete_with_its_codings_and_their_memos(Session, coded):
    p, codes = coded["project"], coded["codes"]
    with Session.begin() as s:
        write_coding_memo(s, segment(s, p, CULTURE, "过年不让放鞭炮").id, "节庆习俗受限")
        delete_code(s, p, codes[CULTURE], codings="delete")
    with Session() as s:
        assert sum(coded_spans(s, p).values()) == 5
        assert s.scalar(select(Memo.id)) is None


def test_delete_refusals(Session, coded):
    p, codes = coded["project"], coded["codes"]
    with Session.begin() as s:
        top = find_code_by_path(s, p, "服务需求").id
        category = add_code(s, p, "类别", is_codable=False).id
    network = codes[NETWORK]
    for victim, kwargs, code in ((top, {"codings": "parent"}, "E211"),
                                 (network, {"codings": "code", "target_id": network}, "E212"),
                                 (network, {"codings": "code", "target_id": category}, "E213")):
        with pytest.raises(BianmaError) as error, Session.begin() as s:
            delete_code(s, p, victim, **kwargs)
        assert error.value.code == code
    with Session() as s:
        assert len(code_tree(s, p)) == 7


def test_delete_moves_sub_codes_up_to_the_parent(Session, coded):
    p = coded["project"]
    with Session.begin() as s:
        add_code_path(s, p, "融入困境/社会网络萎缩/邻里")
        add_code_path(s, p, "融入困境/社会网络萎缩/亲戚")
        delete_code(s, p, coded["codes"][NETWORK], codings="parent")
    with Session() as s:
        paths = [n.path for n in code_tree(s, p)]
    assert paths[:5] == ["融入困境", "融入困境/相对贫困", "融入困境/文化冲击", "融入困境/邻里", "融入困境/亲戚"]


def test_reorder_among_siblings(Session, coded):
    p, codes = coded["project"], coded["codes"]
    with Session.begin() as s:
        reorder_code(s, p, codes[CULTURE], 0)
    with Session() as s:
        assert [n.name for n in code_tree(s, p) if n.depth == 1][:3] == ["文化冲击", "社会网络萎缩", "相对贫困"]
    with Session.begin() as s:
        reorder_code(s, p, codes[CULTURE], 99)
    with Session() as s:
        assert [n.name for n in code_tree(s, p) if n.depth == 1][:3] == ["社会网络萎缩", "相对贫困", "文化冲击"]


def test_example_taken_from_a_coding(Session, coded):
    p, codes = coded["project"], coded["codes"]
    with Session.begin() as s:
        coding = segment(s, p, POVERTY, "买菜要钱").id
        assert set_example_from_coding(s, p, codes[POVERTY], coding) == "买菜要钱"
    with Session() as s:
        assert s.get(Code, codes[POVERTY]).example == "买菜要钱"


def test_category_only_codes_cannot_be_coded(Session, coded):
    p, codes = coded["project"], coded["codes"]
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        update_code(s, p, codes[NETWORK], is_codable=False)
    assert str(error.value).startswith("[E216] 代码“社会网络萎缩”已有 3 个编码片段，不能设为仅分类")
    with Session.begin() as s:
        parent = find_code_by_path(s, p, "融入困境").id
        update_code(s, p, parent, is_codable=False)
    start = coded["text"].index("心里不舒服")
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        apply_codes(s, coded["doc"], start, start + 5, [codes[CULTURE], parent])
    assert str(error.value) == ("[E305] 代码“融入困境”仅用于分类（不可编码），请选择它的下级代码。 / "
                                "The code “融入困境” is a category only (not codable); choose one of its sub-codes.")
    with Session() as s:
        assert sum(coded_spans(s, p).values()) == 6
