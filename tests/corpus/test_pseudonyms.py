"""Replacing identifiers with pseudonyms: names of the pseudonyms, every offset after the
rewrite (codings cut through names, characters outside the BMP), the key and its CSV, a second
application, and refusals that leave the store as it was."""

from __future__ import annotations

import json
import string

import pytest
from sqlalchemy import func, select

from codebook.codes import add_code_path
from coding.codings import apply_codes, write_coding_memo
from coding.memos import add_memo
from coding.undo import history
from corpus import pseudonyms
from corpus.cases import create_case
from corpus.deidentify import LiteralFinder
from corpus.dictionary import project_tokenizer
from corpus.documents import import_document
from corpus.projects import create_project
from corpus.pseudonyms import (
    KeyEntry, OffsetMap, apply_pseudonyms, export_key, key_entries, propose_pseudonyms,
    read_key_csv, review, rewrite,
)
from i18n import BianmaError
from i18n.catalogue.privacy import MESSAGES
from storage.tables import (
    Case, Coding, Document, Event, Memo, Passage, Project, PseudonymKey,
)

TRANSCRIPT = (
    "访谈者：您是从哪里搬来的？\n"
    "赵秀芝：我是大湾村的，😀跟张桂兰是邻居。张桂兰现在住在𠀋幸福家园小区，电话13905511234。\n"
    "访谈者：平时谁来看您？\n"
    "赵秀芝：社区的李书记常来。张建华是我们村的会计，老刘也来过。\n"
)


def _quote(text: str, quote: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    return start, start + len(quote)


@pytest.fixture
def project(Session):
    """An imported interview with codings on whole names, inside names, across names, memos,
    a case named after the interviewee."""
    with Session.begin() as s:
        project = create_project(s, "去标识化项目")
        document = import_document(s, project.id, "访谈01.txt", TRANSCRIPT.encode("utf-8"))
        code = add_code_path(s, project.id, "社会网络/邻里")
        other = add_code_path(s, project.id, "社会网络/干部")
        text = document.text
        spans = [
            _quote(text, "跟张桂兰是邻居"),          # contains a name
            _quote(text, "张桂兰"),                 # exactly a name
            (text.index("桂兰现在"), text.index("现在住在") + 2),   # starts inside 张桂兰
            (text.index("现在住在") - 10, text.index("兰现在")),      # ends inside the second 张桂兰
            _quote(text, "幸福家园"),               # inside a place name, on both sides
            (text.index("😀"), len(text) - 1),     # across almost everything after the emoji
            _quote(text, "老刘也来过"),
            _quote(text, "电话13905511234"),
        ]
        codings = []
        for start, end in spans:
            codings += apply_codes(s, document.id, start, end, [code.id], coder="甲")
        codings += apply_codes(s, document.id, *_quote(text, "李书记常来"), [other.id], coder="乙")
        write_coding_memo(s, codings[0].id, "张桂兰和赵秀芝是老邻居。", coder="甲")
        add_memo(s, project.id, "回访时带上大湾村的照片。", coder="甲")
        create_case(s, project.id, "赵秀芝", description="大湾村搬迁户")
        s.flush()
        return {"project": project.id, "doc": document.id, "text": text}


def _snapshot(Session, project_id: int) -> dict:
    """Everything de-identification may touch, as plain values."""
    with Session() as s:
        documents = s.scalars(select(Document).where(Document.project_id == project_id)).all()
        return {
            "texts": [(d.name, d.text) for d in documents],
            "passages": [(p.start, p.end, p.speaker, p.sentences, p.token_lengths)
                         for d in documents for p in d.passages],
            "codings": sorted(s.execute(select(Coding.id, Coding.start, Coding.end)).all()),
            "memos": sorted(s.scalars(select(Memo.text)).all()),
            "cases": sorted(s.execute(select(Case.name, Case.description)).all()),
            "keys": sorted(s.execute(select(PseudonymKey.original, PseudonymKey.pseudonym)).all()),
            "events": s.scalar(select(func.count(Event.id))),
        }


def _expand(text: str, hits: list[tuple[int, int, str]], start: int, end: int) -> tuple[int, int]:
    """A span widened to whole originals where it starts or ends inside one."""
    for h_start, h_end, _original in hits:
        if h_start < start < h_end:
            start = h_start
        if h_start < end < h_end:
            end = h_end
    return start, end


def _accept_all(Session, project_id: int) -> list[tuple[str, str]]:
    with Session() as s:
        return [(row.original, row.kind) for row in review(s, project_id)]


def test_every_offset_survives_the_replacement(Session, project):
    old = _snapshot(Session, project["project"])
    with Session() as s:
        old_codings = {c.id: (c.start, c.end) for c in s.scalars(select(Coding))}
        old_passages = [(p.start, p.end, p.sentences) for p in s.get(Document, project["doc"]).passages]
    accepted = _accept_all(Session, project["project"])
    assert {original for original, _kind in accepted} == {
        "赵秀芝", "张桂兰", "李书记", "张建华", "老刘", "大湾村", "幸福家园小区", "13905511234"}
    with Session.begin() as s:
        report = apply_pseudonyms(s, project["project"], accepted, coder="甲")
    with Session() as s:
        mapping = {k.original: k.pseudonym for k in s.scalars(select(PseudonymKey))}
        document = s.get(Document, project["doc"])
        new_text = document.text
        old_text = project["text"]
        finder = LiteralFinder(mapping)
        hits = finder.find(old_text)

        def replaced(fragment: str) -> str:
            return rewrite(fragment, finder, mapping)[0]

        # every coding covers the same words, names replaced; a boundary inside a name
        # took in the whole pseudonym
        for coding in s.scalars(select(Coding)):
            start, end = _expand(old_text, hits, *old_codings[coding.id])
            assert new_text[coding.start:coding.end] == replaced(old_text[start:end])
        # codings that did not cut through a name: exactly the brief's invariant
        whole = [c for c in s.scalars(select(Coding))
                 if _expand(old_text, hits, *old_codings[c.id]) == old_codings[c.id]]
        assert len(whole) == 6
        for coding in whole:
            old_start, old_end = old_codings[coding.id]
            assert new_text[coding.start:coding.end] == replaced(old_text[old_start:old_end])
        # passages, their sentences and tokens
        tokenizer = project_tokenizer(s.get(Project, project["project"]))
        for passage, (old_start, old_end, old_sentences) in zip(document.passages, old_passages):
            assert new_text[passage.start:passage.end] == replaced(old_text[old_start:old_end])
            for (s_start, s_end), (o_start, o_end) in zip(passage.sentences, old_sentences):
                assert new_text[s_start:s_end] == replaced(old_text[o_start:o_end])
            assert sum(passage.token_lengths) == passage.end - passage.start
            assert passage.token_lengths == [len(w) for w in tokenizer.lcut(new_text[passage.start:passage.end])]
        assert [p.speaker for p in document.passages] == ["访谈者", "赵某", "访谈者", "赵某"]
        # no original anywhere: text, memos, case, event log
        for original in mapping:
            assert original not in new_text
            assert all(original not in m for m in s.scalars(select(Memo.text)))
            assert all(original not in f"{c.name} {c.description}" for c in s.scalars(select(Case)))
            assert all(original not in json.dumps(e.payload, ensure_ascii=False)
                       for e in s.scalars(select(Event)))
        assert mapping == {"赵秀芝": "赵某", "张桂兰": "张某1", "张建华": "张某2", "李书记": "L书记",
                           "老刘": "老L", "大湾村": "村A", "幸福家园小区": "小区A",
                           "13905511234": "手机号已隐去A"}
        assert "𠀋小区A" in new_text and "😀跟张某1是邻居" in new_text
        assert report.replacements == len(hits) == 10 and report.keys_added == 8
        event = s.scalar(select(Event).where(Event.action == "deidentify"))
        assert event.payload["replacements"] == 10
        # undo stops here: replaying older rows would bring back old offsets and originals
        assert history(s, project["project"]).undo is None
    assert old["codings"] != _snapshot(Session, project["project"])["codings"]


def test_offset_map_snaps_positions_inside_an_original():
    mapping = {"张桂兰": "张某", "13905511234": "手机号已隐去A"}
    text = "😀张桂兰说13905511234。"
    new, shift, count = rewrite(text, LiteralFinder(mapping), mapping)
    assert (new, count) == ("😀张某说手机号已隐去A。", 2)
    assert [shift.start(i) for i in range(len(text) + 1)] == [0, 1, 1, 1, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 11, 12]
    assert [shift.end(i) for i in range(len(text) + 1)] == [0, 1, 3, 3, 3, 4, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 12]
    assert shift.touches(0, 1) is False and shift.touches(3, 5) is True and shift.touches(4, 5) is False
    assert OffsetMap([], {}).start(7) == 7


@pytest.mark.parametrize("items,expected", [
    ([("张桂兰", "person")], ["张某"]),
    ([("张桂兰", "person"), ("张建华", "person"), ("李强", "person")], ["张某1", "张某2", "李某"]),
    ([("张阿姨", "person"), ("赵阿姨", "person"), ("欧阳书记", "person")], ["Z阿姨1", "Z阿姨2", "OY书记"]),
    ([("老刘", "person"), ("小陈", "person"), ("曾老师", "person")], ["老L", "小C", "Z老师"]),
    ([("二丫", "person"), ("大湾村", "place"), ("石塘村", "place"), ("东风镇", "place"), ("红星街道", "place")],
     ["某人A", "村A", "村B", "镇A", "街道A"]),
    ([("金寨县", "place"), ("中心广场", "place"), ("富康电子厂", "organisation")], ["县A", "地点A", "单位A"]),
    ([("13905511234", "phone"), ("0564-3321456", "phone"), ("11010519491231002X", "id_number")],
     ["手机号已隐去A", "电话号码已隐去A", "身份证号已隐去A"]),
])
def test_pseudonym_names(Session, items, expected):
    with Session.begin() as s:
        project = create_project(s, "命名")
        proposed = propose_pseudonyms(s, project.id, items)
    assert [proposed[original] for original, _kind in items] == expected


def test_letters_run_past_z():
    assert [pseudonyms._letters(n) for n in (0, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]


def test_second_application_reuses_the_key(Session, project):
    with Session.begin() as s:
        apply_pseudonyms(s, project["project"], _accept_all(Session, project["project"]), coder="甲")
    # New material arrives with the same people and a third 张.
    with Session.begin() as s:
        second_id = import_document(s, project["project"], "访谈02_张桂兰.txt",
                        ("访谈者：最近怎么样？\n张桂兰：还好，张秀英和李书记昨天来过大湾村。\n"
                         "访谈者：那就好。\n张桂兰：是啊。\n").encode("utf-8")).id
    with Session() as s:
        rows = {r.original: r for r in review(s, project["project"])}
    assert (rows["张桂兰"].pseudonym, rows["张桂兰"].in_key) == ("张某1", True)
    assert (rows["张秀英"].pseudonym, rows["张秀英"].in_key) == ("张某3", False)
    assert rows["李书记"].pseudonym == "L书记" and rows["大湾村"].pseudonym == "村A"
    assert "赵秀芝" not in rows  # already replaced everywhere
    with Session.begin() as s:
        apply_pseudonyms(s, project["project"], [(r.original, r.kind) for r in rows.values()], coder="甲")
    with Session() as s:
        second = s.get(Document, second_id)
        assert (second.name, second.original_filename) == ("访谈02_张某1", "访谈02_张某1.txt")
        assert second.text == ("访谈者：最近怎么样？\n张某1：还好，张某3和L书记昨天来过村A。\n"
                               "访谈者：那就好。\n张某1：是啊。\n")
        assert [p.speaker for p in second.passages] == ["访谈者", "张某1", "访谈者", "张某1"]
        assert s.scalar(select(func.count(PseudonymKey.id))) == 9


def test_custom_pseudonyms_and_the_key_round_trip(Session, project):
    accepted = [(o, k, "王某" if o == "张建华" else None) for o, k in _accept_all(Session, project["project"])]
    accepted.append(("=SUM(A1)", "other", None))  # a cell a spreadsheet would run
    with Session.begin() as s:
        apply_pseudonyms(s, project["project"], accepted, coder="甲")
    with Session.begin() as s:
        data = export_key(s, project["project"], coder="甲")
        stored = key_entries(s, project["project"])
    assert data.startswith("\ufeff类型,原文,化名".encode("utf-8"))
    assert "'=SUM(A1)" in data.decode("utf-8")
    assert read_key_csv(data) == stored
    assert KeyEntry("person", "张建华", "王某") in stored and KeyEntry("other", "=SUM(A1)", "信息已隐去A") in stored
    english = "kind,pseudonym,original\nplace,村A,大湾村\n".encode("utf-8")
    assert read_key_csv(english) == [KeyEntry("place", "大湾村", "村A")]
    with Session() as s:
        assert s.scalar(select(Event).where(Event.entity == "pseudonym_key")).payload == {"entries": 9}


@pytest.mark.parametrize("data,row", [
    (b"\xff\xfe\x00", 1),
    ("名字,化名\n张三,张某\n".encode("utf-8"), 1),
    ("类型,原文,化名\nperson,张三,张某\nalien,李四,李某\n".encode("utf-8"), 3),
    ("类型,原文,化名\nperson,张三\n".encode("utf-8"), 2),
])
def test_unreadable_key_files(data, row):
    with pytest.raises(BianmaError) as error:
        read_key_csv(data)
    assert (error.value.code, error.value.params) == ("E509", {"row": row})


@pytest.mark.parametrize("accepted,code", [
    ([], "E500"),
    ([("张桂兰", "celebrity")], "E501"),
    ([(" ", "person")], "E502"),
    ([("张桂兰", "person", "张桂兰")], "E503"),
    ([("张桂兰", "person", "赵某"), ("赵秀芝", "person", "赵某")], "E504"),
    ([("张桂兰", "person"), ("张桂兰", "place")], "E506"),
    ([("张桂兰", "person", "赵秀芝"), ("赵秀芝", "person")], "E507"),
])
def test_refusals_leave_the_store_untouched(Session, project, accepted, code):
    before = _snapshot(Session, project["project"])
    with pytest.raises(BianmaError) as error:
        with Session.begin() as s:
            apply_pseudonyms(s, project["project"], accepted, coder="甲")
    assert error.value.code == code
    assert _snapshot(Session, project["project"]) == before


def test_a_changed_pseudonym_for_a_keyed_original_is_refused(Session, project):
    with Session.begin() as s:
        apply_pseudonyms(s, project["project"], [("张桂兰", "person")], coder="甲")
    before = _snapshot(Session, project["project"])
    with pytest.raises(BianmaError) as error:
        with Session.begin() as s:
            apply_pseudonyms(s, project["project"], [("张桂兰", "person", "王某"), ("老刘", "person")])
    assert (error.value.code, error.value.params["existing"]) == ("E505", "张某")
    assert _snapshot(Session, project["project"]) == before


def test_names_that_would_collide_are_refused(Session, project):
    with Session.begin() as s:
        create_case(s, project["project"], "张某")
    before = _snapshot(Session, project["project"])
    with pytest.raises(BianmaError) as error:
        with Session.begin() as s:
            apply_pseudonyms(s, project["project"], [("赵秀芝", "person", "张某")])
    assert (error.value.code, error.value.params) == ("E508", {"name": "张某"})
    assert _snapshot(Session, project["project"]) == before


def test_a_failure_half_way_changes_nothing(Session, project, monkeypatch):
    """Past the checks, an error while rewriting still leaves nothing behind."""
    before = _snapshot(Session, project["project"])

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(pseudonyms, "_scrub_project_texts", broken)
    with pytest.raises(RuntimeError):
        with Session.begin() as s:
            apply_pseudonyms(s, project["project"], _accept_all(Session, project["project"]))
    assert _snapshot(Session, project["project"]) == before


OTHER = "张桂兰：我住大湾村。\n访谈者：好的。\n张桂兰：嗯。\n访谈者：谢谢。\n"


def test_other_projects_are_not_touched(Session, project):
    with Session.begin() as s:
        other = create_project(s, "另一个项目")
        import_document(s, other.id, "b.txt", OTHER.encode("utf-8"))
        other_id = other.id
    with Session.begin() as s:
        apply_pseudonyms(s, project["project"], [("张桂兰", "person"), ("大湾村", "place")])
    with Session() as s:
        assert s.scalar(select(Document.text).where(Document.project_id == other_id)) == OTHER
        assert s.scalar(select(Passage.speaker).join(Document).where(Document.project_id == other_id)) == "张桂兰"


def _placeholders(message: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_privacy_messages(key):
    zh, en = MESSAGES[key]
    assert _placeholders(zh) == _placeholders(en)
    if key.startswith("E"):
        assert 500 <= int(key[1:]) <= 549 and zh.endswith("。") and en.endswith(".")
    else:
        assert key.startswith("privacy.")


@pytest.fixture
def bianma(monkeypatch, capsys):
    """``bianma …`` with the deidentify commands registered (as cli.py will once wired)."""
    import cli
    from corpus.deidentify_cli import register

    packages = cli._register_packages

    def with_deidentify(commands, common):
        packages(commands, common)
        if "deidentify" not in commands.choices:
            register(commands, common)

    monkeypatch.setattr(cli, "_register_packages", with_deidentify)

    def run(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def test_command_line_scan_edit_apply_and_key(Session, project, database_url, bianma, tmp_path):
    db = ("--db", database_url)
    code, out, err = bianma("deidentify", "scan", "--project", "去标识化项目", "--json", *db)
    assert code == 0, err
    rows = json.loads(out)
    assert {r["original"] for r in rows} >= {"赵秀芝", "张桂兰", "大湾村"}
    for row in rows:  # the researcher keeps 老刘 and renames 张建华
        row["accept"] = row["original"] != "老刘"
        if row["original"] == "张建华":
            row["pseudonym"] = "王某"
    review_file = tmp_path / "review.json"
    review_file.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    code, out, err = bianma("deidentify", "apply", "--project", str(project["project"]),
                            "--accept", str(review_file), "--json", *db)
    assert code == 0, err
    assert json.loads(out)["keys_added"] == len(rows) - 1
    with Session() as s:
        text = s.get(Document, project["doc"]).text
    assert "老刘" in text and "王某是我们村的会计" in text and "张桂兰" not in text

    key_file = tmp_path / "key.csv"
    code, out, err = bianma("deidentify", "key", "--project", "去标识化项目", "--out", str(key_file), *db)
    assert code == 0, err
    assert out.strip() == f"{len(rows) - 1} entries written to {key_file}"
    with Session() as s:
        assert read_key_csv(key_file.read_bytes()) == key_entries(s, project["project"])
    assert key_file.stat().st_mode & 0o077 == 0


def test_command_line_refusals(project, database_url, bianma, tmp_path):
    bad = tmp_path / "review.csv"
    bad.write_text("原文,备注\n张桂兰,邻居\n", encoding="utf-8")
    code, _out, err = bianma("deidentify", "apply", "--project", "去标识化项目", "--accept", str(bad),
                             "--db", database_url)
    assert (code, err.split("]")[0]) == (2, "[E510")
    nothing = tmp_path / "nothing.csv"
    nothing.write_text("原文,类型,替换\n张桂兰,person,否\n", encoding="utf-8")
    code, _out, err = bianma("deidentify", "apply", "--project", "去标识化项目", "--accept", str(nothing),
                             "--db", database_url)
    assert (code, err.split("]")[0]) == (2, "[E500")


def test_only_an_owner_reviews_applies_and_exports(Session, project):
    from storage.access import Actor, bind_actor
    from storage.tables import Coder, Membership

    with Session.begin() as s:
        apply_pseudonyms(s, project["project"], [("张桂兰", "person")], coder="甲")
        ids = {}
        for name, role in (("组长", "owner"), ("编码员", "coder"), ("查看者", "viewer")):
            coder = Coder(name=name, password_hash="x")
            s.add(coder)
            s.flush()
            s.add(Membership(project_id=project["project"], coder_id=coder.id, role=role))
            ids[name] = coder.id
        outsider = Coder(name="外人", password_hash="x")
        s.add(outsider)
        s.flush()
        ids["外人"] = outsider.id
    before = _snapshot(Session, project["project"])
    for name, code in (("编码员", "E406"), ("查看者", "E406"), ("外人", "E001")):  # a non-member does not even see the project
        for action in (lambda s: export_key(s, project["project"], coder=name),
                       lambda s: review(s, project["project"]),
                       lambda s: apply_pseudonyms(s, project["project"], [("赵秀芝", "person")], coder=name)):
            with pytest.raises(BianmaError) as error:
                with Session.begin() as s:
                    action(bind_actor(s, Actor(ids[name], name)))
            assert error.value.code == code, (name, action)
    assert _snapshot(Session, project["project"]) == before
    with Session.begin() as s:
        data = export_key(bind_actor(s, Actor(ids["组长"], "组长")), project["project"], coder="组长")
    assert read_key_csv(data) == [KeyEntry("person", "张桂兰", "张某")]
