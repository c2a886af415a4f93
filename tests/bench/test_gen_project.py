"""The benchmark project generator keeps the store's invariants, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from bench.gen_project import INTERVIEWER, Spec, coder_names, cped_dialogues, generate
from codebook.templates import load_template
from coding.codings import project_codings
from storage.tables import (
    AttributeValue, Case, Code, Coder, Coding, Document, Event, Memo, Passage, Project,
)

# Four documents: 2 and 4 are group interviews, 3 is field notes.
SMALL = Spec(transcripts=4, characters=3_000, density=12.0, coders=3, notes_every=3, group_every=2,
             memo_share=0.1, seed=7)


@pytest.fixture
def generated(Session):
    return generate(Session, SMALL)


def test_every_coding_is_a_non_blank_span_of_its_document(Session, generated):
    with Session() as s:
        segments = project_codings(s, generated.project_id)
        texts = dict(s.execute(select(Document.id, Document.text)).all())
    assert len(segments) == generated.codings > 0
    for segment in segments:
        text = texts[segment.document_id]
        assert 0 <= segment.start < segment.end <= len(text)
        assert text[segment.start:segment.end] == segment.text
        assert segment.text.strip() == segment.text != ""


def test_sizes_density_and_coders_are_as_asked(Session, generated):
    with Session() as s:
        documents = s.scalars(select(Document).order_by(Document.position)).all()
        per_document = dict(s.execute(
            select(Coding.document_id, func.count()).group_by(Coding.document_id)).all())
        coders = set(s.scalars(select(Coder.name).join(Coding, Coding.coder_id == Coder.id)))
        passages = s.scalar(select(func.count(Passage.id)))
    assert [d.name for d in documents] == ["访谈0001", "访谈0002", "观察笔记0003", "访谈0004"]
    assert [d.kind for d in documents] == ["interview", "interview", "notes", "interview"]
    assert all(len(d.text) >= SMALL.characters for d in documents)
    assert generated.characters == sum(len(d.text) for d in documents)
    for document in documents:
        assert per_document[document.id] == round(len(document.text) * SMALL.density / 1000)
    assert generated.codings == sum(per_document.values())
    assert generated.passages == passages
    assert coders == set(coder_names(3))


def test_codes_come_from_the_template_and_are_codable(Session, generated):
    template = load_template(SMALL.template)
    with Session() as s:
        project = s.get(Project, generated.project_id)
        codes = s.scalars(select(Code).where(Code.project_id == project.id)).all()
        used = set(s.scalars(select(Coding.code_id)))
    assert len(codes) == len(template.codes)
    codable = {c.id for c in codes if c.is_codable}
    assert used <= codable
    assert len(used) > 5


def test_no_coder_codes_the_same_span_with_the_same_code_twice(Session, generated):
    with Session() as s:
        keys = s.execute(select(Coding.document_id, Coding.code_id, Coding.coder_id, Coding.start,
                                Coding.end)).all()
        double = s.execute(
            select(Coding.document_id, Coding.start, Coding.end)
            .group_by(Coding.document_id, Coding.start, Coding.end)
            .having(func.count(func.distinct(Coding.coder_id)) > 1)).all()
    assert len(keys) == len(set(keys))
    assert double, "some spans should be coded by two coders, for agreement"


def test_turns_speakers_and_cases_follow_the_transcripts(Session, generated):
    with Session() as s:
        group = s.scalar(select(Document).where(Document.name == "访谈0002"))
        single = s.scalar(select(Document).where(Document.name == "访谈0001"))
        notes = s.scalar(select(Document).where(Document.kind == "notes"))
        group_speakers = {p.speaker for p in group.passages}
        group_cases = {p.speaker: p.case_id for p in group.passages if p.speaker != INTERVIEWER}
        case_names = dict(s.execute(select(Case.id, Case.name)).all())
        values = s.scalar(select(func.count()).select_from(AttributeValue))
        single_case = single.case_id
        notes_speakers = {p.speaker for p in notes.passages}
    assert group_speakers <= {INTERVIEWER, "受访者A1", "受访者A2", "受访者A3"}
    assert len(group_speakers) >= 3
    assert all(case_names[case] == f"受访者0002{speaker.removeprefix('受访者')}"
               for speaker, case in group_cases.items())
    assert case_names[single_case] == "受访者0001"
    assert notes_speakers == {None}
    assert values == 4 * len(case_names)


def test_events_and_memos_match_the_codings(Session, generated):
    with Session() as s:
        codings = {c.id: c for c in s.scalars(select(Coding))}
        added = s.scalars(select(Event).where(Event.entity == "coding", Event.action == "add")).all()
        memos = s.scalars(select(Memo)).all()
        memo_events = s.scalar(select(func.count(Event.id)).where(Event.action == "memo"))
        baseline = s.scalar(select(func.max(Event.id)).where(Event.action == "baseline"))
        last = s.scalar(select(func.max(Event.id)))
    assert sorted(e.entity_id for e in added) == sorted(codings)
    for event in added:
        coding = codings[event.entity_id]
        assert (event.payload["start"], event.payload["end"]) == (coding.start, coding.end)
        assert event.payload["row"]["code_id"] == coding.code_id
        assert event.payload["label"]["key"] == "history.apply"
    assert len({e.payload["step"] for e in added}) == len(added)
    assert memos and len(memos) == generated.memos == memo_events
    assert all(m.coding_id in codings for m in memos)
    assert baseline == last


def test_bulk_and_domain_modes_store_the_same_project(Session):
    spec = Spec(transcripts=2, characters=1_500, density=10.0, coders=2, notes_every=0,
                group_every=2, memo_share=0.2, seed=3)
    bulk = generate(Session, spec)
    domain = generate(Session, replace(spec, mode="domain", name="领域函数写入"))

    def content(project_id):
        with Session() as s:
            codings = sorted((c.document, c.code_path, c.coder, c.start, c.end, c.text, c.memo)
                             for c in project_codings(s, project_id))
            events = Counter(s.execute(
                select(Event.action, Event.entity).where(Event.project_id == project_id)).all())
        return codings, events

    assert content(bulk.project_id) == content(domain.project_id)
    assert bulk.codings == domain.codings > 0


def test_transcripts_are_made_of_cped_turns():
    dialogues = cped_dialogues()
    assert len(dialogues) > 1000
    assert all(text.strip() and " " not in text for dialogue in dialogues[:50] for text, _ in dialogue)


def test_list_documents_summarises_a_generated_project_in_a_few_queries(Session, generated):
    """The documents list every page shows, against a walk over the stored rows."""
    from sqlalchemy import event

    from corpus.documents import list_documents

    with Session() as s:
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(s.get_bind(), "before_cursor_execute", listener)
        try:
            summaries = list_documents(s, generated.project_id)
        finally:
            event.remove(s.get_bind(), "before_cursor_execute", listener)
        documents = s.scalars(select(Document).order_by(Document.position)).all()
        expected = []
        for d in documents:
            expected.append((
                d.id, d.name, d.kind, len(d.text), len(d.passages),
                list(dict.fromkeys(p.speaker for p in d.passages if p.speaker)),
                s.scalar(select(func.count(Coding.id)).where(Coding.document_id == d.id)),
                s.get(Case, d.case_id).name if d.case_id else None,
            ))
    assert [(x.id, x.name, x.kind, x.characters, x.passages, x.speakers, x.codings, x.case)
            for x in summaries] == expected
    assert expected[1][5][0] == INTERVIEWER and len(expected[1][5]) >= 3
    # Queries, whatever the engine adds around them (BEGIN on SQLite).
    assert sum(1 for sql in statements if sql.lstrip().upper().startswith("SELECT")) <= 5
