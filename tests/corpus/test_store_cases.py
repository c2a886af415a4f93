import pytest
from sqlalchemy import select

from corpus.cases import (
    attach_case, canonical_value, create_case, define_attribute, list_cases, set_attributes,
)
from corpus.projects import create_project
from i18n import BianmaError
from storage.tables import Document, Passage


@pytest.mark.parametrize("kind, raw, stored", [
    ("text", " 幸福小区 ", "幸福小区"),
    ("number", "68", "68"),
    ("number", "３５", "35"),
    ("number", "1,200.5", "1200.5"),
    ("date", "2019-05-01", "2019-05-01"),
    ("date", "2019/5/1", "2019-05-01"),
    ("date", "2019年5月1日", "2019-05-01"),
    ("date", "2019年5月", "2019-05"),
    ("date", "2019", "2019"),
    ("boolean", "是", "true"),
    ("boolean", "否", "false"),
    ("boolean", "Yes", "true"),
    ("number", "", ""),
])
def test_typed_values_are_stored_canonically(kind, raw, stored):
    assert canonical_value(kind, raw) == stored


@pytest.mark.parametrize("kind, raw, code", [
    ("number", "六十八", "E011"), ("date", "2023-02-30", "E012"), ("date", "去年", "E012"),
    ("boolean", "也许", "E013"),
])
def test_values_that_do_not_fit_the_type_are_refused(kind, raw, code):
    with pytest.raises(BianmaError) as error:
        canonical_value(kind, raw, attribute="属性")
    assert error.value.code == code


@pytest.fixture
def project(Session):
    with Session.begin() as s:
        project = create_project(s, "个案测试")
        text = "访谈者：您好。\n王大伯：好。\n李阿姨：我也好。"
        document = Document(
            project_id=project.id, name="座谈", kind="interview", original_filename="a.txt",
            encoding="utf-8", text=text,
            passages=[Passage(index=i, start=text.index(t), end=text.index(t) + len(t), speaker=sp)
                      for i, (sp, t) in enumerate([("访谈者", "您好。"), ("王大伯", "好。"),
                                                   ("李阿姨", "我也好。")])],
        )
        s.add(document)
        s.flush()
        return {"id": project.id, "doc": document.id}


def test_one_bad_value_changes_none_of_them(Session, project):
    with Session.begin() as s:
        define_attribute(s, project["id"], "年龄", "number")
        define_attribute(s, project["id"], "性别", "text")
        case = create_case(s, project["id"], "王大伯")
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        set_attributes(s, project["id"], case.id, {"性别": "男", "年龄": "很老"})
    assert error.value.code == "E011"
    with Session.begin() as s:
        assert list_cases(s, project["id"])[0].attributes == {}
        set_attributes(s, project["id"], case.id, {"性别": "男", "年龄": "68"})
    with Session() as s:
        assert list_cases(s, project["id"])[0].attributes == {"性别": "男", "年龄": "68"}


def test_unknown_attribute_and_duplicate_case(Session, project):
    with Session.begin() as s:
        case = create_case(s, project["id"], "李阿姨")
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        set_attributes(s, project["id"], case.id, {"籍贯": "湖北"})
    assert error.value.code == "E020"
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        create_case(s, project["id"], "李阿姨")
    assert error.value.code == "E018"


def test_attach_case_to_one_speaker_or_whole_document(Session, project):
    with Session.begin() as s:
        wang = create_case(s, project["id"], "王大伯")
        group = create_case(s, project["id"], "座谈会")
        assert attach_case(s, project["id"], wang.id, project["doc"], speaker="王大伯") == 1
        assert attach_case(s, project["id"], group.id, project["doc"]) == 3
    with Session() as s:
        cases = dict(s.execute(select(Passage.speaker, Passage.case_id)).all())
        assert cases == {"访谈者": None, "王大伯": wang.id, "李阿姨": None}
        assert s.get(Document, project["doc"]).case_id == group.id
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        attach_case(s, project["id"], wang.id, project["doc"], speaker="张三")
    assert error.value.code == "E021"
