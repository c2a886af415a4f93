"""Inter-coder agreement: the statistics against published examples and the reference packages,
the store pipeline against hand-computed figures, blind coding and the CLI, on both stores."""

from __future__ import annotations

import json

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st_
from sklearn.metrics import cohen_kappa_score

from codebook.codes import add_code_path
from coding.agreement import (
    alpha_from_coincidences, blind_coding, coder_agreement, coincidences, cohen_kappa,
    set_blind_coding, visible_segments,
)
from coding.codings import document_codings
from corpus.projects import create_project
from i18n import BianmaError
from storage import audit
from storage.tables import Coding, Document, Event, Passage

# --- the statistics ------------------------------------------------------------------------

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the example with four
# coders, twelve units and missing values: nominal alpha = 0.743.
NAN = np.nan
KRIPPENDORFF_EXAMPLE = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]


def value_counts(data, domain) -> np.ndarray:
    data = np.asarray(data, dtype=float)
    return np.array([[np.sum(data[:, u] == v) for v in domain] for u in range(data.shape[1])])


def test_alpha_on_krippendorffs_worked_example():
    ours = float(alpha_from_coincidences(coincidences(value_counts(KRIPPENDORFF_EXAMPLE, [1, 2, 3, 4, 5]))))
    assert round(ours, 3) == 0.743
    assert ours == pytest.approx(krippendorff.alpha(reliability_data=KRIPPENDORFF_EXAMPLE,
                                                    level_of_measurement="nominal"), abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(st_.lists(st_.lists(st_.sampled_from([0, 1, 2, None]), min_size=3, max_size=3),
                 min_size=2, max_size=40))
def test_alpha_equals_the_krippendorff_package_with_missing_values(units):
    data = np.array([[NAN if v is None else v for v in unit] for unit in units], dtype=float).T
    counts = value_counts(data, [0, 1, 2])
    ours = float(alpha_from_coincidences(coincidences(counts)))
    pairable = counts.sum(axis=1) >= 2
    observed = counts[pairable].sum(axis=0)
    if not pairable.any() or (observed > 0).sum() < 2:
        assert np.isnan(ours)  # fewer than two values among pairable units: undefined
        return
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal",
                                  value_domain=[0, 1, 2])
    assert ours == pytest.approx(expected, abs=1e-9)


def test_kappa_on_a_published_example_and_against_scikit_learn():
    # 50 grant proposals read by two reviewers: yes/yes 20, yes/no 5, no/yes 10, no/no 15:
    # p_o = 0.7, p_e = 0.5, kappa = 0.4 (the standard textbook example of Cohen's kappa).
    assert cohen_kappa([[20, 5], [10, 15]]) == pytest.approx(0.4)
    rng = np.random.default_rng(3)
    first = rng.integers(0, 2, 200)
    second = np.where(rng.random(200) < 0.8, first, 1 - first)
    table = [[np.sum((first == a) & (second == b)) for b in (0, 1)] for a in (0, 1)]
    assert cohen_kappa(table) == pytest.approx(cohen_kappa_score(first, second))
    assert cohen_kappa([[7, 0], [0, 0]]) is None  # both always 0: undefined


# --- the store -----------------------------------------------------------------------------

TEXT1 = "甲：我们搬来五年了。邻居都不认识。\n乙：为什么？\n甲：没有地方\u3000聊天。\n"
TEXT2 = "甲：家里地没了。只能打零工。\n"


def at(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def sentence_passage(text: str, index: int, turn: str, sentences: list[str]) -> Passage:
    start, end = at(text, turn)
    return Passage(index=index, start=start, end=end, speaker=None,
                   sentences=[list(at(text, s)) for s in sentences])


@pytest.fixture
def project(Session):
    with Session.begin() as s:
        project = create_project(s, "一致性测试")
        first = Document(project_id=project.id, name="访谈1", kind="interview", original_filename="1.txt",
                         encoding="utf-8", text=TEXT1, position=0, passages=[
                             sentence_passage(TEXT1, 0, "我们搬来五年了。邻居都不认识。",
                                              ["我们搬来五年了。", "邻居都不认识。"]),
                             sentence_passage(TEXT1, 1, "为什么？", ["为什么？"]),
                             sentence_passage(TEXT1, 2, "没有地方\u3000聊天。", ["没有地方\u3000聊天。"])])
        second = Document(project_id=project.id, name="访谈2", kind="interview", original_filename="2.txt",
                          encoding="utf-8", text=TEXT2, position=1, passages=[
                              sentence_passage(TEXT2, 0, "家里地没了。只能打零工。",
                                               ["家里地没了。", "只能打零工。"])])
        s.add_all([first, second])
        s.flush()
        network = add_code_path(s, project.id, "网络萎缩").id
        poverty = add_code_path(s, project.id, "相对贫困").id
        codes = {"N": network, "P": poverty}
        for document, text, quote, code, who in [
            (first, TEXT1, "邻居都不认识。", "N", "甲"),
            (first, TEXT1, "没有地方", "N", "甲"),
            (first, TEXT1, "搬来五年", "P", "甲"),
            (first, TEXT1, "邻居都不认识。", "N", "乙"),
            (first, TEXT1, "没有地方\u3000聊天", "P", "乙"),
            (second, TEXT2, "只能打零工", "P", "甲"),
            (second, TEXT2, "地没了", "P", "乙"),
            (second, TEXT2, "只能打零工", "P", "丙"),
            (second, TEXT2, "家里地没了", "N", "丙"),
        ]:
            start, end = at(text, quote)
            s.add(Coding(document_id=document.id, code_id=codes[code], start=start, end=end,
                         coder_id=audit.coder_id(s, who)))
        return {"project": project.id, "first": first.id, "second": second.id, **codes}


def figures(row):
    return (row.percent.value, row.kappa.value if row.kappa else None, row.alpha.value)


def test_two_coders_by_sentence_computed_by_hand(Session, project):
    with Session() as s:
        report = coder_agreement(s, project["project"], ["甲", "乙"], unit="sentence",
                                 documents=[project["first"]], bootstrap=0)
    network, poverty = report.codes
    # network: 甲 [0,1,0,1], 乙 [0,1,0,0] -> p_o 3/4, p_e 1/2, kappa 1/2; alpha 1 - 7·1/(5·3) = 8/15
    assert (network.label, network.units, network.coded) == ("网络萎缩", 4, 2)
    assert figures(network) == pytest.approx((0.75, 0.5, 8 / 15))
    # poverty: 甲 [1,0,0,0], 乙 [0,0,0,1] -> p_o 1/2, p_e 5/8, kappa -1/3; alpha 1 - 7·2/(6·2)
    assert figures(poverty) == pytest.approx((0.5, -1 / 3, -1 / 6))
    # all eight (code, sentence) decisions pooled: p_o 5/8, kappa 1/7, alpha 2/11
    assert (report.overall.label, report.overall.units, report.overall.coded) == ("全部代码", 8, 4)
    assert figures(report.overall) == pytest.approx((5 / 8, 1 / 7, 2 / 11))
    assert report.overall.percent.low is None


def test_two_coders_by_passage_computed_by_hand(Session, project):
    with Session() as s:
        report = coder_agreement(s, project["project"], ["甲", "乙"], unit="passage",
                                 documents=[project["first"]], bootstrap=0)
    network, poverty = report.codes
    assert figures(network) == pytest.approx((2 / 3, 0.4, 4 / 9))
    assert figures(poverty) == pytest.approx((1 / 3, -0.5, -0.25))


def reliability_by_character(coders, code, documents):
    """Each non-blank character inside a passage is a unit; NaN for a coder with no coding in
    the document. Written out plainly as the reference for the pipeline."""
    rows = {"甲": [], "乙": [], "丙": []}
    codings = {  # (document, coder) -> [(code, quote)] as in the fixture
        (1, "甲"): [("N", "邻居都不认识。"), ("N", "没有地方"), ("P", "搬来五年")],
        (1, "乙"): [("N", "邻居都不认识。"), ("P", "没有地方\u3000聊天")],
        (2, "甲"): [("P", "只能打零工")], (2, "乙"): [("P", "地没了")],
        (2, "丙"): [("P", "只能打零工"), ("N", "家里地没了")],
    }
    for number, text, turns in documents:
        for turn in turns:
            start, end = at(text, turn)
            for i in range(start, end):
                if text[i].isspace():
                    continue
                for coder in coders:
                    mine = codings.get((number, coder))
                    if mine is None:
                        rows[coder].append(NAN)
                    else:
                        rows[coder].append(float(any(c == code and at(text, q)[0] <= i < at(text, q)[1]
                                                     for c, q in mine)))
    return np.array([rows[c] for c in coders])


FIRST = (1, TEXT1, ["我们搬来五年了。邻居都不认识。", "为什么？", "没有地方\u3000聊天。"])
SECOND = (2, TEXT2, ["家里地没了。只能打零工。"])


def test_characters_against_the_reference_packages(Session, project):
    with Session() as s:
        report = coder_agreement(s, project["project"], ["甲", "乙"], unit="character", bootstrap=0)
    assert report.documents == [project["first"], project["second"]]
    for row, code in zip(report.codes, "NP"):
        data = reliability_by_character(["甲", "乙"], code, [FIRST, SECOND])
        assert row.units == data.shape[1] == 15 + 4 + 7 + 12  # the full-width space is no unit
        assert row.percent.value == pytest.approx(np.mean(data[0] == data[1]))
        assert row.kappa.value == pytest.approx(cohen_kappa_score(data[0], data[1]))
        assert row.alpha.value == pytest.approx(krippendorff.alpha(
            reliability_data=data, level_of_measurement="nominal", value_domain=[0, 1]))


@pytest.mark.parametrize("unit", ["character", "sentence"])
def test_three_coders_with_a_document_one_of_them_did_not_code(Session, project, unit):
    with Session() as s:
        report = coder_agreement(s, project["project"], ["甲", "乙", "丙"], unit=unit, bootstrap=0)
    assert report.uncoded == {"甲": [], "乙": [], "丙": ["访谈1"]}
    assert all(row.kappa is None for row in [*report.codes, report.overall])
    pooled = []
    for row, code in zip(report.codes, "NP"):
        if unit == "character":
            data = reliability_by_character(["甲", "乙", "丙"], code, [FIRST, SECOND])
        else:  # sentences 我们…, 邻居…, 为什么, 没有…; 家里地没了, 只能打零工
            data = {"N": [[0, 1, 0, 1, 0, 0], [0, 1, 0, 0, 0, 0], [NAN] * 4 + [1, 0]],
                    "P": [[1, 0, 0, 0, 0, 1], [0, 0, 0, 1, 1, 0], [NAN] * 4 + [0, 1]]}[code]
            data = np.array(data, dtype=float)
        pooled.append(data)
        assert row.alpha.value == pytest.approx(krippendorff.alpha(
            reliability_data=data, level_of_measurement="nominal", value_domain=[0, 1]))
    if unit == "sentence":
        assert report.codes[1].percent.value == pytest.approx(2 / 6)
    overall = np.concatenate(pooled, axis=1)
    assert report.overall.alpha.value == pytest.approx(krippendorff.alpha(
        reliability_data=overall, level_of_measurement="nominal", value_domain=[0, 1]))


def test_disagreements_side_by_side(Session, project):
    with Session() as s:
        by_sentence = coder_agreement(s, project["project"], ["甲", "乙"], unit="sentence",
                                      documents=[project["first"]], bootstrap=0)
        by_character = coder_agreement(s, project["project"], ["甲", "乙"], unit="character",
                                       documents=[project["first"]], bootstrap=0)
    # in reading order: place first, then the codebook's order
    assert [(d.code, d.text, d.values, d.coded) for d in by_sentence.disagreements] == [
        ("相对贫困", "我们搬来五年了。", {"甲": True, "乙": False}, {"甲": "搬来五年", "乙": ""}),
        ("网络萎缩", "没有地方\u3000聊天。", {"甲": True, "乙": False}, {"甲": "没有地方", "乙": ""}),
        ("相对贫困", "没有地方\u3000聊天。", {"甲": False, "乙": True}, {"甲": "", "乙": "没有地方\u3000聊天"}),
    ]
    # characters: runs of the same disagreement are one entry, across the blank they skip
    assert [(d.code, d.text) for d in by_character.disagreements] == [
        ("相对贫困", "搬来五年"), ("网络萎缩", "没有地方"), ("相对贫困", "没有地方\u3000聊天")]


def test_bootstrap_intervals_are_seeded(Session, project):
    with Session() as s:
        first = coder_agreement(s, project["project"], ["甲", "乙"], unit="character", bootstrap=300,
                                seed=7)
        again = coder_agreement(s, project["project"], ["甲", "乙"], unit="character", bootstrap=300,
                                seed=7)
    assert first == again
    for row in [*first.codes, first.overall]:
        for estimate in (row.percent, row.kappa, row.alpha):
            assert -1 <= estimate.low <= estimate.high <= 1
    assert first.overall.percent.low < first.overall.percent.value <= first.overall.percent.high


@pytest.mark.parametrize("kwargs, code", [
    ({"coders": ["甲"]}, "E602"),
    ({"coders": ["甲", " 甲 "]}, "E602"),
    ({"coders": ["甲", "丁"]}, "E601"),
    ({"coders": ["甲", "乙"], "unit": "word"}, "E603"),
    ({"coders": ["甲", "丙"], "documents": "first"}, "E605"),
    ({"coders": ["甲", "乙"], "bootstrap": 20_000}, "E606"),
    ({"coders": ["甲", "乙"], "confidence": 1.5}, "E606"),
    ({"coders": ["甲", "乙"], "documents": [999_999]}, "E004"),
    ({"coders": ["甲", "乙"], "code_ids": [999_999]}, "E205"),
])
def test_refusals(Session, project, kwargs, code):
    kwargs = dict(kwargs)  # the parameters are shared by both stores' runs
    if kwargs.get("documents") == "first":
        kwargs["documents"] = [project["first"]]
    coders = kwargs.pop("coders")
    with pytest.raises(BianmaError) as error, Session() as s:
        coder_agreement(s, project["project"], coders, **kwargs)
    assert error.value.code == code


def test_blind_coding_setting_and_visible_segments(Session, project):
    with Session.begin() as s:
        assert blind_coding(s, project["project"], "甲") is False
        set_blind_coding(s, project["project"], True, coder="甲")
    with Session() as s:
        assert blind_coding(s, project["project"], "甲") is True
        assert blind_coding(s, project["project"], "乙") is False
        segments = document_codings(s, project["first"])
        assert {x.coder for x in visible_segments(segments, "甲", True)} == {"甲"}
        assert len(visible_segments(segments, "甲", False)) == len(segments) == 5
    with Session.begin() as s:
        set_blind_coding(s, project["project"], False, coder="甲")
    with Session() as s:
        assert blind_coding(s, project["project"], "甲") is False
        assert s.query(Event).filter_by(action="blind").count() == 2


def test_cli_agreement(Session, project, database_url, capsys):
    import cli
    argv = ["agreement", "一致性测试", "--coders", "甲,乙", "--unit", "sentence", "--doc",
            str(project["first"]), "--db", database_url]
    assert cli.main(argv + ["--json", "--bootstrap", "200"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["overall"]["alpha"]["value"] == pytest.approx(2 / 11)
    assert data["overall"]["alpha"]["low"] is not None and "disagreements" not in data
    assert cli.main(argv + ["--bootstrap", "0", "--disagreements"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[2] == "网络萎缩\t4\t2\t0.750\t0.500\t0.533"
    assert lines[-1].endswith("甲: — | 乙: 没有地方\u3000聊天")
