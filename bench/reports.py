"""Benchmark: frequency report, matrices and co-occurrence over 200,000 codings.

Generates a project (400 interviews of 60 turns, a quarter of them group interviews with a
case per speaker, 90 codes in two levels, 3 coders, 200,000 codings) on SQLite and, when the
PostgreSQL server binaries are installed, on a throw-away PostgreSQL server; then times each
report (best of three runs, after one warm-up) and prints the figures. Target: ≤ 1 s each.

    .venv/bin/python bench/reports.py [--codings 200000] [--sqlite-only]
"""

from __future__ import annotations

import sys
from pathlib import Path

# The PostgreSQL run borrows the test suite's throw-away server.
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from sqlalchemy import insert  # noqa: E402

from coding.cooccurrence import code_cooccurrence  # noqa: E402
from coding.filters import CodingFilter  # noqa: E402
from coding.frequencies import code_frequencies  # noqa: E402
from coding.matrices import code_attribute_matrix, code_document_matrix  # noqa: E402
from storage.engine import make_engine, make_sessionmaker  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.tables import (  # noqa: E402
    AttributeDefinition, AttributeValue, Case, Code, Coder, Coding, Document, Passage, Project,
)

DOCUMENTS, TURNS, TURN_LENGTH = 400, 60, 60
HAN = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所"
    "民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日"
    "那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想"
    "已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指"
    "几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权"
    "收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集"
    "温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支"
    "般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属"
    "圆包火住调满县局照参红细引听该铁价严"
)
PUNCTUATION = "，。？"


def turn_text(rng: random.Random) -> str:
    """About 60 characters in three sentences."""
    sentences = []
    for _ in range(3):
        body = "".join(rng.choice(HAN) for _ in range(TURN_LENGTH // 3 - 1))
        sentences.append(body + rng.choice(PUNCTUATION))
    return "".join(sentences)


def generate(Session, codings: int, seed: int = 1) -> int:
    rng = random.Random(seed)
    with Session.begin() as s:
        project = Project(name="基准测试项目", description="bench/reports.py")
        s.add(project)
        s.flush()
        coders = [Coder(name=name) for name in ("编码员甲", "编码员乙", "编码员丙")]
        s.add_all(coders)
        parents = [Code(project_id=project.id, name=f"类别{p}", position=p, guid=f"p-{p}")
                   for p in range(10)]
        s.add_all(parents)
        s.flush()
        children = [Code(project_id=project.id, parent_id=parent.id, name=f"代码{p}-{c}", position=c,
                         guid=f"c-{p}-{c}") for p, parent in enumerate(parents) for c in range(8)]
        s.add_all(children)
        definitions = [AttributeDefinition(project_id=project.id, name=name, type=kind)
                       for name, kind in (("性别", "text"), ("年龄", "number"), ("安置社区", "text"))]
        s.add_all(definitions)
        s.flush()
        code_ids = [c.id for c in children] + [p.id for p in parents]
        case_number = 0

        def new_case() -> int:
            nonlocal case_number
            case_number += 1
            case = Case(project_id=project.id, name=f"个案{case_number:04d}")
            s.add(case)
            s.flush()
            s.execute(insert(AttributeValue), [
                {"case_id": case.id, "attribute_id": definitions[0].id, "value": rng.choice("男女")},
                {"case_id": case.id, "attribute_id": definitions[1].id, "value": str(rng.randint(18, 85))},
                {"case_id": case.id, "attribute_id": definitions[2].id,
                 "value": rng.choice(["幸福小区", "新安小区", "和谐家园", "阳光社区"])},
            ])
            return case.id

        per_document = codings // DOCUMENTS
        coding_rows = []
        for number in range(DOCUMENTS):
            group = number % 4 == 0
            speakers = ["访谈者", "受访者甲", "受访者乙", "受访者丙"] if group else ["访谈者", "受访者"]
            speaker_cases = {name: new_case() for name in speakers[1:]} if group else {}
            lines, passages, offset = [], [], 0
            for index in range(TURNS):
                speaker = speakers[0] if index % 2 == 0 else rng.choice(speakers[1:])
                body = turn_text(rng)
                start = offset + len(speaker) + 1
                third = len(body) // 3
                passages.append({
                    "index": index, "start": start, "end": start + len(body), "speaker": speaker,
                    "case_id": speaker_cases.get(speaker),
                    "sentences": [[start + k * third, start + (k + 1) * third] for k in range(3)],
                    "token_lengths": [],
                })
                lines.append(f"{speaker}：{body}")
                offset += len(speaker) + 1 + len(body) + 1
            document = Document(project_id=project.id, name=f"访谈{number:04d}", kind="interview",
                                original_filename=f"{number}.txt", encoding="utf-8",
                                text="\n".join(lines) + "\n", position=number,
                                case_id=None if group else new_case())
            s.add(document)
            s.flush()
            s.execute(insert(Passage), [{**p, "document_id": document.id} for p in passages])
            for _ in range(per_document):
                passage = rng.choice(passages)
                start = rng.randrange(passage["start"], passage["end"] - 4)
                end = min(passage["end"], start + rng.randint(4, 40))
                if rng.random() < 0.05:  # now and then a coding runs into the next turn
                    end = min(len(document.text), end + 80)
                coding_rows.append({"document_id": document.id, "code_id": rng.choice(code_ids),
                                    "coder_id": rng.choice(coders).id, "start": start, "end": end,
                                    "provenance": "manual"})
        for chunk in range(0, len(coding_rows), 20_000):
            s.execute(insert(Coding), coding_rows[chunk:chunk + 20_000])
        return project.id


def timed(Session, function, *args, **kwargs) -> tuple[float, float, object]:
    """Best wall-clock time of three runs, and this process's CPU time in that run."""
    with Session() as s:
        function(s, *args, **kwargs)  # warm-up: first query plans, imports
    best, result = (float("inf"), 0.0), None
    for _ in range(3):
        with Session() as s:
            wall, cpu = time.perf_counter(), time.process_time()
            result = function(s, *args, **kwargs)
            best = min(best, (time.perf_counter() - wall, time.process_time() - cpu))
    return best[0], best[1], result


def run(label: str, url: str, codings: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    Session = make_sessionmaker(engine)
    began = time.perf_counter()
    project_id = generate(Session, codings)
    print(f"\n{label}: generated {codings:,} codings in {time.perf_counter() - began:.1f} s; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    women = CodingFilter.of(attributes={"性别": ["女"]})
    cases = [
        ("frequencies", code_frequencies, (project_id,), {}),
        ("frequencies, coder filter", code_frequencies,
         (project_id, CodingFilter.of(coders=["编码员甲"])), {}),
        ("frequencies, 性别=女", code_frequencies, (project_id, women), {}),
        ("matrix code × 安置社区 (codings)", code_attribute_matrix, (project_id, "安置社区"), {}),
        ("matrix code × 性别 (cases, rolled up)", code_attribute_matrix, (project_id, "性别"),
         {"measure": "cases", "rolled_up": True}),
        ("matrix code × document", code_document_matrix, (project_id,), {}),
        ("co-occurrence, overlap", code_cooccurrence, (project_id,), {"unit": "overlap"}),
        ("co-occurrence, sentence", code_cooccurrence, (project_id,), {"unit": "sentence"}),
        ("co-occurrence, passage", code_cooccurrence, (project_id,), {"unit": "passage"}),
        ("co-occurrence, passage, 性别=女", code_cooccurrence, (project_id,),
         {"unit": "passage", "spec": women}),
    ]
    # On a shared machine the wall time includes waiting for a core; the CPU time is this
    # process's own work (for PostgreSQL, without the server's).
    print(f"{'report':<40}{'wall':>8}{'cpu':>8}  check")
    for name, function, args, kwargs in cases:
        seconds, cpu, result = timed(Session, function, *args, **kwargs)
        if hasattr(result, "rows"):
            check = f"{result.codings:,} codings, {result.documents} documents, {result.cases} cases"
        elif hasattr(result, "cells"):
            check = f"{len(result.row_ids)} × {len(result.column_keys)}, sum {sum(map(sum, result.cells)):,}"
        else:
            diagonal = sum(row[i] for i, row in enumerate(result.counts))
            check = f"{len(result.code_ids)} codes, off-diagonal sum {sum(map(sum, result.counts)) - diagonal:,}"
        flag = "" if seconds <= 1 else "  (over 1 s)"
        print(f"{name:<40}{seconds:>7.3f}s{cpu:>7.3f}s  {check}{flag}")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codings", type=int, default=200_000)
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bianma-bench-") as directory:
        run("SQLite", f"sqlite:///{directory}/bench.sqlite3", args.codings)
    if args.sqlite_only:
        return
    from postgres_server import PostgresServer
    from sqlalchemy import create_engine, text

    server = PostgresServer.start()
    try:
        admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text('CREATE DATABASE "bench"'))
        admin.dispose()
        run("PostgreSQL", server.url("bench"), args.codings)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
