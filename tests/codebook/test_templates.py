"""The shipped codebook templates load, validate and start a project's codebook."""

import pytest

from codebook.codes import code_tree
from codebook.files import parse_color
from codebook.templates import apply_template, list_templates, load_template
from corpus.projects import create_project
from i18n import BianmaError

IDS = ["migrant-integration", "community-industry", "social-healing", "governance-community",
       "ethnic-minority-migrants"]


def test_five_templates_one_per_study():
    templates = list_templates()
    assert [t.id for t in templates] == IDS
    for template in templates:
        assert template.name and template.name_en and template.description and template.source
        paths = [c.path for c in template.codes]
        assert len(paths) == len(set(paths)), template.id
        for code in template.codes:
            assert code.definition.strip(), (template.id, code.path)
            assert all(name.strip() for name in code.path.split("/")), code.path
            assert code.color is None or parse_color(code.color) == code.color
            # every parent is itself described by the template, before its children
            parent = code.path.rpartition("/")[0]
            assert not parent or parent in paths[:paths.index(code.path)], code.path


@pytest.mark.parametrize("template_id", IDS)
def test_each_template_builds_its_codebook(Session, template_id):
    template = load_template(template_id)
    with Session.begin() as s:
        project_id = create_project(s, f"模板{template_id}").id
        report = apply_template(s, project_id, template_id)
    assert report.added == len(template.codes)
    with Session() as s:
        nodes = {n.path: n for n in code_tree(s, project_id)}
    assert set(nodes) == {c.path for c in template.codes}
    for spec in template.codes:
        node = nodes[spec.path]
        assert (node.definition, node.inclusion, node.exclusion, node.example) == (
            spec.definition, spec.inclusion, spec.exclusion, spec.example)
        assert node.is_codable is (spec.codable is not False)
        # a category-only code always has codable sub-codes to use instead
        if not node.is_codable:
            assert any(n.parent_id == node.id for n in nodes.values()), spec.path


def test_the_migrant_template_follows_the_study():
    paths = [c.path for c in load_template("migrant-integration").codes]
    assert {"融入困境/社会网络萎缩", "融入困境/政治参与减少", "融入困境/相对贫困", "融入困境/文化冲击",
            "介入策略/微观/心理与情绪调适", "介入策略/中观/社区交往活动",
            "介入策略/宏观/推动政策落实"} <= set(paths)


def test_unknown_template(Session):
    with Session.begin() as s:
        project_id = create_project(s, "无模板").id
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        apply_template(s, project_id, "nope")
    assert str(error.value).startswith("[E217] 未找到编码本模板“nope”。可用模板：migrant-integration、")
