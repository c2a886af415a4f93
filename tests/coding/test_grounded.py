"""Grounded-theory levels (inferred and set), relation fields with undo, and in-vivo coding."""

import re
import string
from pathlib import Path

import pytest
from sqlalchemy import func, select

from codebook.codes import add_code, add_code_path, find_code_by_path
from coding.codings import document_codings
from coding.grounded import (
    IN_VIVO_MAX, LEVELS, PARADIGM_ROLES, Hierarchy, code_in_vivo, grounded_tree, in_vivo_name, infer_levels,
    set_grounded_fields,
)
from coding.undo import history, mark_baseline, redo, undo
from corpus.projects import create_project
from i18n import BianmaError
from i18n.catalogue.grounded import MESSAGES as GROUNDED_MESSAGES
from storage.tables import Code, Coding, Document, Event, Passage

ROOT = Path(__file__).resolve().parents[2]
TEXT = "访谈者：搬来以后怎么样？\n王大伯：𠀋村的“老邻居”都散了，对门/楼上\n是谁都不知道。😀  。。"


@pytest.mark.parametrize("parents, explicit, expected", [
    # a lone code is a concept
    ({1: None}, {}, {1: "concept"}),
    # two levels: category over concepts
    ({1: None, 2: 1, 3: 1}, {}, {1: "category", 2: "concept", 3: "concept"}),
    # four levels: the single top is the core category
    ({1: None, 2: 1, 3: 2, 4: 3}, {},
     {1: "core_category", 2: "main_category", 3: "category", 4: "concept"}),
    # deeper trees stop at core category
    ({1: None, 2: 1, 3: 2, 4: 3, 5: 4}, {},
     {1: "core_category", 2: "core_category", 3: "main_category", 4: "category", 5: "concept"}),
    # the longest branch decides: a main category may hold a concept directly
    ({1: None, 2: 1, 3: 2, 4: 1}, {}, {1: "main_category", 2: "category", 3: "concept", 4: "concept"}),
    # an explicit level wins and feeds the codes above it
    ({1: None, 2: 1}, {2: "main_category"}, {1: "core_category", 2: "main_category"}),
    ({1: None, 2: 1, 3: 2}, {2: "concept"}, {1: "category", 2: "concept", 3: "concept"}),
    ({1: None}, {1: "category"}, {1: "category"}),
])
def test_levels_are_inferred_bottom_up_and_explicit_levels_override(parents, explicit, expected):
    assert infer_levels(parents, explicit) == expected


@pytest.fixture
def study(Session):
    with Session.begin() as s:
        project = create_project(s, "扎根测试")
        document = Document(
            project_id=project.id, name="访谈01", kind="interview", original_filename="a.txt",
            encoding="utf-8", text=TEXT,
            passages=[Passage(index=0, start=4, end=TEXT.index("\n"), speaker="访谈者"),
                      Passage(index=1, start=TEXT.index("𠀋"), end=len(TEXT), speaker="王大伯")])
        s.add(document)
        network = add_code_path(s, project.id, "社会关系断裂/邻里关系疏远/不认识邻居")
        sub = add_code(s, project.id, "只知道姓", parent_id=network.id)
        category_only = add_code_path(s, project.id, "社会关系断裂/邻里关系疏远/老邻居", is_codable=False)
        s.flush()
        mark_baseline(s, project.id)
        return {"project": project.id, "doc": document.id, "concept": network.id, "sub": sub.id,
                "category": network.parent_id, "main": find_code_by_path(s, project.id, "社会关系断裂").id,
                "category_only": category_only.id}


def levels(Session, project_id):
    with Session() as s:
        return {node.path: (node.level, node.explicit) for node in grounded_tree(s, project_id)}


def test_tree_levels_and_the_concept_a_coding_counts_for(Session, study):
    assert levels(Session, study["project"]) == {
        "社会关系断裂": ("core_category", False),
        "社会关系断裂/邻里关系疏远": ("main_category", False),
        "社会关系断裂/邻里关系疏远/不认识邻居": ("category", False),
        "社会关系断裂/邻里关系疏远/不认识邻居/只知道姓": ("concept", False),
        "社会关系断裂/邻里关系疏远/老邻居": ("concept", False),
    }
    with Session.begin() as s:
        set_grounded_fields(s, study["project"], study["concept"], gt_level="concept")
    assert levels(Session, study["project"]) == {
        "社会关系断裂": ("main_category", False),
        "社会关系断裂/邻里关系疏远": ("category", False),
        "社会关系断裂/邻里关系疏远/不认识邻居": ("concept", True),
        "社会关系断裂/邻里关系疏远/不认识邻居/只知道姓": ("concept", False),
        "社会关系断裂/邻里关系疏远/老邻居": ("concept", False),
    }
    with Session() as s:
        hierarchy = Hierarchy(grounded_tree(s, study["project"]))
    # the sub-code of a concept rolls up into it; a category has no concept
    assert hierarchy.concept_of(study["sub"]) == study["concept"]
    assert hierarchy.concept_of(study["category"]) is None
    assert hierarchy.category_of(study["sub"]) == study["category"]
    assert hierarchy.category_of(study["category"]) == study["category"]
    assert hierarchy.above(study["category"], "main_category") == study["main"]
    assert hierarchy.above(study["main"], "core_category") is None


def code_row(Session, code_id):
    with Session() as s:
        code = s.get(Code, code_id)
        return (code.gt_level, code.relation_type, code.relation_meaning, code.paradigm_role)


def test_set_fields_records_one_undoable_change(Session, study):
    with Session.begin() as s:
        set_grounded_fields(s, study["project"], study["main"], gt_level="main_category",
                            relation_type="  因果 ", relation_meaning=" 断裂引发困境。\n",
                            paradigm_role="causal_condition", coder="甲")
    assert code_row(Session, study["main"]) == ("main_category", "因果", "断裂引发困境。", "causal_condition")
    with Session() as s:
        event = s.scalar(select(Event).where(Event.entity == "code", Event.action == "update"))
        assert event.payload["before"]["gt_level"] is None
        assert event.payload["after"]["relation_type"] == "因果"
        assert history(s, study["project"]).undo.label("zh") == "设置代码“社会关系断裂”的层级与关系"
    # unnamed fields stay; "" brings a level back to inference and takes a role away
    with Session.begin() as s:
        set_grounded_fields(s, study["project"], study["main"], gt_level="", paradigm_role=None)
    assert code_row(Session, study["main"]) == (None, "因果", "断裂引发困境。", None)
    # relation types are free text; the offered ones are suggestions
    with Session.begin() as s:
        set_grounded_fields(s, study["project"], study["main"], relation_type="互构 关系")
    assert code_row(Session, study["main"])[1] == "互构 关系"
    with Session.begin() as s:
        undo(s, study["project"])
        undo(s, study["project"])
    assert code_row(Session, study["main"]) == ("main_category", "因果", "断裂引发困境。", "causal_condition")
    with Session.begin() as s:
        undo(s, study["project"])
    assert code_row(Session, study["main"]) == (None, "", "", None)
    with Session.begin() as s:
        redo(s, study["project"])
    assert code_row(Session, study["main"]) == ("main_category", "因果", "断裂引发困境。", "causal_condition")


def test_setting_the_same_values_records_nothing(Session, study):
    with Session.begin() as s:
        set_grounded_fields(s, study["project"], study["main"], gt_level=None, relation_type="")
    with Session() as s:
        assert s.scalar(select(func.count(Event.id)).where(Event.action == "update")) == 0


@pytest.mark.parametrize("fields, code, fragment", [
    ({"gt_level": "theme"}, "E270", "“theme”"),
    ({"paradigm_role": "cause"}, "E272", "“cause”"),
    ({"relation_type": "因" * 41}, "E271", "at most 40 characters"),
])
def test_invalid_fields_are_refused_and_nothing_changes(Session, study, fields, code, fragment):
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        set_grounded_fields(s, study["project"], study["main"], relation_meaning="不应保存", **fields)
    assert error.value.code == code and fragment in str(error.value)
    assert code_row(Session, study["main"]) == (None, "", "", None)


def test_a_code_of_another_project_is_refused(Session, study):
    with Session.begin() as s:
        other = create_project(s, "另一个项目").id
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        set_grounded_fields(s, other, study["main"], gt_level="category")
    assert error.value.code == "E205"


@pytest.mark.parametrize("text, name", [
    ("“老邻居”", "老邻居"),
    ("  都散了，\n对门  ", "都散了，对门"),
    ("对门/楼上", "对门／楼上"),
    ("move  out\nnow!", "move out now"),
    ("𠀋村", "𠀋村"),
    ("。。 ", ""),
    ("字" * (IN_VIVO_MAX + 5), "字" * IN_VIVO_MAX + "…"),
])
def test_in_vivo_names(text, name):
    assert in_vivo_name(text) == name


def span(quote):
    start = TEXT.index(quote)
    return start, start + len(quote)


def test_in_vivo_creates_a_concept_and_codes_the_span(Session, study):
    start, end = span("“老邻居”都散了")
    with Session.begin() as s:
        result = code_in_vivo(s, study["project"], study["doc"], start, end,
                              parent_id=study["category"], coder="甲")
    assert (result.name, result.created) == ("老邻居”都散了", True)
    with Session() as s:
        code = s.get(Code, result.code_id)
        assert (code.name, code.parent_id, code.is_codable) == (result.name, study["category"], True)
        [segment] = document_codings(s, study["doc"])
    # the offsets count 𠀋 as one character
    assert (segment.id, segment.start, segment.end, segment.text, segment.speaker, segment.coder) == (
        result.coding_id, start, end, "“老邻居”都散了", "王大伯", "甲")
    assert TEXT[segment.start:segment.end] == "“老邻居”都散了"
    # one step of the history: undo takes both the coding and the code away
    with Session.begin() as s:
        assert history(s, study["project"]).undo.label("zh") == "实境编码“老邻居”都散了”"
        undo(s, study["project"])
    with Session() as s:
        assert s.get(Code, result.code_id) is None
        assert s.scalar(select(func.count(Coding.id))) == 0


def test_in_vivo_reuses_the_sibling_of_the_same_name(Session, study):
    with Session.begin() as s:
        first = code_in_vivo(s, study["project"], study["doc"], *span("𠀋村"), coder="甲")
    with Session.begin() as s:
        again = code_in_vivo(s, study["project"], study["doc"], *span("𠀋村"), coder="乙")
        longer = code_in_vivo(s, study["project"], study["doc"], *span("𠀋村的"), coder="乙")
    assert (first.name, first.created) == ("𠀋村", True)
    assert (again.code_id, again.name, again.created) == (first.code_id, "𠀋村", False)
    assert (longer.name, longer.created) == ("𠀋村的", True)
    with Session() as s:
        assert s.scalar(select(func.count(Code.id)).where(Code.name == "𠀋村")) == 1
        assert s.scalar(select(func.count(Coding.id)).where(Coding.code_id == first.code_id)) == 2


@pytest.mark.parametrize("quote, parent, code", [
    ("。。", None, "E273"),
    ("  ", None, "E302"),
    ("老邻居", "category", "E274"),
])
def test_in_vivo_refusals_leave_nothing(Session, study, quote, parent, code):
    start, end = (TEXT.rindex(quote), TEXT.rindex(quote) + len(quote))
    with Session() as s:
        codes_before = s.scalar(select(func.count(Code.id)))
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        code_in_vivo(s, study["project"], study["doc"], start, end,
                     parent_id=study["category"] if parent else None)
    assert error.value.code == code
    with Session() as s:
        assert s.scalar(select(func.count(Code.id))) == codes_before
        assert s.scalar(select(func.count(Coding.id))) == 0


def test_in_vivo_refuses_spans_outside_the_text_and_unknown_parents(Session, study):
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        code_in_vivo(s, study["project"], study["doc"], 5, len(TEXT) + 1)
    assert error.value.code == "E301"
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        code_in_vivo(s, study["project"], study["doc"], *span("对门"), parent_id=999_999)
    assert error.value.code == "E205"


def placeholders(message: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


@pytest.mark.parametrize("key", sorted(GROUNDED_MESSAGES))
def test_catalogue_keys_ranges_and_placeholders(key):
    zh, en = GROUNDED_MESSAGES[key]
    assert key.startswith("grounded.") or (key[0] == "E" and 270 <= int(key[1:]) <= 299)
    assert placeholders(zh) == placeholders(en)
    if key.startswith("E"):
        assert zh.endswith("。") and en.endswith(".")


def test_every_message_the_modules_name_is_in_the_catalogue():
    sources = ["coding/grounded.py", "coding/grounded_tables.py", "coding/grounded_exports.py",
               "coding/grounded_cli.py", "coding/saturation.py", "coding/paradigm.py", "ui/grounded.py"]
    named = {key for source in sources
             for key in re.findall(r'"((?:grounded\.|E2[7-9])[\w.]*)"', (ROOT / source).read_text("utf-8"))}
    named |= {f"grounded.level_{level}" for level in LEVELS} | {
        f"grounded.role_{role}" for role in PARADIGM_ROLES}
    assert len(named) > 60
    assert named - set(GROUNDED_MESSAGES) == set()
