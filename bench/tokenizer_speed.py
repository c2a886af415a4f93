"""Benchmark: Bianma's Tokenizer against jieba on the same Chinese text, in the same run.

The corpus is every ``text`` field of the CPED dialogues in shared/bench/data/cped/*.jsonl
(one document per dialogue, one passage per utterance) and the study texts in
shared/seeds/*.txt (one passage per line), each used once: repeating text would flatter our
memo of HMM decodings, which jieba does not have. Dialogues are also put together into
interview-sized documents of about 20,000 characters. Prints, for several ways of calling
the tokenizer (whole corpus, per document, per passage, batched), throughput in
characters per CPU second (best of a few runs; CPU time because the machine is shared), the
ratio to ``jieba.Tokenizer().lcut`` and whether every token is identical. Our runs start cold:
a new Tokenizer and an empty process-wide memo each time. Target: ≥ 10× jieba, identical.

    .venv/bin/python bench/tokenizer_speed.py [--repeats 3] [--shared PATH]
"""

from __future__ import annotations

import argparse
import gc
import json
import time
from collections.abc import Callable
from pathlib import Path

from corpus import _engine_hmm
from corpus.tokenize import Tokenizer, jieba_reference

ROOT = Path(__file__).resolve().parents[1]

USER_WORDS = ("社会网络萎缩", "易地扶贫搬迁", "安置小区")
INTERVIEW_SIZE = 20_000


def load_corpus(shared: Path) -> list[list[str]]:
    """Documents as lists of passages: CPED dialogues (utterances) and study texts (lines)."""
    dialogues: dict[str, list[str]] = {}
    for path in sorted((shared / "bench" / "data" / "cped").glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                dialogues.setdefault(record["doc"], []).append(record["text"])
    studies = [p.read_text(encoding="utf-8").split("\n") for p in sorted((shared / "seeds").glob("*.txt"))]
    return list(dialogues.values()) + studies


def interviews(documents: list[list[str]], size: int) -> list[list[str]]:
    """Consecutive documents put together until about ``size`` characters: CPED dialogues
    are a hundred characters long, an interview transcript tens of thousands."""
    grouped: list[list[str]] = [[]]
    length = 0
    for passages in documents:
        if length >= size:
            grouped.append([])
            length = 0
        grouped[-1].extend(passages)
        length += sum(map(len, passages)) + len(passages)
    return grouped


def cpu_seconds(run: Callable[[], object], repeats: int, before: Callable[[], None] = lambda: None) -> tuple[float, object]:
    """Best CPU time of ``repeats`` runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        before()
        result = None
        gc.collect()
        start = time.process_time()
        result = run()
        best = min(best, time.process_time() - start)
    return best, result


def ours_cold(words: tuple[str, ...], run: Callable[[Tokenizer], object], repeats: int) -> tuple[float, object]:
    """Best CPU time of ``run`` on a new Tokenizer with an empty HMM memo each time."""
    fresh: list[Tokenizer] = []

    def reset() -> None:
        _engine_hmm.clear_cache()
        fresh[:] = [Tokenizer(words)]

    return cpu_seconds(lambda: run(fresh[0]), repeats, reset)


def report(name: str, characters: int, jieba: tuple[float, object], ours: tuple[float, object]) -> None:
    (jieba_time, expected), (our_time, got) = jieba, ours
    print(
        f"{name:<56} jieba {characters / jieba_time / 1e3:5.0f} k chars/s   "
        f"ours {characters / our_time / 1e3:5.0f} k chars/s   "
        f"{jieba_time / our_time:5.1f}x   identical tokens: {got == expected}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()

    documents = load_corpus(args.shared)
    texts = ["\n".join(passages) for passages in documents]
    long_documents = interviews(documents, INTERVIEW_SIZE)
    long_texts = ["\n".join(passages) for passages in long_documents]
    passages = [passage for document in documents for passage in document]
    whole = "\n".join(texts)
    characters = len(whole)
    print(
        f"corpus: {len(texts)} documents, {len(passages)} passages, {characters} characters, "
        f"{len(whole.encode('utf-8')) / 1e6:.2f} MB UTF-8 (all the text there is, each once)"
    )

    start = time.perf_counter()
    Tokenizer()
    print(f"first Tokenizer() in the process (loads jieba's dictionary): {time.perf_counter() - start:.2f} s")
    for words in ((), USER_WORDS):
        start = time.perf_counter()
        Tokenizer(words)
        print(f"Tokenizer with {len(words)} user words, later: {(time.perf_counter() - start) * 1e3:.0f} ms")
    start = time.perf_counter()
    jieba_reference(USER_WORDS).initialize()
    print(f"jieba.Tokenizer() with the same 3 user words: {time.perf_counter() - start:.2f} s")
    print(f"repeats: {args.repeats}, best CPU time of each; our runs start cold")

    n = args.repeats
    plain, custom = jieba_reference(), jieba_reference(USER_WORDS)
    jieba_whole = cpu_seconds(lambda: plain.lcut(whole), n)
    report("whole corpus in one call", characters, jieba_whole,
           ours_cold((), lambda t: t.lcut(whole), n))
    report("  the same with 3 user words", characters, cpu_seconds(lambda: custom.lcut(whole), n),
           ours_cold(USER_WORDS, lambda t: t.lcut(whole), n))
    report(f"one call per document ({characters // len(texts)} chars)", characters,
           cpu_seconds(lambda: [plain.lcut(d) for d in texts], n),
           ours_cold((), lambda t: [t.lcut(d) for d in texts], n))
    report(f"one call per interview-sized document ({characters // len(long_texts)} chars)", characters,
           cpu_seconds(lambda: [plain.lcut(d) for d in long_texts], n),
           ours_cold((), lambda t: [t.lcut(d) for d in long_texts], n))
    in_passages = sum(map(len, passages))
    jieba_passages = cpu_seconds(lambda: [plain.lcut(p) for p in passages], n)
    report("one call per passage", in_passages, jieba_passages,
           ours_cold((), lambda t: [t.lcut(p) for p in passages], n))
    report("lcut_many per interview-sized document", in_passages, jieba_passages,
           ours_cold((), lambda t: [w for d in long_documents for w in t.lcut_many(d)], n))
    tokens_time, tokens = ours_cold((), lambda t: t.tokens(whole), n)
    report("whole corpus, tokens() (Token objects)", characters, jieba_whole,
           (tokens_time, [token.text for token in tokens]))  # type: ignore[attr-defined]

    tokenizer = Tokenizer()
    tokenizer.lcut(whole)
    warm, _ = cpu_seconds(lambda: tokenizer.lcut(whole), n)
    print(f"whole corpus again with the memo warm: ours {characters / warm / 1e3:.0f} k chars/s, "
          f"{jieba_whole[0] / warm:.1f}x jieba")


if __name__ == "__main__":
    main()
