"""Co-occurrence by overlap, sentence and passage, with the places to read, on both stores.

Two turns of two sentences each; three codes X, Y, Z placed so that the three units give three
different matrices (worked out by hand in the comments).
"""

from __future__ import annotations

import random

import pytest

from codebook.codes import add_code_path
from coding.cooccurrence import code_cooccurrence, cooccurrence_excerpts, cooccurrence_table
from coding.filters import CodingFilter
from corpus.projects import create_project
from i18n import BianmaError
from storage import audit
from storage.tables import Coding, Document, Passage

TEXT = "甲：一二三四五。六七八九十。\n乙：天地玄黄。宇宙洪荒。\n"


def at(quote: str) -> tuple[int, int]:
    start = TEXT.index(quote)
    return start, start + len(quote)


@pytest.fixture
def project(Session):
    with Session.begin() as s:
        project = create_project(s, "共现测试")
        p1, p2 = at("一二三四五。六七八九十。"), at("天地玄黄。宇宙洪荒。")
        document = Document(
            project_id=project.id, name="访谈", kind="interview", original_filename="a.txt",
            encoding="utf-8", text=TEXT,
            passages=[
                Passage(index=0, start=p1[0], end=p1[1], speaker="甲",
                        sentences=[list(at("一二三四五。")), list(at("六七八九十。"))]),
                Passage(index=1, start=p2[0], end=p2[1], speaker="乙",
                        sentences=[list(at("天地玄黄。")), list(at("宇宙洪荒。"))]),
            ])
        s.add(document)
        s.flush()
        codes = {name: add_code_path(s, project.id, name).id for name in ("X", "Y", "Z")}
        for quote, code, who in [
            ("一二三", "X", "甲"),     # turn 1, sentence 1
            ("三四五。六", "Y", "甲"),  # sentences 1 and 2 of turn 1; overlaps X on 三
            ("八九", "Z", "甲"),       # turn 1, sentence 2
            ("天地", "X", "甲"),       # turn 2, sentence 1; only touches Y's start
            ("宇宙", "Z", "乙"),       # turn 2, sentence 2
            ("玄黄。宇", "Y", "甲"),    # sentences 1 and 2 of turn 2; overlaps Z on 宇
        ]:
            start, end = at(quote)
            s.add(Coding(document_id=document.id, code_id=codes[code], start=start, end=end,
                         coder_id=audit.coder_id(s, who)))
        return {"project": project.id, "document": document.id, **codes}


@pytest.mark.parametrize("unit, expected", [
    # overlap: pairs of codings sharing a character (X–Y on 三, Y–Z on 宇); diagonal = codings
    ("overlap", [[2, 1, 0], [1, 2, 1], [0, 1, 2]]),
    # sentence: X–Y in the two first sentences, Y–Z in the two second ones; Y touches all four
    ("sentence", [[2, 2, 0], [2, 4, 2], [0, 2, 2]]),
    # passage: all three codes are in both turns
    ("passage", [[2, 2, 2], [2, 2, 2], [2, 2, 2]]),
])
def test_cooccurrence_counts_per_unit(Session, project, unit, expected):
    with Session() as s:
        matrix = code_cooccurrence(s, project["project"], unit=unit)
    assert matrix.labels == ["X", "Y", "Z"]
    assert matrix.counts == expected


def test_cooccurrence_follows_the_coder_filter(Session, project):
    with Session() as s:
        matrix = code_cooccurrence(s, project["project"], spec=CodingFilter.of(coders=["甲"]))
    assert matrix.counts == [[2, 1, 0], [1, 2, 0], [0, 0, 1]]


def excerpts(Session, project, a, b, unit):
    with Session() as s:
        found = cooccurrence_excerpts(s, project["project"], project[a], project[b], unit=unit)
    return [(x.text, TEXT[x.overlap_start:x.overlap_end]) for x in found]


def test_places_where_two_codes_meet(Session, project):
    assert excerpts(Session, project, "X", "Y", "overlap") == [("一二三四五。六", "三")]
    assert excerpts(Session, project, "Y", "Z", "overlap") == [("玄黄。宇宙", "宇")]
    assert excerpts(Session, project, "X", "Z", "overlap") == []
    # in a shared sentence the two codes need not touch each other: nothing is marked then
    assert excerpts(Session, project, "X", "Y", "sentence") == [("一二三四五。", "三"), ("天地玄黄。", "")]
    assert excerpts(Session, project, "Z", "X", "passage") == [
        ("一二三四五。六七八九十。", ""), ("天地玄黄。宇宙洪荒。", "")]
    assert excerpts(Session, project, "X", "X", "passage") == []


def test_table_for_downloads(Session, project):
    with Session() as s:
        headers, rows = cooccurrence_table(code_cooccurrence(s, project["project"], unit="sentence"))
    assert headers == ["代码", "X", "Y", "Z"]
    assert rows[1] == ["Y", 2, 4, 2]


def test_unknown_unit_refused(Session, project):
    with pytest.raises(BianmaError) as error, Session() as s:
        code_cooccurrence(s, project["project"], unit="paragraph")
    assert error.value.code == "E603"
    assert "overlap、sentence、passage" in str(error.value)


@pytest.mark.parametrize("unit", ["overlap", "sentence", "passage"])
def test_counts_agree_with_a_plain_count_on_random_codings(Session, unit):
    """Random turns, sentences and codings, counted pair by pair against the columnar code."""
    rng = random.Random(8)
    text = "".join(rng.choice("天地玄黄宇宙洪荒，。") for _ in range(800))
    with Session.begin() as s:
        project = create_project(s, "随机共现")
        documents = []
        for number in range(2):
            passages, start = [], 0
            while start < 780:
                end = min(800, start + rng.randint(15, 60))
                cut = rng.randint(start + 1, end - 1)
                passages.append(Passage(index=len(passages), start=start, end=end,
                                        sentences=[[start, cut], [cut, end]]))
                start = end + rng.randint(0, 4)
            documents.append(Document(project_id=project.id, name=f"文档{number}", kind="interview",
                                      original_filename="r.txt", encoding="utf-8", text=text,
                                      passages=passages, position=number))
        s.add_all(documents)
        s.flush()
        codes = [add_code_path(s, project.id, name).id for name in "ABCDE"]
        spans = []
        for _ in range(250):
            document = rng.choice(documents)
            start = rng.randrange(0, 790)
            spans.append((rng.choice(codes), document.id, start, min(800, start + rng.randint(1, 50))))
            s.add(Coding(document_id=document.id, code_id=spans[-1][0], start=spans[-1][2],
                         end=spans[-1][3], coder_id=audit.coder_id(s, "甲")))
        units = {d.id: [tuple(x) for p in d.passages for x in (p.sentences if unit == "sentence"
                                                                 else [[p.start, p.end]])]
                 for d in documents}
        project_id = project.id
    expected = {(a, b): 0 for a in codes for b in codes}
    if unit == "overlap":
        for i, (code_a, doc_a, start_a, end_a) in enumerate(spans):
            expected[code_a, code_a] += 1
            for code_b, doc_b, start_b, end_b in spans[i + 1:]:
                if doc_a == doc_b and code_a != code_b and start_a < end_b and start_b < end_a:
                    expected[code_a, code_b] += 1
                    expected[code_b, code_a] += 1
    else:
        for document, found in units.items():
            for unit_start, unit_end in found:
                present = {c for c, d, s_, e in spans if d == document and s_ < unit_end and e > unit_start}
                for a in present:
                    for b in present:
                        expected[a, b] += 1
    with Session() as s:
        matrix = code_cooccurrence(s, project_id, unit=unit)
    assert matrix.code_ids == codes
    assert matrix.counts == [[expected[a, b] for b in codes] for a in codes]


def test_cli_report_cooccurrence(Session, project, database_url, capsysbinary):
    import json

    import cli
    assert cli.main(["report", "cooccurrence", "共现测试", "--unit", "sentence", "--format", "json",
                     "--db", database_url]) == 0
    data = json.loads(capsysbinary.readouterr().out)
    assert data == {"unit": "sentence", "codes": ["X", "Y", "Z"],
                    "counts": [[2, 2, 0], [2, 4, 2], [0, 2, 2]]}
    assert cli.main(["report", "cooccurrence", "共现测试", "--coded-by", "乙", "--db", database_url]) == 0
    assert capsysbinary.readouterr().out.decode("utf-8-sig").splitlines() == ["代码,Z", "Z,1"]
