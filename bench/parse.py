"""Benchmark: parse_document on a long transcript, next to jieba.lcut on the same text.

The transcript is the CPED test dialogues written as one ``说话人：文本`` line per turn (from
shared/bench/data/cped/test.jsonl, turns repeated in order until the text has ``--chars``
characters; 1,000,000 by default). It is imported as an interview .txt in UTF-8 (decoding,
turns, sentences) and as field notes; jieba.lcut tokenizes the same text. Prints the best
CPU and wall time of a few runs of each (the machine is shared, so the best run is the one
least disturbed by other work), throughput in characters per second and the ratio to jieba.

    .venv/bin/python bench/parse.py [--chars 1000000] [--repeats 5] [--shared PATH]
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import jieba  # noqa: E402

from corpus.importing import parse_document  # noqa: E402


def cped_transcript(shared: Path, chars: int) -> str:
    """``说话人：文本`` lines of the CPED test turns, repeated in order, cut at ``chars``."""
    with (shared / "bench" / "data" / "cped" / "test.jsonl").open(encoding="utf-8") as handle:
        lines = [f"{turn['speaker']}：{turn['text']}" for turn in map(json.loads, handle)]
    text = "\n".join(lines)
    return "\n".join([text] * (chars // (len(text) + 1) + 1))[:chars]


def best_times(run: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Best CPU and best wall time of ``repeats`` runs (the result is kept until timed)."""
    best_cpu = best_wall = float("inf")
    for _ in range(repeats):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        result = run()
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
        del result
    return best_cpu, best_wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()

    text = cped_transcript(args.shared, args.chars)
    data = text.encode("utf-8")
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()  # loads the dictionary, once per process: not part of tokenizing
    doc = parse_document("cped.txt", data)
    print(f"{len(text):,} characters, {text.count(chr(10)) + 1:,} lines, "
          f"{len(doc.passages):,} turns, {len(doc.sentences):,} sentences")
    print(f"best of {args.repeats} runs (jieba: {max(1, args.repeats // 2)})")

    jieba_cpu, jieba_wall = best_times(lambda: jieba.lcut(text), max(1, args.repeats // 2))
    print(f"{'jieba.lcut':28s} CPU {jieba_cpu:7.3f} s  wall {jieba_wall:7.3f} s  "
          f"{len(text) / jieba_cpu / 1e6:6.2f} M chars/s")
    for kind in ("interview", "notes"):
        cpu, wall = best_times(lambda: parse_document("cped.txt", data, kind), args.repeats)
        print(f"{'parse_document, ' + kind:28s} CPU {cpu:7.3f} s  wall {wall:7.3f} s  "
              f"{len(text) / cpu / 1e6:6.2f} M chars/s  = {jieba_cpu / cpu:5.1f}x jieba.lcut "
              f"(wall {jieba_wall / wall:5.1f}x)")


if __name__ == "__main__":
    main()
