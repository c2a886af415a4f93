"""Theoretical saturation counted by hand on four interviews with known new concepts.

Categories X, Y, Z with concepts x1, x2 / y1, y2 / z1. In import order:
D1 codes x1, y1 (new: x1, y1; X, Y) — D2 codes x1, x2 (new: x2) — D3 codes y2, z1
(new: y2, z1; Z) — D4 codes x2, y1 (nothing new).
"""

import pytest

from codebook.codes import add_code_path, find_code_by_path
from coding.codings import apply_codes
from coding.saturation import saturation, saturation_table
from corpus.projects import create_project
from i18n import BianmaError
from storage.tables import Document

CODED = {"D1": ["X/x1", "Y/y1"], "D2": ["X/x1", "X/x2"], "D3": ["Y/y2", "Z/z1"], "D4": ["X/x2", "Y/y1"]}


@pytest.fixture
def study(Session):
    with Session.begin() as s:
        project = create_project(s, "饱和度")
        for path in ["X/x1", "X/x2", "Y/y1", "Y/y2", "Z/z1"]:
            add_code_path(s, project.id, path)
        documents = {}
        # stored out of order: the import order is Document.position
        for name, position in [("D3", 2), ("D1", 0), ("D4", 3), ("D2", 1)]:
            text = "一二三四五六七八九十" * 2
            documents[name] = Document(project_id=project.id, name=name, kind="interview",
                                       original_filename=f"{name}.txt", encoding="utf-8", text=text,
                                       position=position)
            s.add(documents[name])
        s.flush()
        for name, paths in CODED.items():
            for number, path in enumerate(paths):
                code = find_code_by_path(s, project.id, path)
                apply_codes(s, documents[name].id, number * 3, number * 3 + 2, [code.id], coder="甲")
        return {"project": project.id, **{name: d.id for name, d in documents.items()},
                "Z": find_code_by_path(s, project.id, "Z").id}


def run(Session, project_id, **options):
    with Session() as s:
        return saturation(s, project_id, **options)


def summary(report):
    return [(step.document, len(step.new_concepts), len(step.new_categories), step.concepts_total,
             step.categories_total, step.held_out) for step in report.steps]


def test_counts_per_document_in_import_order(Session, study):
    report = run(Session, study["project"])
    assert summary(report) == [("D1", 2, 2, 2, 2, False), ("D2", 1, 0, 3, 2, False),
                               ("D3", 2, 1, 5, 3, False), ("D4", 0, 0, 5, 3, False)]
    assert [step.new_concepts for step in report.steps] == [("X/x1", "Y/y1"), ("X/x2",), ("Y/y2", "Z/z1"), ()]
    assert [step.new_categories for step in report.steps] == [("X", "Y"), (), ("Z",), ()]
    assert report.saturated is None


def test_holdout_of_the_last_document_is_saturated(Session, study):
    report = run(Session, study["project"], holdout=1)
    assert (report.saturated, report.holdout_concepts, report.holdout_categories) == (True, (), ())
    assert [step.held_out for step in report.steps] == [False, False, False, True]


def test_holdout_of_two_lists_what_they_introduce(Session, study):
    report = run(Session, study["project"], holdout=2)
    assert report.saturated is False
    assert (report.holdout_concepts, report.holdout_categories) == (("Y/y2", "Z/z1"), ("Z",))


def test_a_chosen_order_and_a_subset(Session, study):
    report = run(Session, study["project"], order=[study["D4"], study["D3"], study["D2"], study["D1"]],
                 holdout=1)
    assert summary(report) == [("D4", 2, 2, 2, 2, False), ("D3", 2, 1, 4, 3, False),
                               ("D2", 1, 0, 5, 3, False), ("D1", 0, 0, 5, 3, True)]
    assert report.saturated is True
    report = run(Session, study["project"], order=[study["D3"], study["D1"]], holdout=1)
    assert summary(report) == [("D3", 2, 2, 2, 2, False), ("D1", 2, 1, 4, 3, True)]
    assert (report.holdout_concepts, report.holdout_categories) == (("X/x1", "Y/y1"), ("X",))


def test_a_coding_on_a_category_counts_for_the_category_only(Session, study):
    with Session.begin() as s:
        apply_codes(s, study["D1"], 10, 12, [study["Z"]], coder="乙")
    report = run(Session, study["project"])
    assert summary(report) == [("D1", 2, 3, 2, 3, False), ("D2", 1, 0, 3, 3, False),
                               ("D3", 2, 0, 5, 3, False), ("D4", 0, 0, 5, 3, False)]


@pytest.mark.parametrize("options, code", [
    (lambda ids: {"order": [ids["D1"], 999_999]}, "E275"),
    (lambda ids: {"order": [ids["D1"], ids["D2"], ids["D1"]]}, "E276"),
    (lambda ids: {"holdout": 4}, "E277"),
    (lambda ids: {"holdout": -1}, "E277"),
    (lambda ids: {"order": [ids["D2"]], "holdout": 1}, "E277"),
])
def test_refusals(Session, study, options, code):
    with pytest.raises(BianmaError) as error:
        run(Session, study["project"], **options(study))
    assert error.value.code == code


def test_duplicate_is_named_in_the_message(Session, study):
    with pytest.raises(BianmaError) as error:
        run(Session, study["project"], order=[study["D2"], study["D2"]])
    assert str(error.value) == ("[E276] 文档“D2”在编码顺序中出现了不止一次。 / "
                                "The document “D2” appears more than once in the coding order.")


def test_table_for_downloads(Session, study):
    headers, rows = saturation_table(run(Session, study["project"], holdout=1))
    assert headers == ["顺序", "文档", "新增初始概念数", "新增范畴数", "累计初始概念数", "累计范畴数",
                       "新增初始概念", "新增范畴", "留作检验"]
    assert rows[0] == [1, "D1", 2, 2, 2, 2, "X/x1、Y/y1", "X、Y", ""]
    assert rows[3] == [4, "D4", 0, 0, 5, 3, "", "", "是"]


def test_a_project_without_documents(Session):
    with Session.begin() as s:
        project = create_project(s, "空").id
    report = run(Session, project)
    assert (report.steps, report.saturated) == ((), None)
    with pytest.raises(BianmaError) as error:
        run(Session, project, holdout=1)
    assert error.value.code == "E277"
