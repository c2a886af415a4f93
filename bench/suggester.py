"""Benchmark: the code suggester against the targets of its issue, on shared/bench/data.

For each data set: train on train.jsonl (hyperparameters by cross-validation on it alone),
suggest for test.jsonl, print example-based/micro/macro F1, P@1, R@3, fit time and suggestion
time per 1,000 passages (tokenization included). ANES sets also get the learning curve
(50…1000 passages drawn at random, three seeds, mean). Then the speed targets on a model
trained on 10,000 CPED turns (the only real set that large): retraining time, and the p95
latency of one suggestion (one passage tokenized and suggested, reasons included).

    .venv/bin/python bench/suggester.py [--sets anes3,anes4,anes5,cped] [--seeds 3]
                                        [--shared PATH]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from corpus.tokenize import Tokenizer
from models.evaluation import evaluate, read_records
from models.features import passage_from_text, passages_from_records
from models.suggester import CodeSuggester

ROOT = Path(__file__).resolve().parents[1]
SIZES = (50, 100, 200, 500, 1000)
# Published example-F1 to beat (Card & Smith 2015, as reported by Meidinger & Aßenmacher 2021)
ANES_TARGETS = {"anes3": 0.71, "anes4": 0.71, "anes5": 0.81}
FEW_SHOT = ("anes3", 100, 0.65)
DA_TARGET = 0.60
FIT_TARGET_SECONDS = 10.0
LATENCY_TARGET_MS = 20.0
SPEED_PASSAGES = 10_000


def figures_table(results: dict[str, dict]) -> str:
    names = ("example_f1", "micro_f1", "macro_f1", "p_at_1", "r_at_3", "fit_seconds",
             "suggest_ms_per_1000")
    lines = [f"{'set':<8}{'train':>7}" + "".join(f"{n:>21}" for n in names)]
    for name, result in results.items():
        rows = [("all", result)] + [(str(e["size"]), e) for e in result.get("curve", [])]
        for label, figures in rows:
            lines.append(
                f"{name:<8}{label:>7}" + "".join(f"{figures[n]:>21.3f}" for n in names)
            )
    return "\n".join(lines)


def speed(shared: Path, tokenizer: Tokenizer) -> tuple[float, float, int]:
    """Fit seconds on the first 10,000 CPED train turns (tokenization included), the p95
    milliseconds of one suggestion, and how many passages were trained on."""
    records = read_records(shared / "bench" / "data" / "cped" / "train.jsonl")[:SPEED_PASSAGES]
    started = time.perf_counter()
    passages = passages_from_records(records, tokenizer)
    model = CodeSuggester().fit(passages, [r["codes"] for r in records])
    fit_seconds = time.perf_counter() - started
    test = read_records(shared / "bench" / "data" / "cped" / "test.jsonl")
    rng = np.random.default_rng(0)
    model.suggest([passages[0]])  # first call builds the feature-name table once
    timings = []
    for index in rng.choice(len(test), size=500, replace=False):
        started = time.perf_counter()
        model.suggest([passage_from_text(test[index]["text"], tokenizer)])
        timings.append(1000 * (time.perf_counter() - started))
    return fit_seconds, float(np.percentile(timings, 95)), len(records)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="anes3,anes4,anes5,cped")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    data = args.shared / "bench" / "data"
    sets = [s for s in args.sets.split(",") if s]

    results: dict[str, dict] = {}
    for name in sets:
        train = read_records(data / name / "train.jsonl")
        test = read_records(data / name / "test.jsonl")
        sizes = SIZES if name.startswith("anes") else ()
        results[name] = evaluate(
            train, test, tokenizer_factory=Tokenizer, sizes=sizes, seeds=args.seeds
        )
        print(f"{name}: done ({len(train)} train, {len(test)} test)", flush=True)
    print()
    print(figures_table(results))
    print()

    checks: list[tuple[str, float, str, bool]] = []
    for name, target in ANES_TARGETS.items():
        if name in results:
            value = results[name]["example_f1"]
            checks.append((f"{name} example-F1", value, f">= {target}", value >= target))
    few_set, few_size, few_target = FEW_SHOT
    if few_set in results:
        at_size = [e for e in results[few_set].get("curve", []) if e["size"] == few_size]
        if at_size:
            value = at_size[0]["p_at_1"]
            checks.append((f"{few_set} P@1 after {few_size}", value, f">= {few_target}",
                           value >= few_target))
    if "cped" in results:
        value = results["cped"]["group_accuracy"].get("DA", float("nan"))
        checks.append(("cped DA accuracy", value, f">= {DA_TARGET}", value >= DA_TARGET))
        emotion = results["cped"]["group_accuracy"].get("Emotion", float("nan"))
        checks.append(("cped Emotion accuracy (no target)", emotion, "-", True))
    tokenizer = Tokenizer()
    tokenizer.lcut("预热")
    fit_seconds, p95, n = speed(args.shared, tokenizer)
    checks.append((f"retrain on {n} passages (s)", fit_seconds, f"<= {FIT_TARGET_SECONDS}",
                   fit_seconds <= FIT_TARGET_SECONDS))
    checks.append(("one suggestion p95 (ms)", p95, f"<= {LATENCY_TARGET_MS}",
                   p95 <= LATENCY_TARGET_MS))

    print(f"{'target':<40}{'measured':>10}  {'wanted':<10}met")
    for label, value, wanted, met in checks:
        print(f"{label:<40}{value:>10.3f}  {wanted:<10}{'yes' if met else 'NO'}")


if __name__ == "__main__":
    main()
