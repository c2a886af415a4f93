"""Evaluating the suggester the way a researcher meets it: train on what is coded, suggest for
what is not.

Reads the bench format (one JSON object a line: ``id``, ``text``, ``codes`` and, for
transcripts, ``doc``, ``turn``, ``speaker``). Everything learnt, hyperparameters included,
comes from the training file; the test file is only suggested for and scored. Times include
tokenization (with a tokenizer whose dictionary is already loaded, as in the running app).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from i18n import BianmaError
from models import metrics
from models.features import SupportsLcut, passages_from_records
from models.suggester import CodeSuggester

FIGURES = (
    "example_f1",
    "micro_f1",
    "macro_f1",
    "p_at_1",
    "r_at_3",
    "fit_seconds",
    "suggest_ms_per_1000",
    "n_train",
    "n_test",
)


def read_records(path: str | Path) -> list[dict[str, Any]]:
    """Records of a bench-format file; a malformed line is refused with its line number."""
    try:
        handle = open(path, encoding="utf-8")
    except FileNotFoundError as error:
        raise BianmaError("E730", path=str(path)) from error
    records = []
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise BianmaError("E731", path=str(path), line=number) from error
            _check_record(record, path, number)
            records.append(record)
    if not records:
        raise BianmaError("E733", path=str(path))
    return records


def _check_record(record: Any, path: str | Path, number: int) -> None:
    if not isinstance(record, dict):
        raise BianmaError("E731", path=str(path), line=number)
    if not isinstance(record.get("text"), str):
        raise BianmaError("E732", path=str(path), line=number, field="text")
    codes = record.get("codes")
    if not isinstance(codes, list) or not all(isinstance(c, str) and c for c in codes):
        raise BianmaError("E732", path=str(path), line=number, field="codes")
    turn = record.get("turn")
    if turn is not None and (not isinstance(turn, int) or isinstance(turn, bool)):
        raise BianmaError("E732", path=str(path), line=number, field="turn")


def evaluate_once(
    train: Sequence[Mapping[str, Any]],
    test: Sequence[Mapping[str, Any]],
    tokenizer: SupportsLcut,
    params: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Train on ``train``, suggest for ``test``, and score the suggestions."""
    started = time.perf_counter()
    train_passages = passages_from_records(train, tokenizer)
    model = CodeSuggester(**dict(params or {})).fit(
        train_passages, [record["codes"] for record in train]
    )
    fit_seconds = time.perf_counter() - started

    started = time.perf_counter()
    test_passages = passages_from_records(test, tokenizer)
    model.suggest(test_passages)
    suggest_seconds = time.perf_counter() - started

    probabilities = model.predict_proba(test_passages)
    selected = model.select_codes(probabilities)
    gold, scores, chosen, columns = _aligned(model, test, probabilities, selected)
    figures: dict[str, Any] = {
        "example_f1": metrics.example_f1(gold, chosen),
        "micro_f1": metrics.micro_f1(gold, chosen),
        "macro_f1": metrics.macro_f1(gold, chosen),
        "p_at_1": metrics.precision_at_k(gold, scores, 1),
        "r_at_3": metrics.recall_at_k(gold, scores, 3),
        "fit_seconds": fit_seconds,
        "suggest_ms_per_1000": 1e6 * suggest_seconds / max(len(test), 1),
        "n_train": len(train),
        "n_test": len(test),
        "C": model.C_,
        # 1 when cross-validation chose the NB-SVM first stage (a share, averaged over seeds)
        "nb_svm": float(model.family_ == "nb-svm"),
        "ece": metrics.expected_calibration_error(gold[:, columns], probabilities),
    }
    accuracies = {}
    for members in model.group_members_:
        parent = model.classes_[members[0]].rsplit("/", 1)[0]
        accuracies[parent] = metrics.group_accuracy(gold, scores, [columns[j] for j in members])
    figures["group_accuracy"] = accuracies
    return figures


def _aligned(
    model: CodeSuggester,
    test: Sequence[Mapping[str, Any]],
    probabilities: np.ndarray,
    selected: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[int]]:
    """Gold, scores and choices over every code the model knows or the test uses: a test
    code the model never learnt still counts as missed."""
    codes = sorted(set(model.classes_) | {c for record in test for c in record["codes"]})
    index = {code: j for j, code in enumerate(codes)}
    columns = [index[code] for code in model.classes_]
    gold = np.zeros((len(test), len(codes)), dtype=bool)
    for i, record in enumerate(test):
        for code in record["codes"]:
            gold[i, index[code]] = True
    scores = np.zeros(gold.shape)
    scores[:, columns] = probabilities
    chosen = np.zeros(gold.shape, dtype=bool)
    chosen[:, columns] = selected
    return gold, scores, chosen, columns


def learning_curve(
    train: Sequence[Mapping[str, Any]],
    test: Sequence[Mapping[str, Any]],
    tokenizer: SupportsLcut,
    sizes: Iterable[int],
    seeds: int,
    params: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Figures after training on ``size`` passages drawn at random from ``train``, mean over
    ``seeds`` draws; sizes beyond the training file are left out."""
    curve = []
    for size in sizes:
        if size > len(train):
            continue
        runs = []
        for seed in range(seeds):
            rng = np.random.default_rng(seed)
            drawn = sorted(rng.choice(len(train), size=size, replace=False))
            runs.append(evaluate_once([train[i] for i in drawn], test, tokenizer, params))
        curve.append({"size": size, "seeds": seeds, **_mean(runs)})
    return curve


def _mean(runs: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in runs[0].items():
        if isinstance(value, dict):
            out[key] = {k: float(np.mean([run[key].get(k, 0.0) for run in runs])) for k in value}
        else:
            out[key] = float(np.mean([run[key] for run in runs]))
    return out


def evaluate(
    train: Sequence[Mapping[str, Any]],
    test: Sequence[Mapping[str, Any]],
    *,
    tokenizer_factory: Callable[[], SupportsLcut],
    sizes: Iterable[int] = (),
    seeds: int = 3,
    params: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The full-training figures and, with ``sizes``, the learning curve."""
    tokenizer = tokenizer_factory()
    # load the dictionary before any clock starts: the app keeps one tokenizer per project
    tokenizer.lcut("预热 warm-up")
    result = evaluate_once(train, test, tokenizer, params)
    sizes = list(sizes)
    if sizes:
        result["curve"] = learning_curve(train, test, tokenizer, sizes, seeds, params)
    return result
