"""Benchmark: the suggester through the store, as the coding and review pages use it.

Builds a project from real coded dialogue (CPED train turns: one document per dialogue, one
passage per turn, its DA/… and Emotion/… codes as codings) plus uncoded dialogues from the
CPED test split, then prints:

- cold start: p50/p95 ms of ``suggest_for_passage`` before any model (codebook matcher);
- training through ``train_suggester`` on the coded turns (gather, held-out report, fit, save);
- p50/p95 ms of one ``suggest_for_passage`` (queries, cached model, the turn with its two
  neighbours, reasons) on uncoded turns, the first call (model load) reported apart, and of
  the model's own ``suggest`` on the same three turns (what the store adds is the difference);
- ms per passage of ``suggest_for_document`` and the time of one ``review_queue``.

    .venv/bin/python bench/suggest_latency.py [--passages 10000] [--db URL] [--shared PATH]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import select

from codebook.codes import add_code_path
from coding.suggester_training import train_suggester
from coding.suggestions import review_queue, suggest_for_document, suggest_for_passage
from corpus.dictionary import project_tokenizer
from corpus.projects import create_project
from storage import audit
from storage.engine import make_engine, make_sessionmaker
from storage.migrate import upgrade
from storage.tables import Coding, Document, Passage

ROOT = Path(__file__).resolve().parents[1]
UNCODED_DIALOGUES = 60


def read_dialogues(path: Path, limit: int | None) -> list[list[dict]]:
    dialogues: dict[str, list[dict]] = {}
    taken = 0
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if limit is not None and taken >= limit and record["doc"] not in dialogues:
                break
            dialogues.setdefault(record["doc"], []).append(record)
            taken += 1
    return list(dialogues.values())


def add_dialogues(session, project, dialogues, codes, coder_id, *, coded: bool) -> list[int]:
    tokenizer = project_tokenizer(project)
    ids = []
    for position, turns in enumerate(dialogues):
        text, spans = "", []
        for turn in turns:
            prefix = f"{turn['speaker']}："
            start = len(text) + len(prefix)
            text += prefix + turn["text"] + "\n"
            spans.append((start, start + len(turn["text"])))
        words = tokenizer.lcut_many([turn["text"] for turn in turns])
        document = Document(
            project_id=project.id, name=f"{'coded' if coded else 'new'}_{turns[0]['doc']}",
            kind="interview", original_filename="cped.txt", encoding="utf-8", text=text,
            position=position, dictionary_version=tokenizer.dictionary_version,
            passages=[Passage(index=i, start=s, end=e, speaker=turn["speaker"], sentences=[[s, e]],
                              token_lengths=[len(w) for w in cut])
                      for i, ((s, e), turn, cut) in enumerate(zip(spans, turns, words))])
        session.add(document)
        session.flush()
        if coded:
            session.add_all(Coding(document_id=document.id, code_id=codes[code], coder_id=coder_id,
                                   start=s, end=e)
                            for (s, e), turn in zip(spans, turns) for code in turn["codes"])
        ids.append(document.id)
    return ids


def percentiles(values: list[float]) -> str:
    return f"p50 {np.percentile(values, 50):7.1f} ms   p95 {np.percentile(values, 95):7.1f} ms"


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, 1000 * (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=10_000)
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    data = args.shared / "bench" / "data" / "cped"
    folder = tempfile.TemporaryDirectory(prefix="bianma-bench-")
    engine = make_engine(args.db or f"sqlite:///{folder.name}/bench.sqlite3")
    upgrade(engine)
    Session = make_sessionmaker(engine)

    coded = read_dialogues(data / "train.jsonl", args.passages)
    uncoded = read_dialogues(data / "test.jsonl", None)[:UNCODED_DIALOGUES]
    started = time.perf_counter()
    with Session.begin() as s:
        project = create_project(s, f"CPED bench {time.time():.0f}")
        paths = sorted({code for turns in coded for turn in turns for code in turn["codes"]})
        codes = {path: add_code_path(s, project.id, path).id for path in paths}
        coder_id = audit.coder_id(s, "标注者")
        add_dialogues(s, project, coded, codes, coder_id, coded=True)
        new_documents = add_dialogues(s, project, uncoded, codes, coder_id, coded=False)
        project_id = project.id
    n_coded = sum(len(turns) for turns in coded)
    print(f"project: {n_coded} coded turns in {len(coded)} dialogues, "
          f"{sum(len(t) for t in uncoded)} uncoded turns in {len(uncoded)}; built in "
          f"{time.perf_counter() - started:.1f} s")

    with Session() as s:
        passages = s.scalars(select(Passage.id).where(Passage.document_id.in_(new_documents))).all()
    rng = np.random.default_rng(0)
    sample = [int(p) for p in rng.choice(passages, size=min(args.samples, len(passages)), replace=False)]

    with Session() as s:
        _, first = timed(suggest_for_passage, s, sample[0])
        cold = [timed(suggest_for_passage, s, p)[1] for p in sample[:100]]
    print(f"cold start suggest_for_passage: first {first:.0f} ms, then {percentiles(cold)}")

    with Session.begin() as s:
        result, ms = timed(train_suggester, s, project_id)
    seconds = result.meta["seconds"]
    held_out = result.meta["held_out"]
    print(f"train_suggester on {result.meta['passages']} passages: {ms / 1000:.1f} s "
          f"(gather {seconds['gather']:.1f}, held-out {seconds['evaluate']:.1f}, fit {seconds['fit']:.1f}); "
          f"model file {_blob_size(Session, result.model_id) / 1e6:.1f} MB")
    print("held out: " + "  ".join(f"{k} {held_out[k]:.3f}" for k in ("example_f1", "p_at_1", "r_at_3")))

    with Session() as s:
        _, first = timed(suggest_for_passage, s, sample[0])
        latencies = [timed(suggest_for_passage, s, p)[1] for p in sample]
        model_only = [timed(loaded_model(s, project_id).model.suggest, batch, top_k=3)[1]
                      for batch in (neighbourhood(s, p) for p in sample)]
        per_document = []
        for document_id in new_documents[:20]:
            found, ms = timed(suggest_for_document, s, project_id, document_id)
            per_document.append(ms / max(len(found.passages), 1))
        queue, queue_ms = timed(review_queue, s, project_id, limit=20)
        _, queue_again = timed(review_queue, s, project_id, limit=20)
    print(f"suggest_for_passage (trained): first call {first:.0f} ms (loads the model), then "
          f"{percentiles(latencies)}   target p95 <= 20 ms")
    print(f"  of which the model's own suggest() on the turn and its neighbours: {percentiles(model_only)}")
    print(f"suggest_for_document: {np.mean(per_document):.2f} ms per passage")
    print(f"review_queue over {queue.remaining} uncoded passages: {queue_ms:.0f} ms first, "
          f"{queue_again:.0f} ms again (scores cached per document)")
    engine.dispose()
    folder.cleanup()


def loaded_model(session, project_id: int):
    from coding.suggester_loading import current_suggester

    return current_suggester(session, project_id)


def neighbourhood(session, passage_id: int):
    """The passages ``suggest_for_passage`` scores: the turn and the ones before and after."""
    from coding.suggester_loading import passage_rows
    from coding.suggester_training import stored_passage

    passage = session.get(Passage, passage_id)
    rows = passage_rows(session, (Passage.document_id == passage.document_id)
                        & Passage.index.between(passage.index - 1, passage.index + 1))
    return [stored_passage(row, passage.document.text, str(passage.document_id)) for row in rows]


def _blob_size(Session, model_id: int) -> int:
    from storage.tables import SuggesterModel

    with Session() as s:
        return len(s.get(SuggesterModel, model_id).blob)


if __name__ == "__main__":
    main()
