import pytest
from sqlalchemy import func, select

from codebook.codes import add_code_path
from coding.codings import (
    apply_codes, code_segments, document_codings, project_codings, remove_coding, write_coding_memo,
)
from corpus.projects import create_project
from i18n import BianmaError
from storage.tables import Coding, Document, Event, Memo, Passage

TEXT = "访谈者：您搬来几年了？\n王大伯：五年了，𠀋村的老邻居😀都散了，过年也不来往。"


@pytest.fixture
def doc(Session):
    """A project with one stored document (built directly, so this tests coding alone)."""
    with Session.begin() as s:
        project = create_project(s, "编码测试")
        first, second = TEXT.index("您"), TEXT.index("五")
        document = Document(
            project_id=project.id, name="访谈01", kind="interview", original_filename="a.txt",
            encoding="utf-8", text=TEXT,
            passages=[
                Passage(index=0, start=first, end=TEXT.index("\n"), speaker="访谈者"),
                Passage(index=1, start=second, end=len(TEXT), speaker="王大伯"),
            ],
        )
        s.add(document)
        network = add_code_path(s, project.id, "融入困境/社会网络萎缩")
        culture = add_code_path(s, project.id, "融入困境/文化冲击")
        s.flush()
        return {"project": project.id, "doc": document.id, "network": network.id,
                "culture": culture.id, "parent": network.parent_id}


def test_codings_keep_offsets_after_astral_characters(Session, doc):
    quote = "老邻居😀都散了"
    start = TEXT.index(quote)
    with Session.begin() as s:
        apply_codes(s, doc["doc"], start, start + len(quote), [doc["network"]], coder="甲")
    with Session() as s:
        [segment] = document_codings(s, doc["doc"])
    assert (segment.text, segment.code_path, segment.coder, segment.speaker) == (
        quote, "融入困境/社会网络萎缩", "甲", "王大伯")
    assert TEXT[segment.start:segment.end] == quote


def test_overlapping_codings_and_several_codes_at_once(Session, doc):
    with Session.begin() as s:
        apply_codes(s, doc["doc"], 18, 30, [doc["network"], doc["culture"]], coder="甲")
        apply_codes(s, doc["doc"], 25, 35, [doc["network"]], coder="乙")
        # the same coder coding the same span with the same code again keeps one coding
        apply_codes(s, doc["doc"], 18, 30, [doc["network"]], coder="甲")
    with Session() as s:
        segments = document_codings(s, doc["doc"])
        assert s.scalar(select(func.count(Coding.id))) == 3
        assert s.scalar(select(func.count(Event.id)).where(Event.entity == "coding")) == 3
    assert [(x.start, x.end, x.coder) for x in segments] == [(18, 30, "甲"), (18, 30, "甲"), (25, 35, "乙")]


@pytest.mark.parametrize("start, end, code", [
    (-1, 3, "E301"), (5, 5, "E301"), (0, len(TEXT) + 1, "E301"), (9, 3, "E301"),
])
def test_spans_outside_the_text_are_refused(Session, doc, start, end, code):
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        apply_codes(s, doc["doc"], start, end, [doc["network"]])
    assert error.value.code == code
    with Session() as s:
        assert s.scalar(select(func.count(Coding.id))) == 0


def test_unknown_code_or_document_refused_and_nothing_stored(Session, doc):
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        apply_codes(s, doc["doc"], 0, 3, [doc["network"], 999_999])
    assert error.value.code == "E205"
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        apply_codes(s, 999_999, 0, 3, [doc["network"]])
    assert error.value.code == "E004"
    assert "Document 999999 was not found." in str(error.value)
    with Session() as s:
        assert s.scalar(select(func.count(Coding.id))) == 0


def test_whitespace_only_span_refused(Session, doc):
    newline = TEXT.index("\n")
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        apply_codes(s, doc["doc"], newline, newline + 1, [doc["network"]])
    assert error.value.code == "E302"


def test_memo_write_update_delete_and_remove_coding(Session, doc):
    with Session.begin() as s:
        [coding] = apply_codes(s, doc["doc"], 18, 30, [doc["network"]])
        write_coding_memo(s, coding.id, "邻里互助断裂")
    with Session.begin() as s:
        write_coding_memo(s, coding.id, "邻里互助断裂，熟人社会解体")
    with Session() as s:
        assert document_codings(s, doc["doc"])[0].memo == "邻里互助断裂，熟人社会解体"
    with Session.begin() as s:
        remove_coding(s, coding.id)
    with Session() as s:
        assert s.scalar(select(func.count(Coding.id))) == 0
        assert s.scalar(select(func.count(Memo.id))) == 0
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        remove_coding(s, coding.id)
    assert error.value.code == "E304"


def test_segments_of_a_code_with_or_without_children(Session, doc):
    with Session.begin() as s:
        apply_codes(s, doc["doc"], 18, 30, [doc["network"]])
        apply_codes(s, doc["doc"], 30, 36, [doc["culture"]])
        apply_codes(s, doc["doc"], 4, 10, [doc["parent"]])
    with Session() as s:
        assert len(code_segments(s, doc["project"], doc["parent"])) == 1
        assert len(code_segments(s, doc["project"], doc["parent"], include_children=True)) == 3
        assert len(project_codings(s, doc["project"])) == 3
