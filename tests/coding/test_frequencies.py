"""Code frequencies with roll-up and filters, the CSV/XLSX writers and the CLI, on both stores.

The fixture is small enough to count by hand: an individual interview (case on the whole
document), a group interview (a case per speaker) and field notes without a case.
"""

from __future__ import annotations

import io
import json
import random

import numpy as np
import pytest
from openpyxl import load_workbook

from codebook.codes import add_code_path
from coding.filters import NO_CASE, NO_VALUE, SEVERAL, CaseMap, CodingFilter
from coding.frequencies import code_frequencies, frequency_table, table_csv, table_xlsx
from corpus.cases import attach_case, create_case, define_attribute, set_attributes
from corpus.projects import create_project
from i18n import BianmaError
from storage import audit
from storage.tables import Code, Coding, Document, Passage

from report_project import TEXT_A, TEXT_B, TEXT_C, project, span, turns  # noqa: F401


def counts(report, *fields):
    return {row.name: tuple(getattr(row, f) for f in fields) for row in report.rows}


def test_frequencies_own_and_rolled_up(Session, project):
    with Session() as s:
        report = code_frequencies(s, project["project"])
    own = ("codings", "documents", "cases")
    total = ("codings_total", "documents_total", "cases_total")
    assert counts(report, *own) == {
        "困境": (0, 0, 0), "网络": (2, 2, 1), "邻里": (2, 2, 3), "贫困": (2, 1, 1), "需求": (2, 2, 1)}
    # A parent sums its sub-codes' codings but counts documents and cases once.
    assert counts(report, *total) == {
        "困境": (6, 3, 3), "网络": (4, 3, 3), "邻里": (2, 2, 3), "贫困": (2, 1, 1), "需求": (2, 2, 1)}
    assert (report.codings, report.documents, report.cases) == (8, 3, 3)
    assert [(r.path, r.depth) for r in report.rows] == [
        ("困境", 0), ("困境/网络", 1), ("困境/网络/邻里", 2), ("困境/贫困", 1), ("需求", 0)]


@pytest.mark.parametrize("spec, expected", [
    (CodingFilter.of(coders=["甲"]),
     {"网络": (2, 1), "邻里": (1, 1), "贫困": (1, 1), "需求": (1, 1), "困境": (0, 0)}),
    (CodingFilter.of(coders=["甲", "乙"]),
     {"网络": (2, 1), "邻里": (2, 3), "贫困": (2, 1), "需求": (2, 1), "困境": (0, 0)}),
    # the moderator's coding stays, with no case
    ("座谈B", {"网络": (1, 1), "邻里": (1, 2), "贫困": (0, 0), "需求": (1, 0), "困境": (0, 0)}),
    # 王 and 李's shared coding counts for 李 only; codings without a case never match
    (CodingFilter.of(attributes={"性别": ["女"]}),
     {"网络": (0, 0), "邻里": (2, 2), "贫困": (2, 1), "需求": (1, 1), "困境": (0, 0)}),
    (CodingFilter.of(attributes={"性别": ["女"], "社区": ["新安"]}),
     {"网络": (0, 0), "邻里": (1, 1), "贫困": (0, 0), "需求": (0, 0), "困境": (0, 0)}),
    (CodingFilter.of(attributes={"社区": [NO_VALUE]}),
     {"网络": (1, 1), "邻里": (1, 1), "贫困": (0, 0), "需求": (0, 0), "困境": (0, 0)}),
    # numbers are compared in their canonical form: 45.0 is 45
    (CodingFilter.of(attributes={"年龄": ["45.0", "８"]}),
     {"网络": (0, 0), "邻里": (2, 2), "贫困": (2, 1), "需求": (1, 1), "困境": (0, 0)}),
])
def test_filters(Session, project, spec, expected):
    if spec == "座谈B":
        spec = CodingFilter.of(documents=[project["documents"]["座谈B"]])
    with Session() as s:
        report = code_frequencies(s, project["project"], spec)
    assert counts(report, "codings", "cases") == expected


def test_rolled_up_counts_follow_the_filter(Session, project):
    with Session() as s:
        report = code_frequencies(s, project["project"], CodingFilter.of(attributes={"性别": ["女"]}))
    assert counts(report, "codings_total", "documents_total", "cases_total")["困境"] == (4, 2, 2)


@pytest.mark.parametrize("spec, code, params", [
    (CodingFilter.of(coders=["丙"]), "E601", {"coder": "丙"}),
    (CodingFilter.of(attributes={"职业": ["农民"]}), "E020", {"attribute": "职业"}),
    (CodingFilter.of(attributes={"年龄": ["七十"]}), "E011", {"attribute": "年龄", "value": "七十"}),
    (CodingFilter.of(documents=[999_999]), "E004", {"doc": 999_999}),
])
def test_a_filter_naming_what_is_not_there_is_refused(Session, project, spec, code, params):
    with pytest.raises(BianmaError) as error, Session() as s:
        code_frequencies(s, project["project"], spec)
    assert (error.value.code, error.value.params) == (code, params)


def test_case_map_places_spans_in_speaker_and_document_cases():
    # document 1: case 7 for the whole; document 2: speakers' turns [10, 20) case 8, [30, 40) case 9
    cases = CaseMap({1: 7, 2: None}, {2: [(30, 40, 9), (10, 20, 8)]})
    assert cases.mixed.tolist() == [2]  # the only document whose speakers have their own cases
    assert cases.cases(1, 0, 5) == {7}
    assert cases.cases(2, 12, 15) == {8}
    assert cases.cases(2, 15, 35) == {8, 9}
    assert cases.cases(2, 20, 30) == frozenset()  # between the turns: the document's case, none
    # the document's case fills what no speaker case covers
    mixed = CaseMap({3: 5}, {3: [(10, 20, 8)]})
    assert mixed.cases(3, 5, 15) == {5, 8}
    assert mixed.cases(3, 12, 18) == {8}


def test_csv_has_a_bom_tree_order_and_keeps_formulas_as_text(Session, project):
    with Session() as s:
        headers, rows = frequency_table(code_frequencies(s, project["project"]))
    data = table_csv(headers, rows + [["=HYPERLINK(\"x\")", "-1", -1]])
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == ("代码,层级,编码片段数,文档数,个案数,编码片段数（含下级代码）,"
                        "文档数（含下级代码）,个案数（含下级代码）")
    assert lines[1:6] == ["困境,0,0,0,0,6,3,3", "困境/网络,1,2,2,1,4,3,3", "困境/网络/邻里,2,2,2,3,2,2,3",
                          "困境/贫困,1,2,1,1,2,1,1", "需求,0,2,2,1,2,2,1"]
    assert lines[6] == "\"'=HYPERLINK(\"\"x\"\")\",'-1,-1"


def test_xlsx_round_trip_keeps_text_as_text(Session, project):
    with Session() as s:
        headers, rows = frequency_table(code_frequencies(s, project["project"]), "en")
    data = table_xlsx(headers, rows + [["=1+1", "bad\x01char", 3]], sheet="Code frequencies: all/some")
    sheet = load_workbook(io.BytesIO(data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert sheet.title == "Code frequencies_ all_some"
    assert values[0][:3] == ["Code", "Level", "Codings"]
    assert values[2] == ["困境/网络", 1, 2, 2, 1, 4, 3, 3]
    assert values[-1][:3] == ["=1+1", "badchar", 3]
    assert sheet.cell(row=len(values), column=1).data_type == "s"


def test_cli_report_frequencies_csv_json_and_by_attribute(Session, project, database_url, capsysbinary):
    import cli

    def run(*argv):
        code = cli.main(list(argv) + ["--db", database_url])
        out, err = capsysbinary.readouterr()
        assert code == 0, err.decode()
        return out

    out = run("report", "frequencies", "频次测试", "--format", "csv")
    assert out.startswith(b"\xef\xbb\xbf") and "困境/网络,1,2,2,1,4,3,3" in out.decode("utf-8-sig")
    data = json.loads(run("report", "frequencies", "频次测试", "--format", "json", "--coded-by", "甲"))
    assert data["codings"] == 5
    assert {c["path"]: c["codings"] for c in data["codes"]}["困境/网络"] == 2
    data = json.loads(run("report", "frequencies", "频次测试", "--by", "性别", "--measure", "cases",
                          "--json"))
    assert data["columns"] == ["男", "女"]
    assert {r["code"]: r["cells"] for r in data["rows"]}["困境/网络/邻里"] == {"男": 1, "女": 2}
    out = run("report", "frequencies", "频次测试", "--where", "性别=女", "--lang", "en")
    assert out.decode("utf-8-sig").splitlines()[3] == "困境/网络/邻里,2,2,2,2,2,2,2"
    assert cli.main(["report", "frequencies", "频次测试", "--where", "性别", "--db", database_url]) == 2
    assert "[E607]" in capsysbinary.readouterr().err.decode()


def test_locate_agrees_with_cases_for_many_spans():
    """The vectorised placement used for large projects gives the cases ``cases`` gives."""
    rng = np.random.default_rng(11)
    case_map = CaseMap({1: 7, 2: None, 3: 6, 4: None},
                       {2: [(10, 20, 8), (25, 40, 9), (40, 50, 8)], 3: [(0, 30, 5)], 4: [(5, 9, 4)]})
    documents = rng.choice([1, 2, 3, 4], 3000)
    starts = rng.integers(0, 60, 3000)
    ends = starts + rng.integers(1, 30, 3000)
    located = case_map.locate(documents, starts, ends)
    for doc, start, end, found in zip(documents.tolist(), starts.tolist(), ends.tolist(), located.tolist()):
        expected = case_map.cases(doc, start, end)
        if found == NO_CASE:
            assert expected == frozenset(), (doc, start, end)
        elif found != SEVERAL:
            assert expected == {found}, (doc, start, end)
    assert (located == SEVERAL).sum() < 1000  # most codings are placed without Python


def test_frequencies_and_matrix_agree_with_a_plain_count(Session):
    """A random group-interview project counted coding by coding, against the columnar code."""
    rng = random.Random(4)
    text = "".join(rng.choice("甲乙丙丁戊己庚辛壬癸，。") for _ in range(600))
    with Session.begin() as s:
        project = create_project(s, "随机项目")
        define_attribute(s, project.id, "性别", "text")
        cases = []
        for number in range(4):
            case = create_case(s, project.id, f"个案{number}")
            set_attributes(s, project.id, case.id, {"性别": "男女"[number % 2]})
            cases.append(case.id)
        passages, start = [], 3
        while start < 590:
            end = min(590, start + rng.randint(10, 40))
            passages.append(Passage(index=len(passages), start=start, end=end,
                                    case_id=rng.choice([None, *cases])))
            start = end + rng.randint(0, 3)
        documents = [Document(project_id=project.id, name="群访", kind="interview", original_filename="g.txt",
                              encoding="utf-8", text=text, passages=passages, position=0),
                     Document(project_id=project.id, name="个访", kind="interview", original_filename="i.txt",
                              encoding="utf-8", text=text, case_id=cases[0], position=1,
                              passages=[Passage(index=0, start=0, end=600)])]
        s.add_all(documents)
        s.flush()
        codes = [add_code_path(s, project.id, path).id for path in ("甲", "甲/乙", "甲/乙/丙", "丁")]
        coders = [audit.coder_id(s, name) for name in ("甲", "乙")]
        spans = []
        for _ in range(300):
            document = rng.choice(documents)
            start = rng.randrange(0, 590)
            end = min(600, start + rng.randint(1, 60))
            spans.append((rng.choice(codes), document.id, start, end))
            s.add(Coding(document_id=document.id, code_id=spans[-1][0], coder_id=rng.choice(coders),
                         start=start, end=end))
        project_id = project.id
    from coding.filters import load_case_map
    from coding.matrices import code_attribute_matrix

    parents = {codes[1]: codes[0], codes[2]: codes[1]}
    with Session() as s:
        case_map = load_case_map(s, project_id)
        women = {c for i, c in enumerate(cases) if i % 2}
        for allowed in (None, women):
            spec = CodingFilter.of(attributes={"性别": ["女"]}) if allowed else CodingFilter()
            report = code_frequencies(s, project_id, spec)
            matrix = code_attribute_matrix(s, project_id, "性别", spec=spec, rolled_up=True)
            codings: dict[int, int] = {}
            documents_of: dict[int, set] = {}
            cases_of: dict[int, set] = {}
            cells: dict[tuple[int, str], int] = {}
            for code, document, start, end in spans:
                found = case_map.cases(document, start, end)
                if allowed is not None:
                    found &= allowed
                    if not found:
                        continue
                chain = [code]
                while chain[-1] in parents:
                    chain.append(parents[chain[-1]])
                for target in chain:
                    codings[target] = codings.get(target, 0) + 1
                    documents_of.setdefault(target, set()).add(document)
                    cases_of.setdefault(target, set()).update(found)
                    for value in {"男女"[cases.index(c) % 2] for c in found}:
                        cells[target, value] = cells.get((target, value), 0) + 1
            for row in report.rows:
                assert (row.codings_total, row.documents_total, row.cases_total) == (
                    codings.get(row.code_id, 0), len(documents_of.get(row.code_id, ())),
                    len(cases_of.get(row.code_id, ()))), row
            for code, row in zip(matrix.row_ids, matrix.cells):
                assert row == [cells.get((code, value), 0) for value in matrix.column_keys]
