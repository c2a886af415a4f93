import pytest

from codebook.codes import (
    add_code, add_code_path, code_tree, find_code_by_path, move_code, update_code,
)
from corpus.projects import create_project
from i18n import BianmaError


@pytest.fixture
def project_id(Session):
    with Session.begin() as s:
        return create_project(s, "测试项目").id


def test_tree_paths_and_depths(Session, project_id):
    with Session.begin() as s:
        add_code_path(s, project_id, "融入困境/社会网络萎缩")
        add_code_path(s, project_id, "融入困境/文化冲击", definition="风俗与语言的不适")
        add_code(s, project_id, "服务需求")
    with Session() as s:
        tree = code_tree(s, project_id)
    assert [(n.path, n.depth) for n in tree] == [
        ("融入困境", 0), ("融入困境/社会网络萎缩", 1), ("融入困境/文化冲击", 1), ("服务需求", 0)]
    assert tree[2].definition == "风俗与语言的不适"


@pytest.mark.parametrize("name, code", [("", "E201"), ("  ", "E201"), ("a/b", "E202")])
def test_bad_names_are_refused(Session, project_id, name, code):
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        add_code(s, project_id, name)
    assert error.value.code == code


def test_duplicate_sibling_refused_but_same_name_elsewhere_allowed(Session, project_id):
    with Session.begin() as s:
        a = add_code(s, project_id, "需求")
        add_code(s, project_id, "经济", parent_id=a.id)
        b = add_code(s, project_id, "困境")
        add_code(s, project_id, "经济", parent_id=b.id)
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        add_code(s, project_id, "经济", parent_id=a.id)
    assert error.value.code == "E204"
    assert str(error.value) == ("[E204] 同一层级下已有名为“经济”的代码。 / "
                                "A code named “经济” already exists at this level.")


def test_rename_recolour_and_refuse_bad_colour(Session, project_id):
    with Session.begin() as s:
        code = add_code(s, project_id, "文化冲击")
    with Session.begin() as s:
        update_code(s, project_id, code.id, name="文化震惊", color="#AABBCC", definition="定义")
    with Session() as s:
        node = code_tree(s, project_id)[0]
    assert (node.name, node.color, node.definition) == ("文化震惊", "#aabbcc", "定义")
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        update_code(s, project_id, code.id, color="red")
    assert error.value.code == "E203"


def test_move_nests_and_refuses_cycles(Session, project_id):
    with Session.begin() as s:
        parent = add_code(s, project_id, "困境")
        child = add_code(s, project_id, "社会网络萎缩")
        move_code(s, project_id, child.id, parent.id)
        grandchild = add_code(s, project_id, "邻里关系", parent_id=child.id)
    with Session() as s:
        assert find_code_by_path(s, project_id, "困境/社会网络萎缩/邻里关系").id == grandchild.id
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        move_code(s, project_id, parent.id, grandchild.id)
    assert error.value.code == "E206"


def test_unknown_path(Session, project_id):
    with pytest.raises(BianmaError) as error, Session() as s:
        find_code_by_path(s, project_id, "没有/这个")
    assert error.value.code == "E207"
