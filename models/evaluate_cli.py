"""``bianma evaluate``: train on one bench file, suggest for another, print the figures.

    bianma evaluate --train TRAIN.jsonl --test TEST.jsonl [--json]
                    [--sizes 50,100,200,500,1000 --seeds 3]

``cli.py`` adds the subcommand with ``register(subparsers)``.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from i18n import BianmaError, t
from models.evaluation import FIGURES, evaluate, read_records


def parse_sizes(value: str) -> list[int]:
    try:
        sizes = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        sizes = []
    if not sizes or any(size <= 0 for size in sizes):
        raise argparse.ArgumentTypeError(t("E734", "en", value=value))
    return sizes


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``evaluate`` subcommand; its ``func`` returns the exit code."""
    parser = subparsers.add_parser(
        "evaluate",
        help="train the code suggester on one file and score its suggestions on another",
        description=(
            "Train on TRAIN only (hyperparameters by cross-validation on TRAIN), suggest for "
            "TEST and print example-based, micro and macro F1, P@1, R@3 and timings."
        ),
    )
    parser.add_argument("--train", required=True, help="coded passages to learn from (.jsonl)")
    parser.add_argument("--test", required=True, help="coded passages to score on (.jsonl)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=[],
        help="learning curve: comma-separated numbers of training passages",
    )
    parser.add_argument("--seeds", type=int, default=3, help="random draws per curve size")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    from corpus.tokenize import Tokenizer

    try:
        train = read_records(args.train)
        test = read_records(args.test)
        result = evaluate(
            train, test, tokenizer_factory=Tokenizer, sizes=args.sizes, seeds=max(1, args.seeds)
        )
    except BianmaError as error:
        print(error, file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(_table(result))
    return 0


def _table(result: dict[str, Any]) -> str:
    rows = [("all", result)] + [(str(entry["size"]), entry) for entry in result.get("curve", [])]
    names = FIGURES[:7]
    lines = ["train  " + "  ".join(names)]
    for label, figures in rows:
        cells = (f"{figures[name]:>{len(name)}.3f}" for name in names)
        lines.append(f"{label:>5}  " + "  ".join(cells))
    for parent, accuracy in result.get("group_accuracy", {}).items():
        lines.append(f"accuracy within {parent}/…: {accuracy:.3f}")
    lines.append(f"n_train={result['n_train']} n_test={result['n_test']}")
    return "\n".join(lines)
