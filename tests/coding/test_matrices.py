"""Matrices: codes × case-attribute values and codes × documents, counted by hand, on both stores.

The fixture is the one of test_frequencies: an individual interview (case on the whole
document), a group interview (a case per speaker, one coding shared by two speakers) and field
notes without a case.
"""

from __future__ import annotations

import pytest

from coding.filters import CodingFilter
from coding.matrices import code_attribute_matrix, code_document_matrix, matrix_table
from i18n import BianmaError

from report_project import project  # noqa: F401  (the fixture)


def rows(matrix) -> dict[str, list[int]]:
    return {label.rsplit("/", 1)[-1]: cells for label, cells in zip(matrix.row_labels, matrix.cells)}


def test_codes_by_gender_counting_codings(Session, project):
    with Session() as s:
        matrix = code_attribute_matrix(s, project["project"], "性别")
    assert matrix.column_labels == ["男", "女"]  # by pinyin: nan, nv
    # the coding shared by 王 (男) and 李 (女) counts in both columns
    assert rows(matrix) == {"困境": [0, 0], "网络": [1, 0], "邻里": [1, 2], "贫困": [0, 2], "需求": [0, 1]}
    assert matrix.column_cases == [1, 2]
    assert matrix.uncased == 2  # the field notes' coding and the moderator's


def test_codes_by_gender_counting_cases_and_rolled_up(Session, project):
    with Session() as s:
        cases = code_attribute_matrix(s, project["project"], "性别", measure="cases")
        rolled = code_attribute_matrix(s, project["project"], "性别", rolled_up=True)
        rolled_cases = code_attribute_matrix(s, project["project"], "性别", measure="cases", rolled_up=True)
    assert rows(cases) == {"困境": [0, 0], "网络": [1, 0], "邻里": [1, 2], "贫困": [0, 1], "需求": [0, 1]}
    assert rows(rolled) == {"困境": [2, 4], "网络": [2, 2], "邻里": [1, 2], "贫困": [0, 2], "需求": [0, 1]}
    assert rows(rolled_cases)["困境"] == [1, 2]


def test_columns_in_reading_order_with_no_value_last(Session, project):
    with Session() as s:
        community = code_attribute_matrix(s, project["project"], "社区", measure="cases")
        age = code_attribute_matrix(s, project["project"], "年龄", lang="en")
    assert community.column_keys == ["新安", "幸福", ""]  # xin an < xing fu; then no value
    assert community.column_labels == ["新安", "幸福", "（未填）"]
    assert rows(community)["邻里"] == [1, 1, 1]
    assert age.column_labels == ["8", "45", "70"]  # numbers by size, not as text
    assert rows(age)["邻里"] == [1, 1, 1]


def test_attribute_matrix_follows_the_filter(Session, project):
    with Session() as s:
        matrix = code_attribute_matrix(s, project["project"], "性别",
                                       spec=CodingFilter.of(coders=["乙"]))
        women = code_attribute_matrix(s, project["project"], "社区",
                                      spec=CodingFilter.of(attributes={"性别": ["女"]}))
    assert rows(matrix) == {"困境": [0, 0], "网络": [0, 0], "邻里": [1, 1], "贫困": [0, 1], "需求": [0, 0]}
    assert matrix.uncased == 1
    assert rows(women)["邻里"] == [1, 1, 0]
    assert women.column_cases == [1, 1, 0]


def test_codes_by_document(Session, project):
    with Session() as s:
        codings = code_document_matrix(s, project["project"])
        cases = code_document_matrix(s, project["project"], measure="cases", rolled_up=True)
        only_b = code_document_matrix(s, project["project"],
                                      spec=CodingFilter.of(documents=[project["documents"]["座谈B"]]))
    assert codings.column_labels == ["访谈A", "座谈B", "笔记C"]
    assert rows(codings) == {"困境": [0, 0, 0], "网络": [0, 1, 1], "邻里": [1, 1, 0], "贫困": [2, 0, 0],
                             "需求": [1, 1, 0]}
    assert rows(cases) == {"困境": [1, 2, 0], "网络": [1, 2, 0], "邻里": [1, 2, 0], "贫困": [1, 0, 0],
                           "需求": [1, 0, 0]}
    assert cases.column_cases == [1, 2, 0]
    assert only_b.column_labels == ["座谈B"]
    assert rows(only_b)["邻里"] == [1]


def test_matrix_table_for_downloads(Session, project):
    with Session() as s:
        headers, table = matrix_table(code_attribute_matrix(s, project["project"], "性别"), "en")
    assert headers == ["Code", "男", "女"]
    assert table[2] == ["困境/网络/邻里", 1, 2]


@pytest.mark.parametrize("call, code", [
    (lambda s, p: code_attribute_matrix(s, p, "职业"), "E020"),
    (lambda s, p: code_attribute_matrix(s, p, "性别", measure="documents"), "E604"),
    (lambda s, p: code_document_matrix(s, p, measure="words"), "E604"),
])
def test_unknown_attribute_or_measure_refused(Session, project, call, code):
    with pytest.raises(BianmaError) as error, Session() as s:
        call(s, project["project"])
    assert error.value.code == code


def test_cli_report_matrix_by_document(Session, project, database_url, capsysbinary):
    import json

    import cli
    argv = ["report", "matrix", "频次测试", "--measure", "cases", "--rollup", "--db", database_url]
    assert cli.main(argv) == 0
    lines = capsysbinary.readouterr().out.decode("utf-8-sig").splitlines()
    assert lines[:2] == ["代码,访谈A,座谈B,笔记C", "困境,1,2,0"]
    assert cli.main(argv[:3] + ["--by", "社区", "--format", "json", "--db", database_url]) == 0
    data = json.loads(capsysbinary.readouterr().out)
    assert data["columns"] == ["新安", "幸福", "（未填）"] and data["uncased"] == 2
