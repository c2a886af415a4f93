"""Training the suggester from the store: code mapping, what passages teach, versions and meta."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from sqlalchemy import func, select

from codebook.codes import add_code_path, find_code_by_path
from coding.code_mapping import propose_code_mapping, resolve_mapping
from coding.codings import apply_codes
from coding.suggester_training import (
    MIN_CODED_PASSAGES, activate_version, delete_version, gather_training_set, held_out_split,
    list_versions, train_suggester,
)
from coding.suggestions import suggest_for_document
from corpus.dictionary import project_tokenizer
from corpus.documents import import_document, list_documents
from corpus.projects import create_project
from demo.seed import CODEBOOK, seed_demo
from i18n import BianmaError
from models.persistence import codebook_hash
from storage import audit
from storage.tables import Coding, Event, Project, SuggesterModel, SuggestionDecision
from suggester_project import NET, POOR, add_interviews, coded_demo, passage_of

SOURCE_TEXT = "访谈者：最近怎么样？\n刘大妈：过年不让放鞭炮，不习惯。\n刘大妈：老邻居都不来往了。\n"


def source_project(session, name, paths_and_quotes):
    """A project with one interview, each (code path, quote) applied once."""
    project = create_project(session, name)
    document = import_document(session, project.id, "a.txt", SOURCE_TEXT.encode("utf-8"))
    for path, quote in paths_and_quotes:
        code = add_code_path(session, project.id, path)
        start = document.text.index(quote)
        apply_codes(session, document.id, start, start + len(quote), [code.id])
    return project.id


def test_mapping_by_path_then_unique_name_then_unmatched(Session):
    with Session.begin() as s:
        target = seed_demo(s).id
        # a second 文化冲击 in the target makes that name ambiguous
        add_code_path(s, target, "服务需求/文化冲击")
        source = source_project(s, "二期", [
            ("融入困境/文化冲击", "过年不让放鞭炮"),        # same path
            ("关系/社会网络萎缩", "老邻居都不来往了"),       # same name, one target with it
            ("其他/文化冲击", "不习惯"),                    # name shared by two targets
            ("其他/新发现", "最近怎么样"),                  # nothing like it
        ])
        add_code_path(s, source, "其他/没用过的代码")       # never applied: not listed
        rows = propose_code_mapping(s, target, [target, source])
        target_ids = {path: find_code_by_path(s, target, path).id
                      for path in ("融入困境/文化冲击", "融入困境/社会网络萎缩")}
    assert [(r.source_path, r.target_path, r.match, r.codings, r.source_project) for r in rows] == [
        ("融入困境/文化冲击", "融入困境/文化冲击", "path", 1, "二期"),
        ("关系/社会网络萎缩", "融入困境/社会网络萎缩", "name", 1, "二期"),
        ("其他/文化冲击", None, "none", 1, "二期"),
        ("其他/新发现", None, "none", 1, "二期"),
    ]
    assert rows[1].target_code_id == target_ids["融入困境/社会网络萎缩"]
    by_path = {r.source_path: r.source_code_id for r in rows}
    with Session() as s:
        # the researcher maps one unmatched code and leaves a matched one out
        resolved = resolve_mapping(s, target, [target, source], {
            by_path["其他/新发现"]: target_ids["融入困境/社会网络萎缩"],
            by_path["关系/社会网络萎缩"]: None,
        })
        assert resolved[by_path["其他/新发现"]] == "融入困境/社会网络萎缩"
        assert resolved[by_path["融入困境/文化冲击"]] == "融入困境/文化冲击"
        assert by_path["关系/社会网络萎缩"] not in resolved and by_path["其他/文化冲击"] not in resolved
        # target codes stand for themselves; category-only ones are never classes
        assert resolved[target_ids["融入困境/文化冲击"]] == "融入困境/文化冲击"
        category = find_code_by_path(s, target, "融入困境").id
        assert category not in resolved
        with pytest.raises(BianmaError) as error:
            resolve_mapping(s, target, [source], {by_path["其他/新发现"]: category})
        assert error.value.code == "E741"
        with pytest.raises(BianmaError) as error:
            resolve_mapping(s, target, [source], {category: target_ids["融入困境/文化冲击"]})
        assert error.value.code == "E742"


def test_what_passages_teach(Session):
    with Session.begin() as s:
        project = seed_demo(s)
        [document_id] = add_interviews(s, project.id, interviews=[(
            "访谈09", [("访谈者", "您好，最近怎么样？", []),
                       ("钱大妈", "老邻居都散了，平时也没人说话。", [NET]),
                       ("访谈者", "收入呢？", []),
                       ("钱大妈", "钱不够用，买菜都要算着花。", [POOR]),
                       ("访谈者", "还有别的吗？", [])])])
        asked = passage_of(s, project.id, "收入呢")
        money = passage_of(s, project.id, "钱不够用")
        last = passage_of(s, project.id, "还有别的吗")
        greeting = passage_of(s, project.id, "您好，最近怎么样")
        # a machine coding teaches nothing; a rejection is a negative, unless someone coded it
        machine = audit.coder_id(s, "编码建议 v9")
        s.add(Coding(document_id=document_id, code_id=find_code_by_path(s, project.id, NET).id,
                     coder_id=machine, start=asked.start, end=asked.end, provenance="machine"))
        for passage, path in ((asked, POOR), (money, POOR), (last, NET)):
            s.add(SuggestionDecision(project_id=project.id, passage_id=passage.id, decision="rejected",
                                     code_id=find_code_by_path(s, project.id, path).id,
                                     coder_id=audit.coder_id(s, "乙")))
        s.flush()
        data = gather_training_set(s, [project.id], resolve_mapping(s, project.id, [project.id], None))
    taught = {pid: (codes, rejected) for pid, codes, rejected in zip(data.passage_ids, data.codes, data.rejected)}
    # read and left uncoded: an example with no code
    assert taught[greeting.id] == ([], [])
    assert taught[asked.id] == ([], [POOR])
    # coded by one coder and rejected by another: the coding wins
    assert taught[money.id] == ([POOR], [])
    # after the last coded passage nothing was read yet; only the rejection makes it an example
    assert taught[last.id] == ([], [NET])
    # the demo's three codings of each plus one here; the machine's coding is not counted
    assert data.codings_per_code[POOR] == 4 and data.codings_per_code[NET] == 4


def test_too_little_coded_data_says_how_many_more_are_needed(Session):
    with Session.begin() as s:
        project_id = seed_demo(s).id
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        train_suggester(s, project_id, [project_id])
    assert error.value.code == "E740"
    assert error.value.params["missing"] == MIN_CODED_PASSAGES - 12
    assert "还需要至少8个编码片段" in str(error.value)
    assert "at least 8 more are needed" in str(error.value)
    with Session() as s:
        assert s.scalar(select(func.count(SuggesterModel.id))) == 0


def test_training_stores_versions_with_their_meta(Session):
    stages = []
    with Session.begin() as s:
        project_id = coded_demo(s)
    with Session.begin() as s:
        first = train_suggester(s, project_id, [project_id], coder="甲",
                                progress=lambda fraction, key: stages.append((fraction, key)))
    assert [key for _f, key in stages] == [
        "suggestions.stage_gather", "suggestions.stage_evaluate", "suggestions.stage_fit",
        "suggestions.stage_save", "suggestions.stage_done"]
    assert [f for f, _k in stages] == sorted(f for f, _k in stages) and stages[-1][0] == 1.0
    with Session() as s:
        row = s.get(SuggesterModel, first.model_id)
        meta = row.meta
        dictionary = project_tokenizer(s.get(Project, project_id)).dictionary_version
        assert (row.version, row.active, row.kind) == (1, True, "code-suggester")
        assert meta["projects"] == [{"id": project_id, "name": "示例项目：非自愿移民的社区融合",
                                     "documents": 9}]
        assert (meta["documents"], meta["coded_passages"]) == (9, 37)
        assert meta["codings_per_code"][NET] == 7 and meta["passages_per_code"][NET] == 7
        assert sorted(meta["classes"]) == sorted(p for p, _d in CODEBOOK if "/" in p)
        assert meta["codebook_hash"] == codebook_hash(meta["classes"])
        assert meta["dictionary_version"] == dictionary
        assert meta["blob_sha256"] == hashlib.sha256(row.blob).hexdigest()
        with zipfile.ZipFile(io.BytesIO(row.blob)) as archive:
            assert sorted(archive.namelist()) == ["meta.json", "model.skops"]
        held_out = meta["held_out"]
        assert held_out["split"] == "documents" and held_out["test_documents"] == 2
        for figure in ("example_f1", "micro_f1", "macro_f1", "p_at_1", "r_at_3"):
            assert 0.0 <= held_out[figure] <= 1.0
        # a real signal: on held-out interviews the first suggestion is usually right
        assert held_out["p_at_1"] >= 0.5
        assert all(set(c) == {"code", "support", "predicted", "precision", "recall"}
                   for c in held_out["per_code"])
        assert sum(c["support"] for c in held_out["per_code"]) >= held_out["coded_passages"]
        assert set(meta["seconds"]) == {"gather", "evaluate", "fit", "total"}
        assert meta["sklearn_version"] and meta["mapping"] == {}
        event = s.scalar(select(Event).where(Event.entity == "suggester", Event.action == "train"))
        assert event.payload["version"] == 1 and event.entity_id == first.model_id

    with Session.begin() as s:
        # a quick retrain without the held-out report
        second = train_suggester(s, project_id, report=False)
    assert second.meta["held_out"] == {"skipped": True} and second.meta["seconds"]["evaluate"] < 1
    with Session.begin() as s:
        assert [(v.version, v.active) for v in list_versions(s, project_id)] == [(2, True), (1, False)]
        assert activate_version(s, project_id, first.model_id).active
        assert [(v.version, v.active) for v in list_versions(s, project_id)] == [(2, False), (1, True)]
        document_id = list_documents(s, project_id)[0].id
        assert suggest_for_document(s, project_id, document_id).model_id == first.model_id
    with Session.begin() as s:
        # deleting the active version hands over to the newest one left
        assert delete_version(s, project_id, first.model_id).version == 1
        assert [(v.version, v.active) for v in list_versions(s, project_id)] == [(2, True)]
    with Session.begin() as s:
        delete_version(s, project_id, second.model_id)
        assert list_versions(s, project_id) == []
    with Session.begin() as s:
        # numbers are never given twice: the coder "编码建议 v2" stays that model's
        assert train_suggester(s, project_id).version == 3
    with pytest.raises(BianmaError) as error, Session.begin() as s:
        activate_version(s, project_id, second.model_id)
    assert error.value.code == "E743"


def test_training_on_an_earlier_project_through_a_confirmed_mapping(Session):
    with Session.begin() as s:
        source = coded_demo(s)
        target = create_project(s, "移民访谈二期").id
        for path, definition in CODEBOOK:
            # the new codebook renamed one code
            add_code_path(s, target, path.replace("社会网络萎缩", "人际网络萎缩"),
                          definition=definition, is_codable="/" in path)
        [document_id] = add_interviews(s, target, interviews=[("访谈01", [
            ("访谈者", "您好，搬来几年了？", []), ("孙大娘", "三年了。", []),
            ("访谈者", "平时跟谁来往？", []),
            ("孙大娘", "老邻居都散了，亲戚也不常走动，认识的人越来越少。", [])])])
        rows = propose_code_mapping(s, target, [source, target])
        unmatched = [r for r in rows if r.match == "none"]
        renamed = find_code_by_path(s, target, "融入困境/人际网络萎缩").id
    assert [r.source_path for r in unmatched] == [NET]
    assert all(r.match == "path" for r in rows if r not in unmatched)
    with Session.begin() as s:
        result = train_suggester(s, target, [source, target], mapping={unmatched[0].source_code_id: renamed})
    meta = result.meta
    assert "融入困境/人际网络萎缩" in meta["classes"] and NET not in meta["classes"]
    assert meta["mapping"]["示例项目：非自愿移民的社区融合"][NET] == "融入困境/人际网络萎缩"
    assert [p["id"] for p in meta["projects"]] == [source, target]
    with Session() as s:
        found = suggest_for_document(s, target, document_id)
    answer = found.passages[3]
    assert answer.suggestions[0].code_id == renamed
    assert answer.suggestions[0].code_path == "融入困境/人际网络萎缩"


def test_held_out_split_keeps_documents_together_and_is_seeded():
    groups = [f"1:{d}" for d in range(10) for _ in range(4)]
    codes = [["a"]] * len(groups)
    train, test, split = held_out_split(groups, codes)
    assert split == "documents"
    assert len({groups[i] for i in test}) == 2
    assert not {groups[i] for i in test} & {groups[i] for i in train}
    again = held_out_split(groups, codes)
    assert (again[0] == train).all() and (again[1] == test).all()
    # with one document, passages are held out instead
    train, test, split = held_out_split(["1:1"] * 10, [["a"]] * 10)
    assert split == "passages" and (len(train), len(test)) == (8, 2)


def test_the_commands(Session, database_url, capsys, monkeypatch):
    import json

    import cli

    def run(*argv):
        code = cli.main([*argv, "--db", database_url, "--json"])
        out, err = capsys.readouterr()
        assert code == 0, err
        return json.loads(out)

    with Session.begin() as s:
        project_id = coded_demo(s)
        document_id = list_documents(s, project_id)[0].id
    trained = run("suggester", "train", "--project", str(project_id), "--from", str(project_id))
    assert (trained["version"], trained["coded_passages"]) == (1, 37)
    assert 0 <= trained["held_out"]["example_f1"] <= 1
    [version] = run("suggester", "versions", "--project", str(project_id))
    assert (version["version"], version["active"], version["projects"]) == (
        1, True, ["示例项目：非自愿移民的社区融合"])
    suggested = run("suggest", "--project", str(project_id), "--document", str(document_id), "--top", "2")
    assert suggested["model_label"] == "编码建议 v1"
    assert all(len(p["suggestions"]) <= 2 for p in suggested["passages"])
    coded = run("suggester", "code", "--project", str(project_id), "--documents", str(document_id))
    assert (coded["coder"], coded["documents"]) == ("编码建议 v1", 1) and coded["added"] > 0
    code = cli.main(["suggester", "activate", "--project", str(project_id), "--version", "7",
                     "--db", database_url])
    assert code == 2 and "[E743]" in capsys.readouterr().err
