"""The codebook in REFI-QDA .qdc: valid against the standard's schema, nested, round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import delete, func, select

from codebook.codes import add_code_path, code_tree, find_code_by_path, update_code
from codebook.qdc import export_qdc, import_qdc, read_qdc
from coding.refi import CODEBOOK_NS, ExchangeLimits
from coding.undo import history
from corpus.projects import create_project
from demo.seed import seed_demo
from i18n import BianmaError
from storage.tables import Code, Event, Project

SCHEMA = Path(__file__).resolve().parents[1] / "data" / "refi-qda" / "Codebook.xsd"
NS = {"q": CODEBOOK_NS}


def validate(document: bytes) -> None:
    # lxml comes with python-docx; the schema is the published REFI-QDA codebook schema.
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    if not schema.validate(etree.fromstring(document)):
        raise AssertionError(str(schema.error_log))


def tree_of(session, project_id: int) -> list[tuple]:
    guids = dict(session.execute(select(Code.id, Code.guid).where(Code.project_id == project_id)).all())
    return [(n.path, n.depth, n.color, n.definition, n.is_codable, guids[n.id])
            for n in code_tree(session, project_id)]


def test_the_schema_itself_refuses_what_it_must():
    """The schema under test data is strict enough to catch a flat or misshapen codebook."""
    flat = (f'<CodeBook xmlns="{CODEBOOK_NS}"><Codes><Code guid="x" name="a" isCodable="true"/>'
            f'</Codes></CodeBook>').encode()
    with pytest.raises(AssertionError, match="attribute .guid.: \\[facet .pattern.\\]"):
        validate(flat)
    with pytest.raises(AssertionError, match="isCodable"):
        validate(f'<CodeBook xmlns="{CODEBOOK_NS}"><Codes><Code guid="{"1" * 8}-1111-1111-1111-{"1" * 12}"'
                 f' name="a"/></Codes></CodeBook>'.encode())


def test_demo_codebook_validates_and_is_nested(Session):
    with Session.begin() as s:
        project = seed_demo(s)
        document = export_qdc(s, project.id)
        expected = tree_of(s, project.id)
    validate(document)
    root = etree.fromstring(document)
    top = root.findall("q:Codes/q:Code", NS)
    assert [c.get("name") for c in top] == ["融入困境", "服务需求", "介入策略"]
    children = top[0].findall("q:Code", NS)
    assert [c.get("name") for c in children] == ["社会网络萎缩", "政治参与减少", "相对贫困", "文化冲击"]
    assert children[0].findtext("q:Description", namespaces=NS) == "原有的亲友邻里关系因搬迁而中断或变淡，新的关系尚未建立。"
    # nested, never flat paths: no name carries a separator
    assert not [c for c in root.iter(f"{{{CODEBOOK_NS}}}Code") if "/" in c.get("name") or "." in c.get("name")]
    assert len(list(root.iter(f"{{{CODEBOOK_NS}}}Code"))) == len(expected) == 13
    assert {c.get("guid") for c in root.iter(f"{{{CODEBOOK_NS}}}Code")} == {row[-1] for row in expected}


def test_round_trip_gives_the_same_tree_and_guids(Session):
    with Session.begin() as s:
        project = create_project(s, "编码本往返")
        add_code_path(s, project.id, "融入困境/社会网络萎缩", definition="关系“中断”<或>变淡 & 疏远")
        add_code_path(s, project.id, "融入困境/文化冲击", color="#ABCDEF")
        add_code_path(s, project.id, "𠀋村记忆😀/祠堂")
        category = add_code_path(s, project.id, "介入策略")
        update_code(s, project.id, category.id, is_codable=False)
        before = tree_of(s, project.id)
        document = export_qdc(s, project.id)
    validate(document)
    with Session.begin() as s:
        s.execute(delete(Project).where(Project.name == "编码本往返"))
    with Session.begin() as s:
        project = create_project(s, "编码本往返")
        created = import_qdc(s, project.id, document, coder="乙")
    with Session() as s:
        assert created == 6
        assert tree_of(s, project.id) == before
        assert find_code_by_path(s, project.id, "融入困境/文化冲击").color == "#abcdef"


def test_importing_again_matches_by_path_and_adds_only_what_is_missing(Session):
    with Session.begin() as s:
        project = seed_demo(s)
        document = export_qdc(s, project.id)
    with Session.begin() as s:
        assert import_qdc(s, project.id, document) == 0
    with Session.begin() as s:
        other = create_project(s, "部分编码本")
        add_code_path(s, other.id, "融入困境/社会网络萎缩", definition="我们自己的定义")
        created = import_qdc(s, other.id, document)
        tree = code_tree(s, other.id)
        guids = s.scalars(select(Code.guid).where(Code.project_id == other.id)).all()
    assert created == 11
    assert len(tree) == 13 and len(set(guids)) == 13
    network = next(n for n in tree if n.path == "融入困境/社会网络萎缩")
    assert network.definition == "我们自己的定义"  # an existing code is never overwritten
    with Session() as s:
        # the codes exist in the demo project already, so the copies have fresh GUIDs
        assert s.scalar(select(func.count(func.distinct(Code.guid)))) == s.scalar(select(func.count(Code.id)))


def test_an_import_is_one_undoable_step(Session):
    with Session.begin() as s:
        project = seed_demo(s)
        document = export_qdc(s, project.id)
        other = create_project(s, "撤销导入")
    with Session.begin() as s:
        import_qdc(s, other.id, document, filename="移民.qdc")
    with Session() as s:
        step = history(s, other.id).undo
    assert (step.key, step.params, len(step.event_ids)) == ("history.import", {"filename": "移民.qdc"}, 13)


GUID_A = "{6F9619FF-8B86-D011-B42D-00C04FC964FF}"
GUID_B = "b1a2c3d4-0000-4000-8000-000000000002"
GUID_C = "b1a2c3d4-0000-4000-8000-000000000003"
GUID_D = "b1a2c3d4-0000-4000-8000-000000000004"
OTHER_TOOL = f"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="QualCoder 3.5">
  <Codes>
    <Code guid="{GUID_A}" name="家庭" isCodable="false" color="#F0A">
      <Code guid="{GUID_B}" name="是/否" isCodable="true"><Description>  两种回答 </Description></Code>
      <Code guid="{GUID_C}" name="重复" isCodable="true" color="not a colour"/>
      <Code guid="{GUID_D}" name="重复" isCodable="true"/>
    </Code>
  </Codes>
  <Sets><Set guid="b1a2c3d4-0000-4000-8000-000000000009" name="集合">
    <MemberCode guid="{GUID_B}"/></Set></Sets>
</CodeBook>""".encode()


def test_a_codebook_from_another_tool(Session):
    with Session.begin() as s:
        project = create_project(s, "外来编码本")
        assert import_qdc(s, project.id, OTHER_TOOL) == 4
    with Session() as s:
        rows = {n.path: n for n in code_tree(s, project.id)}
        guids = dict(s.execute(select(Code.name, Code.guid).where(Code.project_id == project.id)).all())
    assert list(rows) == ["家庭", "家庭/是／否", "家庭/重复", "家庭/重复（2）"]
    assert rows["家庭"].color == "#ff00aa" and rows["家庭"].is_codable is False
    assert rows["家庭/是／否"].definition == "两种回答"
    assert all(node.color.startswith("#") and len(node.color) == 7 for node in rows.values())
    assert guids["家庭"] == "6f9619ff-8b86-d011-b42d-00c04fc964ff"


@pytest.mark.parametrize("document, code", [
    (b"not xml at all <", "E806"),
    (b'<?xml version="1.0"?><!DOCTYPE CodeBook [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
     b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>&x;</Codes></CodeBook>', "E807"),
    (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
     b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>&lol2;</Codes></CodeBook>', "E807"),
    (b'<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>', "E808"),
    (b'<CodeBook xmlns="urn:QDA-XML:codebook:1:0"><Codes/></CodeBook>', "E808"),
    (OTHER_TOOL.replace(GUID_D.encode(), GUID_C.encode()), "E814"),
    (OTHER_TOOL.replace(GUID_D.encode(), b"not-a-guid"), "E813"),
    (OTHER_TOOL.replace(b'<MemberCode guid="' + GUID_B.encode(), b'<MemberCode guid="' + GUID_D[:-1].encode() + b"9"),
     "E810"),
    (("<CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes>"
      + "".join(f"<Code guid='00000000-0000-4000-8000-{i:012d}' name='c{i}' isCodable='true'>" for i in range(70))
      + "</Code>" * 70 + "</Codes></CodeBook>").encode(), "E816"),
])
def test_bad_codebooks_are_refused_and_nothing_is_stored(Session, document, code):
    with Session.begin() as s:
        project = create_project(s, "坏编码本")
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        import_qdc(s, project.id, document)
    assert error.value.code == code
    with Session() as s:
        assert s.scalar(select(func.count(Code.id))) == 0
        assert s.scalar(select(func.count(Event.id)).where(Event.entity == "code")) == 0


def test_size_cap_and_empty_codebook_and_unknown_project(Session):
    with pytest.raises(BianmaError) as error:
        read_qdc(OTHER_TOOL, ExchangeLimits(max_codebook_bytes=100))
    assert error.value.code == "E805"
    with Session.begin() as s:
        project = create_project(s, "空编码本")
    with pytest.raises(BianmaError) as error, Session() as s:
        export_qdc(s, project.id)
    assert error.value.code == "E817" and "空编码本" in str(error.value)
    with pytest.raises(BianmaError) as error, Session() as s:
        import_qdc(s, 999_999, OTHER_TOOL)
    assert error.value.code == "E001"
