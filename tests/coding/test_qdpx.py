"""REFI-QDA project exchange (.qdpx): schema-valid export, exact round trip, other tools'
files, and every kind of bad file refused with nothing stored."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import delete, func, select

from codebook.codes import add_code_path, code_tree, update_code
from coding.codings import apply_codes, write_coding_memo
from coding.memos import add_memo
from coding.qdpx import read_qdpx
from coding.qdpx_export import export_qdpx
from coding.qdpx_import import import_qdpx
from coding.refi import PROJECT_NS, ExchangeLimits
from coding.undo import history
from corpus.cases import attach_case, create_case, define_attribute, list_cases, set_attributes
from corpus.documents import import_document
from corpus.projects import create_project
from demo.seed import seed_demo
from i18n import BianmaError
from storage.tables import (
    AttributeDefinition, Case, Code, Coder, Coding, Document, Memo, Project,
)

SCHEMA = Path(__file__).resolve().parents[1] / "data" / "refi-qda" / "Project.xsd"


def validate(qdpx: bytes) -> etree._Element:
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(qdpx)).read("project.qde"))
    if not schema.validate(root):
        raise AssertionError(str(schema.error_log))
    return root


def test_the_project_schema_refuses_what_it_must():
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    guid_ = "a0000000-0000-4000-8000-000000000001"
    good = (f'<Project xmlns="{PROJECT_NS}" name="p"><Sources><TextSource guid="{guid_}" name="d">'
            f'<PlainTextSelection guid="{guid_}" startPosition="0" endPosition="2">'
            f'<Coding guid="{guid_}"><CodeRef targetGUID="{guid_}"/></Coding></PlainTextSelection>'
            f'</TextSource></Sources></Project>')
    assert schema.validate(etree.fromstring(good.encode()))
    for bad in (good.replace('startPosition="0"', 'startPosition="zero"'),
                good.replace("<Coding guid", "<Coding id"),
                good.replace("<Sources>", '<Description>x</Description><Sources>')):
        assert not schema.validate(etree.fromstring(bad.encode())), bad


def snapshot(session, project_id: int, *, guids: bool = True) -> dict:
    """Everything the round trip must keep, named by paths and names rather than ids."""
    nodes = code_tree(session, project_id)
    paths = {n.id: n.path for n in nodes}
    cases = {c.id: c.name for c in session.scalars(select(Case).where(Case.project_id == project_id))}
    coders = dict(session.execute(select(Coder.id, Coder.name)).all())
    documents = session.scalars(select(Document).where(Document.project_id == project_id)
                                .order_by(Document.position)).all()
    names = {d.id: d.name for d in documents}
    codings = session.scalars(select(Coding).join(Document).where(Document.project_id == project_id)).all()
    coding_keys = {c.id: (names[c.document_id], paths[c.code_id], c.start, c.end, coders[c.coder_id])
                   for c in codings}
    memos = session.scalars(select(Memo).where(Memo.project_id == project_id)).all()
    return {
        "codes": [(n.path, n.color, n.definition, n.is_codable, n.guid if guids else None) for n in nodes],
        "attributes": sorted((a.name, a.type) for a in session.scalars(
            select(AttributeDefinition).where(AttributeDefinition.project_id == project_id))),
        "documents": [(d.name, d.kind, d.text, cases.get(d.case_id),
                       [(p.index, p.start, p.end, p.speaker, p.timestamp, cases.get(p.case_id), p.sentences)
                        for p in d.passages]) for d in documents],
        "codings": sorted(coding_keys.values()),
        "cases": [(c.name, c.description, c.attributes) for c in list_cases(session, project_id)],
        "memos": sorted(
            ("coding" if m.coding_id else "code" if m.code_id else "document" if m.document_id else "project",
             str(coding_keys.get(m.coding_id) or paths.get(m.code_id) or names.get(m.document_id) or ""),
             m.text, coders[m.author_id]) for m in memos),
    }


def reimport(Session, project_id: int) -> tuple[dict, dict, bytes]:
    """Export, delete the project (so its code GUIDs are free again), import; both snapshots."""
    with Session() as s:
        before = snapshot(s, project_id)
        name = s.get(Project, project_id).name
        data = export_qdpx(s, project_id)
    with Session.begin() as s:
        s.execute(delete(Project).where(Project.id == project_id))
    with Session.begin() as s:
        summary = import_qdpx(s, data, filename="x.qdpx", coder="导入者")
    assert summary.name == name and summary.skipped == []
    with Session() as s:
        return before, snapshot(s, summary.project_id), data


def test_demo_project_round_trip_is_exact(Session):
    with Session.begin() as s:
        project_id = seed_demo(s).id
    before, after, data = reimport(Session, project_id)
    validate(data)
    assert after == before
    assert len(before["codings"]) == 15 and len(before["memos"]) == 3
    assert [c[0] for c in before["cases"]] == sorted(["王大伯", "李阿姨", "小张"])
    assert any(p[5] == "小张" for p in before["documents"][2][4])  # a case on one speaker's turns


ASTRAL = ("访谈者：您好，先说说搬迁吧？\n"
          "王大伯：𠀋村的老房子拆了😀，我心里空落落的。祠堂也没了。\n"
          "访谈者：那邻居呢？\n"
          "王大伯：邻居👨‍👩‍👧都散了，过年也不来往。\n")


@pytest.fixture
def astral_project(Session) -> int:
    with Session.begin() as s:
        project = create_project(s, "𠀋村访谈😀", description="含扩展汉字与表情符号")
        document = import_document(s, project.id, "访谈𠀋.txt", ASTRAL.encode("utf-8"))
        notes = import_document(s, project.id, "笔记.txt", "第一段：祠堂。\n\n第二段：花坛😀。".encode(), kind="notes")
        memory = add_code_path(s, project.id, "记忆/𠀋村", definition="对原村落的记忆")
        network = add_code_path(s, project.id, "网络萎缩", color="#123abc")
        category = add_code_path(s, project.id, "类别（只分组）")
        update_code(s, project.id, category.id, is_codable=False)
        text = document.text
        start = text.index("𠀋村")
        [first] = apply_codes(s, document.id, start, start + len("𠀋村的老房子拆了😀"), [memory.id], coder="甲")
        apply_codes(s, document.id, start, start + len("𠀋村的老房子拆了😀"), [network.id], coder="乙")
        family = text.index("邻居👨")
        apply_codes(s, document.id, family, family + len("邻居👨‍👩‍👧都散了"), [network.id], coder="乙")
        apply_codes(s, notes.id, notes.text.index("花坛"), notes.text.index("花坛") + 3, [memory.id], coder="甲")
        write_coding_memo(s, first.id, "祠堂＝宗族记忆😀", coder="甲")
        add_memo(s, project.id, "文档层面的备忘录", document_id=document.id, coder="乙")
        add_memo(s, project.id, "代码定义待讨论", code_id=network.id, coder="甲")
        add_memo(s, project.id, "项目日志：第一轮开放式编码", coder="甲")
        for name, kind in [("年龄", "number"), ("收入", "number"), ("访谈日期", "date"), ("搬迁月份", "date"),
                           ("低保户", "boolean"), ("社区", "text"), ("未使用", "text")]:
            define_attribute(s, project.id, name, kind)
        wang = create_case(s, project.id, "王大伯", description="原𠀋村村民")
        set_attributes(s, project.id, wang.id, {"年龄": "68", "收入": "1234.5", "访谈日期": "2023-05-01",
                                                "搬迁月份": "2019年5月", "低保户": "是", "社区": "幸福小区"})
        attach_case(s, project.id, wang.id, document.id, speaker="王大伯")
        group = create_case(s, project.id, "安置社区")
        set_attributes(s, project.id, group.id, {"年龄": "0.5"})
        attach_case(s, project.id, group.id, notes.id)
        return project.id


def test_round_trip_with_characters_outside_the_bmp(Session, astral_project):
    before, after, data = reimport(Session, astral_project)
    validate(data)
    assert after == before
    codings = before["codings"]
    assert ("访谈𠀋", "记忆/𠀋村", ASTRAL.index("𠀋村"), ASTRAL.index("𠀋村") + 9, "甲") in codings
    assert ("安置社区", "", {"年龄": "0.5"}) in before["cases"]
    assert ("王大伯", "原𠀋村村民", {"年龄": "68", "收入": "1234.5", "访谈日期": "2023-05-01", "搬迁月份": "2019-05",
                                 "低保户": "true", "社区": "幸福小区"}) in before["cases"]


def test_export_is_deterministic_and_uses_the_standard_forms(Session, astral_project):
    with Session() as s:
        first, second = export_qdpx(s, astral_project), export_qdpx(s, astral_project)
        document = s.scalar(select(Document).where(Document.name == "访谈𠀋"))
    assert first == second
    root = validate(first)
    ns = {"q": PROJECT_NS}
    archive = zipfile.ZipFile(io.BytesIO(first))
    source = root.find("q:Sources/q:TextSource[@name='访谈𠀋']", ns)
    path = source.get("plainTextPath")
    assert path == f"internal://{source.get('guid')}.txt"
    assert archive.read(f"sources/{source.get('guid')}.txt").decode("utf-8") == document.text
    selection = source.find("q:PlainTextSelection/q:Coding/..", ns)
    start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
    assert document.text[start:end] == "𠀋村的老房子拆了😀"  # positions in code points
    assert len(selection.findall("q:Coding", ns)) == 2  # two coders, one selection
    types = {v.get("name"): v.get("typeOfVariable") for v in root.iterfind("q:Variables/q:Variable", ns)}
    assert types == {"年龄": "Float", "收入": "Float", "访谈日期": "Date", "搬迁月份": "Date", "低保户": "Boolean",
                     "社区": "Text", "未使用": "Text", "文档类型": "Text"}
    values = {v.find("q:VariableRef", ns).get("targetGUID"): etree.QName(v[1]).localname + "=" + v[1].text
              for v in root.iterfind("q:Cases/q:Case[@name='王大伯']/q:VariableValue", ns)}
    assert sorted(values.values()) == sorted(["FloatValue=68", "FloatValue=1234.5", "DateValue=2023-05-01",
                                              "TextValue=2019-05", "BooleanValue=true", "TextValue=幸福小区"])
    users = {u.get("name") for u in root.iterfind("q:Users/q:User", ns)}
    assert users == {"甲", "乙"}


def test_a_copy_in_the_same_store_gets_new_code_guids(Session):
    with Session.begin() as s:
        project_id = seed_demo(s).id
        data = export_qdpx(s, project_id)
    with Session.begin() as s:
        summary = import_qdpx(s, data, name="示例副本")
    with Session() as s:
        assert snapshot(s, summary.project_id, guids=False) == snapshot(s, project_id, guids=False)
        assert s.scalar(select(func.count(func.distinct(Code.guid)))) == s.scalar(select(func.count(Code.id)))
        # the import is the new project's starting point, not a pile of undoable steps
        assert history(s, summary.project_id).undo is None
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        import_qdpx(s, data, name="示例副本")
    assert error.value.code == "E002"


# --- a file as NVivo, MAXQDA or QualCoder might write it -----------------------------------

def guid(n: int) -> str:
    return f"a0000000-0000-4000-8000-{n:012d}"


WINDOWS_TEXT = "访谈者：您是哪里人？\r\n张阿姨：我是𠀋村的。\r\n访谈者：现在住哪？\r\n张阿姨：住在幸福小区，离老家远。\r\n"


def other_tool_project(*, qde: str | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    text_a = WINDOWS_TEXT
    quote = "我是𠀋村的。"
    s, e = text_a.index(quote), text_a.index(quote) + len(quote)  # positions count the \r
    far = text_a.index("住在幸福小区")
    qde = qde or f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         name="NVivo 项目" origin="NVivo 14">
  <Users><User guid="{{{guid(1).upper()}}}" id="ZHANG"/><User guid="{guid(2)}" name="李老师"/></Users>
  <CodeBook><Codes>
    <Code guid="{{{guid(10).upper()}}}" name="来源地" isCodable="false">
      <Code guid="{guid(11)}" name="村/镇" isCodable="false"/>
      <Code guid="{guid(12)}" name="居住" isCodable="true" color="#0F0"/>
      <Code guid="{guid(13)}" name="居住" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Variables>
    <Variable guid="{guid(20)}" name="Age" typeOfVariable="Integer"/>
    <Variable guid="{guid(21)}" name="Interviewed" typeOfVariable="DateTime"/>
    <Variable guid="{guid(22)}" name="Page count" typeOfVariable="Integer"/>
  </Variables>
  <Cases>
    <Case guid="{guid(30)}"><VariableValue><VariableRef targetGUID="{guid(20)}"/><IntegerValue>61</IntegerValue>
      </VariableValue><SourceRef targetGUID="{guid(40)}"/></Case>
    <Case guid="{guid(31)}" name="社区书记"><VariableValue><VariableRef targetGUID="{guid(21)}"/>
      <DateTimeValue>2023-05-01T10:00:00</DateTimeValue></VariableValue>
      <SelectionRef targetGUID="{guid(52)}"/></Case>
  </Cases>
  <Sources>
    <TextSource guid="{guid(40)}" name="张阿姨访谈" plainTextPath="internal://{guid(40)}.txt" richTextPath="internal://{guid(40)}.docx">
      <PlainTextSelection guid="{guid(50)}" startPosition="{s}" endPosition="{e}" creatingUser="{{{guid(1).upper()}}}">
        <Coding guid="{guid(60)}" creatingUser="{{{guid(1).upper()}}}" creationDateTime="2023-05-02T08:00:00Z">
          <CodeRef targetGUID="{guid(11)}"/><NoteRef targetGUID="{guid(70)}"/></Coding>
        <Coding guid="{guid(61)}"><CodeRef targetGUID="{guid(12)}"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{guid(51)}" startPosition="{far}" endPosition="{far + 6}">
        <NoteRef targetGUID="{guid(71)}"/></PlainTextSelection>
      <PlainTextSelection guid="{guid(53)}" startPosition="3" endPosition="3"/>
      <VariableValue><VariableRef targetGUID="{guid(22)}"/><IntegerValue>2</IntegerValue></VariableValue>
    </TextSource>
    <TextSource guid="{guid(41)}" name="社区观察">
      <PlainTextContent>书记：我们每月开一次居民会。
书记：来的人不多。</PlainTextContent>
      <PlainTextSelection guid="{guid(52)}" startPosition="3" endPosition="14" creatingUser="{guid(9)}">
        <Coding guid="{guid(62)}" creatingUser="{guid(9)}"><CodeRef targetGUID="{guid(13)}"/></Coding>
      </PlainTextSelection>
      <Coding guid="{guid(63)}" creatingUser="{guid(2)}"><CodeRef targetGUID="{guid(12)}"/></Coding>
    </TextSource>
    <PictureSource guid="{guid(42)}" name="小区照片" path="internal://{guid(42)}.jpg"/>
    <TextSource guid="{guid(43)}" name="外部文件" plainTextPath="absolute://C:/data/x.txt"/>
  </Sources>
  <Notes>
    <Note guid="{guid(70)}" creatingUser="{guid(2)}"><PlainTextContent>村名是化名</PlainTextContent></Note>
    <Note guid="{guid(71)}"><PlainTextContent>注意“远”</PlainTextContent></Note>
    <Note guid="{guid(72)}" creatingUser="{guid(2)}"><PlainTextContent>无人引用的备忘录</PlainTextContent></Note>
  </Notes>
</Project>"""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", qde.encode("utf-8"))
        # NVivo's capitalised folder and a byte-order mark before the text
        archive.writestr(f"Sources/{guid(40)}.txt", b"\xef\xbb\xbf" + text_a.encode("utf-8"))
        archive.writestr(f"Sources/{guid(40)}.docx", b"PK not really a docx")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def test_import_of_another_tools_project_with_its_quirks(Session):
    with Session.begin() as s:
        summary = import_qdpx(s, other_tool_project(), filename="nvivo.qdpx", coder="导入者")
    assert summary.skipped == ["小区照片", "外部文件"]
    assert (summary.documents, summary.codes, summary.cases, summary.memos) == (2, 4, 2, 3)
    with Session() as s:
        documents = {d.name: d for d in s.scalars(select(Document).where(Document.project_id == summary.project_id))}
        interview, notes = documents["张阿姨访谈"], documents["社区观察"]
        assert interview.text == WINDOWS_TEXT.replace("\r\n", "\n") and interview.kind == "interview"
        rows = {(c.start, c.end, s.get(Code, c.code_id).name, s.get(Coder, c.coder_id).name)
                for c in s.scalars(select(Coding).where(Coding.document_id.in_([interview.id, notes.id])))}
        quote = interview.text.index("我是𠀋村的。")
        assert rows == {
            (quote, quote + 6, "村／镇", "ZHANG"), (quote, quote + 6, "居住", "导入者"),
            (3, 14, "居住（2）", f"用户 {guid(9)[:8]}"), (0, len(notes.text), "居住", "李老师"),
        }
        assert interview.text[quote:quote + 6] == "我是𠀋村的。"
        tree = {n.path: n for n in code_tree(s, summary.project_id)}
        assert list(tree) == ["来源地", "来源地/村／镇", "来源地/居住", "来源地/居住（2）"]
        assert tree["来源地/村／镇"].is_codable  # coded in the file, so codable here
        assert not tree["来源地"].is_codable and tree["来源地/居住"].color == "#00ff00"
        assert tree["来源地"].guid == guid(10)
        cases = {c.name: c for c in list_cases(s, summary.project_id)}
        assert cases["张阿姨访谈"].attributes == {"Age": "61"}  # a case without a name
        assert cases["社区书记"].attributes == {"Interviewed": "2023-05-01T10:00:00"}
        assert interview.case_id == cases["张阿姨访谈"].id
        assert {p.case_id for p in notes.passages if p.start < 14 and 3 < p.end} == {cases["社区书记"].id}
        # a variable only documents carry is not a case attribute
        assert "Page count" not in {a.name for a in s.scalars(select(AttributeDefinition))}
        memos = {(m.text, bool(m.coding_id), m.document_id, s.get(Coder, m.author_id).name)
                 for m in s.scalars(select(Memo).where(Memo.project_id == summary.project_id))}
        assert memos == {("村名是化名", True, None, "李老师"), ("注意“远”", False, interview.id, "导入者"),
                         ("无人引用的备忘录", False, None, "李老师")}


# --- bad files ------------------------------------------------------------------------------

def zipped(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def patch_central_directory(data: bytes, name: str, *, flags: int | None = None,
                            size: int | None = None) -> bytes:
    """Rewrite an entry's flags or declared size in the central directory (a forged header)."""
    raw = bytearray(data)
    position = raw.index(b"PK\x01\x02")
    while position != -1:
        name_length = struct.unpack_from("<H", raw, position + 28)[0]
        if raw[position + 46:position + 46 + name_length].decode() == name:
            if flags is not None:
                struct.pack_into("<H", raw, position + 8, flags)
            if size is not None:
                struct.pack_into("<I", raw, position + 24, size)
        position = raw.find(b"PK\x01\x02", position + 4)
    return bytes(raw)


def with_qde(old: str, new: str) -> bytes:
    sample = zipfile.ZipFile(io.BytesIO(other_tool_project())).read("project.qde").decode()
    assert old in sample
    return other_tool_project(qde=sample.replace(old, new, 1))


VALID = other_tool_project()
BAD_FILES = {
    "not a zip": (b"just some text, not an archive", "E801"),
    "no project.qde": (zipped({"readme.txt": b"hello"}), "E802"),
    "absolute path": (zipped({"project.qde": b"<x/>", "/etc/cron.d/evil": b"x"}), "E803"),
    "dot-dot path": (zipped({"project.qde": b"<x/>", "sources/../../evil.txt": b"x"}), "E803"),
    "windows path": (zipped({"project.qde": b"<x/>", "..\\evil.txt": b"x"}), "E803"),
    "dot-dot in plainTextPath": (with_qde(f"internal://{guid(40)}.txt", "internal://../../etc/passwd"), "E803"),
    "declared 4 GB": (patch_central_directory(VALID, "project.qde", size=0xFFFFFFF0), "E805"),
    "encrypted": (patch_central_directory(VALID, "project.qde", flags=0x1), "E815"),
    "smaller declared size": (patch_central_directory(VALID, "project.qde", size=100), "E801"),
    "not XML": (zipped({"project.qde": b"<Project name='x'"}), "E806"),
    "XXE": (zipped({"project.qde": b'<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY xxe SYSTEM '
                                   b'"file:///etc/passwd">]><Project xmlns="urn:QDA-XML:project:1.0" '
                                   b'name="&xxe;"/>'}), "E807"),
    "billion laughs": (zipped({"project.qde": b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                                              b'<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                                              b'<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>'
                                              b'<Project xmlns="urn:QDA-XML:project:1.0" name="&lol2;"/>'}), "E807"),
    "a codebook, not a project": (zipped({"project.qde": b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>'}), "E808"),
    "selection past the end": (with_qde('startPosition="3" endPosition="14"', 'startPosition="3" endPosition="140"'),
                               "E809"),
    "negative selection": (with_qde('startPosition="3" endPosition="14"', 'startPosition="-1" endPosition="14"'),
                           "E809"),
    "empty coded selection": (with_qde('startPosition="3" endPosition="14"', 'startPosition="5" endPosition="5"'),
                              "E809"),
    "unknown code": (with_qde(f'<CodeRef targetGUID="{guid(13)}"/>', f'<CodeRef targetGUID="{guid(99)}"/>'), "E810"),
    "missing text file": (with_qde(f"internal://{guid(40)}.txt", f"internal://{guid(98)}.txt"), "E811"),
    "text not UTF-8": (zipped({
        "project.qde": f'<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Sources><TextSource guid="{guid(1)}" '
                       f'plainTextPath="internal://{guid(1)}.txt"/></Sources></Project>'.encode(),
        f"sources/{guid(1)}.txt": "访谈者：您好".encode("gbk")}), "E812"),
    "position not a number": (with_qde('startPosition="3"', 'startPosition="三"'), "E813"),
    "bad guid": (with_qde(f'<Case guid="{guid(30)}">', '<Case guid="case-one">'), "E813"),
    "unknown variable type": (with_qde('typeOfVariable="Integer"', 'typeOfVariable="Currency"'), "E813"),
    "duplicate code guid": (with_qde(f'<Code guid="{guid(13)}"', f'<Code guid="{guid(12)}"'), "E814"),
    "source without text": (with_qde('<TextSource guid="{0}" name="外部文件" plainTextPath="absolute://C:/data/x.txt"/>'
                                     .format(guid(43)), f'<TextSource guid="{guid(43)}" name="无文本"/>'), "E819"),
    "unknown variable": (with_qde(f'<VariableRef targetGUID="{guid(20)}"/>', f'<VariableRef targetGUID="{guid(29)}"/>'),
                         "E820"),
    "value of the wrong type": (with_qde("<IntegerValue>61</IntegerValue>", "<IntegerValue>六十一</IntegerValue>"),
                                "E011"),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_bad_files_are_refused_before_anything_is_stored(name):
    data, code = BAD_FILES[name]
    with pytest.raises(BianmaError) as error:
        read_qdpx(data, "bad.qdpx")
    assert error.value.code == code, str(error.value)


def test_zip_bomb_and_entry_count_are_capped_before_extraction():
    bomb = zipped({"project.qde": b"<Project/>", "sources/big.txt": b"\0" * (4 * 1024 * 1024)})
    assert len(bomb) < 20_000
    with pytest.raises(BianmaError) as error:
        read_qdpx(bomb, "bomb.qdpx", ExchangeLimits(max_unpacked_bytes=1024 * 1024))
    assert error.value.code == "E805" and "1 MB" in str(error.value)
    many = zipped({"project.qde": b"<Project/>", **{f"sources/{i}.txt": b"x" for i in range(10)}})
    with pytest.raises(BianmaError) as error:
        read_qdpx(many, "many.qdpx", ExchangeLimits(max_entries=5))
    assert error.value.code == "E804" and "11" in str(error.value)


def test_a_refused_file_leaves_the_store_as_it_was(Session):
    """Through the whole import, on each kind of database: the valid fixture minus one fault."""
    with Session.begin() as s:
        seed_demo(s)
    with Session() as s:
        counts = [s.scalar(select(func.count()).select_from(t)) for t in (Project, Document, Code, Coding, Case, Memo)]
    for name in ("selection past the end", "unknown code", "value of the wrong type", "XXE", "declared 4 GB"):
        data, code = BAD_FILES[name]
        with pytest.raises(BianmaError) as error, Session.begin() as s:
            import_qdpx(s, data, filename="bad.qdpx")
        assert error.value.code == code
        with Session() as s:
            assert [s.scalar(select(func.count()).select_from(t))
                    for t in (Project, Document, Code, Coding, Case, Memo)] == counts
    # and the file without its fault imports
    with Session.begin() as s:
        assert import_qdpx(s, VALID).documents == 2


def test_refusals_are_bilingual():
    data, _code = BAD_FILES["selection past the end"]
    with pytest.raises(BianmaError) as error:
        read_qdpx(data, "bad.qdpx")
    assert str(error.value) == (
        "[E809] 文档“社区观察”中的选区 [3, 140) 超出了文本范围或为空（文本共 24 个字符），未导入。 / "
        "The selection [3, 140) in the document “社区观察” is empty or lies outside its text, "
        "which has 24 characters; nothing was imported.")


def test_the_exchange_catalogue():
    import string

    from i18n.catalogue.exchange import MESSAGES

    def placeholders(message: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(message) if name}

    codes = [key for key in MESSAGES if key[0] == "E"]
    assert codes and all(800 <= int(code[1:]) <= 899 for code in codes)
    assert all(key.split(".")[0] in ("exchange", "retrieval") for key in MESSAGES if key not in codes)
    for key, (zh, en) in MESSAGES.items():
        assert placeholders(zh) == placeholders(en), key
    for code in codes:
        zh, en = MESSAGES[code]
        assert zh.endswith("。") and en.endswith("."), code
