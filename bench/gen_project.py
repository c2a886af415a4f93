"""Large, realistic projects for the benchmarks: real Chinese text, a template codebook, codings.

Interviews are built from CPED's dialogue turns (``../shared/bench/data/cped``): the
interviewer asks CPED's questions, an interviewee answers with a run of consecutive turns of
one dialogue, one speaker-labelled line per turn (``受访者：[00:03:15] …``), with timestamps on
every other document; one interview in four is a group interview (受访者A1…A3, a case per
speaker). Every ``notes_every``-th document is field notes made of paragraphs of the five
studies in ``../shared/seeds``. Every fifth file is encoded in GB18030, as Chinese
transcription services often deliver them.

How it writes. Projects, documents, cases, attributes and the codebook always go through the
domain functions (``create_project``, ``import_document``, ``create_case``, ``set_attributes``,
``attach_case``, ``apply_template``), so passages, sentences and tokens are exactly what an
import stores. Codings go through ``coding.codings.apply_codes`` and ``write_coding_memo``
(``mode="domain"``) or, for speed, in bulk (``mode="bulk"``): after the same checks (span inside
the text and not blank, codable code, one coding per coder, code and span), one multi-row
INSERT of the codings, one of their memos and one of the events those two functions would
have written (same payloads, one undo step per coding). For the same seed both modes store
the same codings, memos and events. The generated state is marked as the baseline of the
project's undo history, as the demo is. One transaction per document import and one for its
codings, as a researcher's session would commit them.

    .venv/bin/python bench/gen_project.py --db sqlite:///big.sqlite3 --transcripts 40 \
        --characters 25000 --density 10 --coders 3 [--mode bulk|domain] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from codebook.changes import snapshot
from codebook.templates import apply_template
from coding.codings import _excerpt, apply_codes, check_span, write_coding_memo
from coding.undo import mark_baseline
from corpus import _engine_hmm
from corpus.cases import attach_case, create_case, define_attribute, set_attributes
from corpus.documents import import_document
from corpus.projects import create_project
from storage import audit
from storage.tables import Code, Coding, Document, Event, Memo, Passage, utcnow

SHARED = Path(__file__).resolve().parents[2] / "shared"
INTERVIEWER = "访谈者"
CODER_NAMES = ("编码员甲", "编码员乙", "编码员丙", "编码员丁", "编码员戊", "编码员己")
ATTRIBUTES = (("性别", "text"), ("年龄", "number"), ("安置社区", "text"), ("搬迁年份", "number"))
COMMUNITIES = ("幸福小区", "新安小区", "和谐家园", "阳光社区", "江景苑")
_END_PUNCTUATION = "。！？…”"
_SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]")
_HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Spec:
    """What to generate. ``density`` is codings per 1,000 characters of document text."""

    transcripts: int = 4
    characters: int = 25_000
    density: float = 10.0
    coders: int = 3
    template: str = "migrant-integration"
    notes_every: int = 10
    group_every: int = 4
    double_coded: float = 0.3
    memo_share: float = 0.02
    seed: int = 1
    name: str = "规模测试项目"
    mode: str = "bulk"


@dataclass
class Generated:
    project_id: int
    document_ids: list[int] = field(default_factory=list)
    characters: int = 0
    passages: int = 0
    codings: int = 0
    memos: int = 0
    seconds: dict[str, float] = field(default_factory=lambda: {"import": 0.0, "codings": 0.0})


# --- text sources -------------------------------------------------------------------------


def _clause(text: str, question: bool) -> str:
    # CPED separates clauses with spaces (subtitles); a transcript writes commas.
    text = "，".join(text.split())
    if text and text[-1] not in _END_PUNCTUATION + "，":
        text += "？" if question else "。"
    return text


@cache
def cped_dialogues(shared: Path = SHARED) -> tuple[tuple[tuple[str, bool], ...], ...]:
    """CPED's dialogues in turn order, each turn as (text, is a question)."""
    dialogues: dict[str, list[tuple[int, str, bool]]] = {}
    for split in ("train", "test"):
        with open(shared / "bench" / "data" / "cped" / f"{split}.jsonl", encoding="utf-8") as f:
            for record in map(json.loads, f):
                question = "DA/question" in record.get("codes", ())
                text = _clause(record["text"], question)
                if text:
                    dialogues.setdefault(record["doc"], []).append((record["turn"], text, question))
    return tuple(tuple((text, q) for _, text, q in sorted(turns)) for turns in dialogues.values()
                 if len(turns) >= 3)


@cache
def cped_questions(shared: Path = SHARED) -> tuple[str, ...]:
    """CPED turns tagged as questions: what the interviewer asks."""
    return tuple(text for dialogue in cped_dialogues(shared) for text, question in dialogue
                 if question and len(text) >= 6)


@cache
def seed_sentences(shared: Path = SHARED) -> tuple[str, ...]:
    """Chinese sentences of the five studies (lines mostly in Han characters)."""
    sentences = []
    for path in sorted((shared / "seeds").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if len(_HAN.findall(line)) < 0.6 * max(len(line), 1):
                continue
            sentences.extend(s.strip() for s in _SENTENCE.findall(line) if len(s.strip()) >= 8)
    return tuple(sentences)


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def interview(rng: random.Random, characters: int, *, group: bool,
              timestamps: bool) -> tuple[str, list[str]]:
    """A transcript of at least ``characters`` characters, and the speaker of each turn."""
    dialogues, questions = cped_dialogues(), cped_questions()
    interviewees = ["受访者A1", "受访者A2", "受访者A3"] if group else ["受访者"]
    lines, speakers, length, clock = [], [], 0, rng.randint(0, 30)
    while length < characters:
        if len(speakers) % 2 == 0:
            speaker, body = INTERVIEWER, rng.choice(questions)
        else:
            speaker = rng.choice(interviewees)
            dialogue = rng.choice(dialogues)
            first = rng.randrange(len(dialogue))
            body = "".join(text for text, _ in dialogue[first:first + rng.randint(2, 10)])
        stamp = f"[{_clock(clock)}] " if timestamps else ""
        lines.append(f"{speaker}：{stamp}{body}")
        speakers.append(speaker)
        length += len(lines[-1]) + 1
        clock += len(body) // 4 + rng.randint(1, 6)
    return "\n".join(lines) + "\n", speakers


def field_notes(rng: random.Random, characters: int) -> tuple[str, int]:
    """Observation notes of at least ``characters`` characters, and their paragraph count."""
    sentences = seed_sentences()
    paragraphs, length = [], 0
    while length < characters:
        first = rng.randrange(len(sentences))
        paragraphs.append("".join(sentences[first:first + rng.randint(3, 6)]))
        length += len(paragraphs[-1]) + 2
    return "\n\n".join(paragraphs) + "\n", len(paragraphs)


# --- codings --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlannedCoding:
    start: int
    end: int
    code_id: int
    coder: str
    memo: str = ""


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _span(rng: random.Random, passages: list[Passage], chosen: int) -> tuple[int, int]:
    """A whole turn, a run of its sentences, a phrase in it, or a span into the next turn."""
    passage = passages[chosen]
    kind = rng.random()
    if kind < 0.35 or not passage.sentences:
        return passage.start, passage.end
    if kind < 0.80:
        first = rng.randrange(len(passage.sentences))
        last = min(len(passage.sentences) - 1, first + rng.randint(0, 2))
        return passage.sentences[first][0], passage.sentences[last][1]
    if kind < 0.95 or chosen + 1 == len(passages):
        start = rng.randrange(passage.start, max(passage.start + 1, passage.end - 1))
        return start, min(passage.end, start + rng.randint(4, 60))
    return passage.sentences[-1][0], passages[chosen + 1].end


def plan_codings(rng: random.Random, document: Document, count: int, codes: list[int],
                 weights: list[float], coders: list[str], spec: Spec) -> list[PlannedCoding]:
    """``count`` codings of ``document`` (fewer only if the text has no room for them)."""
    passages = [p for p in document.passages if p.end > p.start]
    # Interviewees' turns carry the material; interviewers' questions are coded now and then.
    turn_weights = [(p.end - p.start) * (0.15 if p.speaker == INTERVIEWER else 1.0) for p in passages]
    notes = seed_sentences()
    planned: dict[tuple[int, int, int, str], PlannedCoding] = {}
    attempts = 0
    while len(planned) < count and passages and attempts < 20 * count:
        attempts += 1
        chosen = rng.choices(range(len(passages)), turn_weights)[0]
        start, end = _trim(document.text, *_span(rng, passages, chosen))
        if not document.text[start:end].strip():
            continue
        code, coder = rng.choices(codes, weights)[0], rng.choice(coders)
        pairs = [(code, coder)]
        if len(coders) > 1 and rng.random() < spec.double_coded:
            # A second coder on the same span: mostly the same code, sometimes another.
            other = rng.choice([c for c in coders if c != coder])
            pairs.append((code if rng.random() < 0.7 else rng.choices(codes, weights)[0], other))
        for code_id, who in pairs:
            key = (start, end, code_id, who)
            if key not in planned and len(planned) < count:
                memo = rng.choice(notes) if rng.random() < spec.memo_share else ""
                planned[key] = PlannedCoding(start, end, code_id, who, memo)
    return list(planned.values())


def _code_weights(rng: random.Random, codes: list[int]) -> tuple[list[int], list[float]]:
    # A few codes are used a lot, most rarely (roughly Zipf), as in a real codebook.
    order = codes[:]
    rng.shuffle(order)
    return order, [1 / (rank + 1) ** 0.8 for rank in range(len(order))]


def store_domain(Session: sessionmaker[Session], document_id: int,
                 planned: list[PlannedCoding]) -> None:
    """Through the functions the coding page calls: one action, one transaction per coding."""
    for coding in planned:
        with Session.begin() as session:
            stored = apply_codes(session, document_id, coding.start, coding.end, [coding.code_id],
                                 coder=coding.coder)
            coding_id = stored[0].id
        if coding.memo:
            with Session.begin() as session:
                write_coding_memo(session, coding_id, coding.memo, coder=coding.coder)


def _step(key: str, text: str, **params) -> dict:
    """A step of its own, named as ``changes.name_step`` names it (the undo button's label)."""
    return {"step": uuid.uuid4().hex, "label": {"key": key, "params": {**params, "text": _excerpt(text)}}}


def store_bulk(session: Session, document: Document, planned: list[PlannedCoding]) -> None:
    """The rows ``store_domain`` writes, in three executemany INSERTs."""
    codable = set(session.scalars(select(Code.id).where(
        Code.project_id == document.project_id, Code.is_codable.is_(True))))
    who = {name: audit.coder_id(session, name) for name in dict.fromkeys(c.coder for c in planned)}
    now = utcnow()
    rows = []
    for coding in planned:
        check_span(document, coding.start, coding.end)
        if coding.code_id not in codable:
            raise ValueError(f"code {coding.code_id} is not a codable code of the project")
        rows.append({"document_id": document.id, "code_id": coding.code_id,
                     "coder_id": who[coding.coder], "start": coding.start, "end": coding.end,
                     "provenance": "manual", "model_id": None, "created_at": now})
    if len({(r["code_id"], r["coder_id"], r["start"], r["end"]) for r in rows}) != len(rows):
        raise ValueError("a coder's coding is planned twice")
    if not rows:
        return
    if session.scalar(select(Coding.id).where(Coding.document_id == document.id).limit(1)):
        raise ValueError("bulk codings go into a document that has none yet")
    # A plain executemany: on SQLite, INSERT … RETURNING in parameter order falls back to one
    # statement per row. The ids are read back by each coding's unique key instead.
    session.execute(insert(Coding), rows)
    found = {(code, coder, start, end): id_ for id_, code, coder, start, end in session.execute(
        select(Coding.id, Coding.code_id, Coding.coder_id, Coding.start, Coding.end)
        .where(Coding.document_id == document.id))}
    ids = [found[(r["code_id"], r["coder_id"], r["start"], r["end"])] for r in rows]
    events = []
    for row, coding_id in zip(rows, ids):
        text = document.text[row["start"]:row["end"]]
        events.append({
            "project_id": document.project_id, "coder_id": row["coder_id"], "at": now,
            "action": "add", "entity": "coding", "entity_id": coding_id,
            "payload": {"document_id": document.id, "code_id": row["code_id"], "start": row["start"],
                        "end": row["end"], "row": snapshot(Coding(id=coding_id, **row)),
                        **_step("history.apply", text, count=1)},
        })
    memos = [(coding_id, row, coding.memo.strip())
             for coding_id, row, coding in zip(ids, rows, planned) if coding.memo.strip()]
    if memos:
        memo_rows = [{"project_id": document.project_id, "document_id": None, "code_id": None,
                      "coding_id": coding_id, "author_id": row["coder_id"], "text": text,
                      "created_at": now, "updated_at": now} for coding_id, row, text in memos]
        session.execute(insert(Memo), memo_rows)
        by_coding = dict(session.execute(select(Memo.coding_id, Memo.id).where(
            Memo.coding_id.in_([coding_id for coding_id, _, _ in memos]))).all())
        memo_ids = [by_coding[coding_id] for coding_id, _, _ in memos]
        for memo_id, memo_row, (coding_id, row, text) in zip(memo_ids, memo_rows, memos):
            events.append({
                "project_id": document.project_id, "coder_id": row["coder_id"], "at": now,
                "action": "memo", "entity": "coding", "entity_id": coding_id,
                "payload": {"before": "", "after": text, "before_row": None,
                            "after_row": snapshot(Memo(id=memo_id, **memo_row)),
                            **_step("history.coding_memo", document.text[row["start"]:row["end"]])},
            })
    session.execute(insert(Event), events)


# --- the project ----------------------------------------------------------------------------


def coder_names(count: int) -> list[str]:
    return [CODER_NAMES[i] if i < len(CODER_NAMES) else f"编码员{i + 1}" for i in range(count)]


def _setup(session: Session, spec: Spec) -> tuple[int, list[int]]:
    project = create_project(session, spec.name, description="bench/gen_project.py")
    apply_template(session, project.id, spec.template)
    for name, kind in ATTRIBUTES:
        define_attribute(session, project.id, name, kind)
    codes = session.scalars(select(Code.id).where(Code.project_id == project.id,
                                                  Code.is_codable.is_(True)).order_by(Code.id))
    return project.id, list(codes)


def _check_turns(document: Document, speakers: list[str] | None, paragraphs: int) -> None:
    """The parser must find the turns the generator wrote, or the figures mean nothing."""
    found = [p.speaker for p in document.passages]
    if speakers is not None and found != speakers:
        raise RuntimeError(f"{document.name}: parsed {len(found)} turns, wrote {len(speakers)}")
    if speakers is None and len(found) != paragraphs:
        raise RuntimeError(f"{document.name}: parsed {len(found)} paragraphs, wrote {paragraphs}")


def _add_cases(session: Session, rng: random.Random, project_id: int, document: Document,
               number: int, speakers: list[str] | None) -> None:
    if speakers is None:
        return
    interviewees = sorted(set(speakers) - {INTERVIEWER})
    for speaker in interviewees:
        suffix = speaker.removeprefix("受访者")
        case = create_case(session, project_id, f"受访者{number:04d}{suffix}")
        set_attributes(session, project_id, case.id, {
            "性别": rng.choice("男女"), "年龄": str(rng.randint(18, 85)),
            "安置社区": rng.choice(COMMUNITIES), "搬迁年份": str(rng.randint(2012, 2023))})
        attach_case(session, project_id, case.id, document.id,
                    speaker=speaker if len(interviewees) > 1 else None)


def generate(Session: sessionmaker[Session], spec: Spec, *, cold_cache: bool = False) -> Generated:
    """Create the project ``spec`` describes; returns its ids, sizes and times per phase.

    ``cold_cache`` empties the tokenizer's memo of HMM decodings before each import, so text
    the generator repeats from its pool is not cut faster than new text would be.
    """
    if spec.mode not in ("bulk", "domain"):
        raise ValueError(f"unknown mode {spec.mode!r}")
    rng = random.Random(spec.seed)
    with Session.begin() as session:
        project_id, codable = _setup(session, spec)
    result = Generated(project_id)
    codes, weights = _code_weights(rng, codable)
    coders = coder_names(spec.coders)
    for number in range(1, spec.transcripts + 1):
        notes = spec.notes_every > 0 and number % spec.notes_every == 0
        if notes:
            text, paragraphs = field_notes(rng, spec.characters)
            speakers, filename = None, f"观察笔记{number:04d}.txt"
        else:
            group = spec.group_every > 0 and number % spec.group_every == 0
            text, speakers = interview(rng, spec.characters, group=group, timestamps=number % 2 == 1)
            paragraphs, filename = 0, f"访谈{number:04d}.txt"
        data = text.encode("gb18030" if number % 5 == 0 else "utf-8")
        if cold_cache:
            _engine_hmm.clear_cache()
        began = time.perf_counter()
        with Session.begin() as session:
            document = import_document(session, project_id, filename, data,
                                       kind="notes" if notes else "interview")
            document_id = document.id
        result.seconds["import"] += time.perf_counter() - began
        began = time.perf_counter()
        with Session.begin() as session:
            document = session.get(Document, document_id)
            _check_turns(document, speakers, paragraphs)
            _add_cases(session, rng, project_id, document, number, speakers)
            planned = plan_codings(rng, document, round(len(document.text) * spec.density / 1000),
                                   codes, weights, coders, spec)
            result.passages += len(document.passages)
            if spec.mode == "bulk":
                store_bulk(session, document, planned)
        if spec.mode == "domain":
            store_domain(Session, document_id, planned)
        result.seconds["codings"] += time.perf_counter() - began
        result.document_ids.append(document_id)
        result.characters += len(text)
        result.codings += len(planned)
        result.memos += sum(1 for c in planned if c.memo.strip())
    with Session.begin() as session:
        mark_baseline(session, project_id)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="database URL (sqlite:///… or postgresql://…)")
    for name, default in Spec.__dataclass_fields__.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(default.default),
                            default=default.default)
    args = parser.parse_args()
    from storage.engine import make_engine, make_sessionmaker
    from storage.migrate import upgrade

    engine = make_engine(args.db)
    upgrade(engine)
    spec = Spec(**{name: getattr(args, name) for name in Spec.__dataclass_fields__})
    began = time.perf_counter()
    made = generate(make_sessionmaker(engine), spec)
    print(f"project {made.project_id} “{spec.name}”: {len(made.document_ids)} documents, "
          f"{made.characters:,} characters, {made.passages:,} passages, {made.codings:,} codings, "
          f"{made.memos} memos, {spec.coders} coders ({spec.mode}) in "
          f"{time.perf_counter() - began:.1f} s (import {made.seconds['import']:.1f} s, "
          f"codings {made.seconds['codings']:.1f} s)")
    engine.dispose()


if __name__ == "__main__":
    main()
