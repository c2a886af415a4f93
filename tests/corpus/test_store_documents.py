"""Importing into the store: everything or nothing, offsets exact, kinds switchable."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from codebook.codes import add_code_path
from coding.codings import apply_codes, document_codings
from corpus.dictionary import passage_tokens, tokenizer_for_words
from corpus.documents import import_document, list_documents, set_document_kind
from corpus.projects import create_project
from i18n import BianmaError
from storage.tables import Document, Event, Passage, Project

INTERVIEW = (
    "访谈者：[00:00:05] 您是哪一年搬到安置小区的？\n"
    "受访者A1：[00:00:11] 2018年。𠀋村整体搬迁😀，以前的老邻居都分散了。现在过年也很少来往！\n"
    "访谈者：[00:00:40] 那您现在的收入怎么样？\n"
    "受访者A1：[00:00:46] 地没了，只能在附近打零工……一个月两千块左右。\n"
)


@pytest.fixture
def project_id(Session):
    with Session.begin() as s:
        return create_project(s, "导入测试").id


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_import_stores_turns_sentences_and_tokens_with_exact_offsets(Session, project_id, encoding):
    with Session.begin() as s:
        document = import_document(s, project_id, "访谈.txt", INTERVIEW.encode(encoding))
        document_id = document.id
    with Session() as s:
        document = s.get(Document, document_id)
        assert document.text == INTERVIEW
        assert [(p.speaker, p.timestamp) for p in document.passages] == [
            ("访谈者", "00:00:05"), ("受访者A1", "00:00:11"), ("访谈者", "00:00:40"), ("受访者A1", "00:00:46")]
        second = document.passages[1]
        assert INTERVIEW[second.start:second.end] == (
            "2018年。𠀋村整体搬迁😀，以前的老邻居都分散了。现在过年也很少来往！")
        assert [INTERVIEW[a:b] for a, b in second.sentences] == [
            "2018年。", "𠀋村整体搬迁😀，以前的老邻居都分散了。", "现在过年也很少来往！"]
        reference = tokenizer_for_words(())
        for passage in document.passages:
            tokens = passage_tokens(passage, INTERVIEW)
            assert [t.text for t in tokens] == reference.lcut(INTERVIEW[passage.start:passage.end])
            assert all(INTERVIEW[t.start:t.end] == t.text for t in tokens)
        assert s.scalar(select(func.count(Event.id)).where(Event.action == "import")) == 1


def test_project_user_words_shape_the_stored_tokens(Session):
    with Session.begin() as s:
        project = create_project(s, "词典测试")
        project.user_words = "老邻居都分散\n"
        document = import_document(s, project.id, "访谈.txt", INTERVIEW.encode())
        tokens = [t.text for t in passage_tokens(document.passages[1], INTERVIEW)]
    assert "老邻居都分散" in tokens
    assert document.dictionary_version == tokenizer_for_words(("老邻居都分散",)).dictionary_version


@pytest.mark.parametrize("filename, data, code", [
    ("空.txt", b"", "E101"),
    ("图.png", b"\x89PNG\r\n\x1a\n" + bytes(200), "E103"),
    ("二进制.txt", b"\x00\x01\x02\x03" * 100, "E104"),
    ("坏.docx", b"this is not a zip archive at all", "E106"),
    ("表.csv", "说话人,时间\n张阿姨,00:01\n".encode("utf-8"), "E111"),
])
def test_bad_files_are_refused_and_nothing_is_stored(Session, project_id, filename, data, code):
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        import_document(s, project_id, filename, data)
    assert error.value.code == code
    assert filename in str(error.value)
    with Session() as s:
        assert s.scalar(select(func.count(Document.id))) == 0
        assert s.scalar(select(func.count(Passage.id))) == 0
        assert s.scalar(select(func.count(Event.id)).where(Event.action == "import")) == 0


def test_same_name_twice_is_refused(Session, project_id):
    with Session.begin() as s:
        import_document(s, project_id, "访谈.txt", INTERVIEW.encode())
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        import_document(s, project_id, "访谈.txt", INTERVIEW.encode())
    assert error.value.code == "E005"


def test_switching_kind_recuts_passages_and_keeps_codings(Session, project_id):
    with Session.begin() as s:
        document = import_document(s, project_id, "访谈.txt", INTERVIEW.encode())
        code = add_code_path(s, project_id, "融入困境/社会网络萎缩")
        start = INTERVIEW.index("以前的老邻居")
        apply_codes(s, document.id, start, start + 9, [code.id])
        document_id = document.id
    with Session.begin() as s:
        set_document_kind(s, document_id, "notes")
    with Session() as s:
        document = s.get(Document, document_id)
        assert document.kind == "notes"
        assert all(p.speaker is None for p in document.passages)
        [segment] = document_codings(s, document_id)
        assert segment.text == "以前的老邻居都分散"
        [summary] = list_documents(s, project_id)
        assert (summary.kind, summary.codings) == ("notes", 1)
    with Session.begin() as s:
        set_document_kind(s, document_id, "interview")
    with Session() as s:
        assert len(s.get(Document, document_id).passages) == 4


def test_deleting_a_project_removes_everything(Session, project_id):
    with Session.begin() as s:
        import_document(s, project_id, "访谈.txt", INTERVIEW.encode())
    with Session.begin() as s:
        s.delete(s.get(Project, project_id))
    with Session() as s:
        assert s.scalar(select(func.count(Passage.id))) == 0


def test_the_imported_document_is_readable_after_its_transaction(Session, project_id):
    # Pages show the passages of what was just imported once the action's session is closed.
    with Session.begin() as s:
        document = import_document(s, project_id, "访谈.txt", INTERVIEW.encode("utf-8"))
    assert [p.speaker for p in document.passages][:2] == ["访谈者", "受访者A1"]
    assert all(document.text[p.start:p.end].strip() for p in document.passages)
