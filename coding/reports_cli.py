"""``bianma report …`` and ``bianma agreement``: the analysis reports from the shell.

CSV output is UTF-8 with a byte-order mark, the same bytes as the page's download, so
``bianma report frequencies 项目 > 频次.csv`` opens in Excel with its Chinese intact.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, replace
from pathlib import Path

from i18n import BianmaError


def _filters() -> argparse.ArgumentParser:
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--doc", type=int, action="append", metavar="ID",
                         help="only this document (repeat for several)")
    options.add_argument("--coded-by", action="append", metavar="NAME",
                         help="only codings by this coder (repeat, or A,B)")
    options.add_argument("--where", action="append", metavar="ATTRIBUTE=VALUE",
                         help="only cases with this attribute value (repeat; same attribute = any of)")
    return options


def _output() -> argparse.ArgumentParser:
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--format", choices=["csv", "json"], default="csv")
    options.add_argument("--output", "-o", type=Path, help="write to this file instead of stdout")
    options.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the headers")
    return options


def _spec(args: argparse.Namespace):
    from coding.filters import CodingFilter

    attributes: dict[str, list[str]] = {}
    for condition in args.where or []:
        name, equals, value = condition.partition("=")
        if not equals or not name.strip():
            raise BianmaError("E607", condition=condition)
        attributes.setdefault(name.strip(), []).append(value.strip())
    coders = [c.strip() for item in args.coded_by or [] for c in item.split(",") if c.strip()]
    return CodingFilter.of(documents=args.doc, coders=coders or None, attributes=attributes)


def _write(args: argparse.Namespace, headers: list[str], rows: list[list], data: object) -> None:
    from coding.frequencies import table_csv

    if args.json or args.format == "json":
        output = (json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n").encode("utf-8")
    else:
        output = table_csv(headers, rows)
    if args.output:
        args.output.write_bytes(output)
    else:
        sys.stdout.buffer.write(output)
        sys.stdout.flush()


def _matrix_data(matrix) -> dict:
    return {"measure": matrix.measure, "columns": matrix.column_labels,
            "column_cases": matrix.column_cases, "uncased": matrix.uncased,
            "rows": [{"code": label, "cells": dict(zip(matrix.column_labels, cells))}
                     for label, cells in zip(matrix.row_labels, matrix.cells)]}


def cmd_report_frequencies(args: argparse.Namespace) -> int:
    from cli import transaction
    from coding.frequencies import code_frequencies, frequency_table
    from coding.matrices import code_attribute_matrix, matrix_table
    from corpus.projects import find_project

    with transaction(args) as session:
        project = find_project(session, args.project)
        spec = _spec(args)
        if args.by:
            matrix = code_attribute_matrix(session, project.id, args.by, measure=args.measure,
                                           spec=spec, rolled_up=args.rollup, lang=args.lang)
            headers, rows = matrix_table(matrix, args.lang)
            data = {"attribute": args.by, **_matrix_data(matrix)}
        else:
            report = code_frequencies(session, project.id, spec)
            headers, rows = frequency_table(report, args.lang)
            data = {"codings": report.codings, "documents": report.documents,
                    "cases": report.cases, "codes": [asdict(row) for row in report.rows]}
    _write(args, headers, rows, data)
    return 0


def cmd_report_matrix(args: argparse.Namespace) -> int:
    from cli import transaction
    from coding.matrices import code_attribute_matrix, code_document_matrix, matrix_table
    from corpus.projects import find_project

    with transaction(args) as session:
        project = find_project(session, args.project)
        if args.by:
            matrix = code_attribute_matrix(session, project.id, args.by, measure=args.measure,
                                           spec=_spec(args), rolled_up=args.rollup, lang=args.lang)
        else:
            matrix = code_document_matrix(session, project.id, measure=args.measure,
                                          spec=_spec(args), rolled_up=args.rollup)
        headers, rows = matrix_table(matrix, args.lang)
    _write(args, headers, rows, _matrix_data(matrix))
    return 0


def cmd_report_cooccurrence(args: argparse.Namespace) -> int:
    from cli import transaction
    from coding.cooccurrence import code_cooccurrence, cooccurrence_table
    from corpus.projects import find_project

    with transaction(args) as session:
        project = find_project(session, args.project)
        matrix = code_cooccurrence(session, project.id, unit=args.unit, spec=_spec(args))
        headers, rows = cooccurrence_table(matrix, args.lang)
    data = {"unit": matrix.unit, "codes": matrix.labels, "counts": matrix.counts}
    _write(args, headers, rows, data)
    return 0


def cmd_report_words(args: argparse.Namespace) -> int:
    from cli import transaction
    from codebook.codes import find_code_by_path
    from coding.wordstats import default_stop_words, parse_stop_words, word_frequencies, word_table
    from corpus.projects import find_project

    stop_words = set() if args.no_default_stop_words else set(default_stop_words())
    for path in args.stop_words or []:
        stop_words |= parse_stop_words(path.read_text(encoding="utf-8-sig"))
    with transaction(args) as session:
        project = find_project(session, args.project)
        code_id = find_code_by_path(session, project.id, args.code).id if args.code else None
        coders = [c.strip() for item in args.coded_by or [] for c in item.split(",") if c.strip()]
        report = word_frequencies(
            session, project.id, code_id=code_id, document_id=args.doc,
            include_children=args.children, coders=coders or None, stop_words=stop_words,
            min_length=args.min_length)
        if args.top:
            report = replace(report, words=report.words[:args.top])
        headers, rows = word_table(report, args.lang)
    data = {"tokens": report.tokens, "spans": report.spans,
            "words": [asdict(w) for w in report.words]}
    _write(args, headers, rows, data)
    return 0


def _figure(estimate) -> str:
    if estimate is None or estimate.value is None:
        return "—"
    if estimate.low is None:
        return f"{estimate.value:.3f}"
    return f"{estimate.value:.3f} [{estimate.low:.3f}, {estimate.high:.3f}]"


def cmd_agreement(args: argparse.Namespace) -> int:
    from cli import emit, transaction
    from codebook.codes import find_code_by_path
    from coding.agreement import coder_agreement
    from corpus.projects import find_project

    coders = [c.strip() for item in args.coders for c in item.split(",") if c.strip()]
    with transaction(args) as session:
        project = find_project(session, args.project)
        code_ids = ([find_code_by_path(session, project.id, path).id for path in args.code]
                    if args.code else None)
        report = coder_agreement(session, project.id, coders, unit=args.unit, documents=args.doc,
                                 code_ids=code_ids, bootstrap=args.bootstrap, seed=args.seed,
                                 confidence=args.confidence, lang=args.lang)
    data = asdict(report)
    if not args.disagreements:
        data.pop("disagreements")

    def lines():
        yield f"# coders: {', '.join(report.coders)}; unit: {report.unit}; " \
              f"bootstrap: {report.bootstrap} (seed {report.seed}, {report.confidence:.0%})"
        yield "code\tunits\tcoded\tpercent\tkappa\talpha"
        for row in [*report.codes, report.overall]:
            yield (f"{row.label}\t{row.units}\t{row.coded}\t{_figure(row.percent)}\t"
                   f"{_figure(row.kappa)}\t{_figure(row.alpha)}")
        if args.disagreements:
            for d in report.disagreements:
                values = " | ".join(f"{name}: {d.coded[name] or '—'}" for name in report.coders)
                yield f"{d.code}\t{d.document}\t[{d.start}, {d.end})\t{values}"

    emit(args, data, lines)
    return 0


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``report`` (frequencies, matrix, cooccurrence, words) and ``agreement``."""
    from coding.agreement import UNITS as AGREEMENT_UNITS
    from coding.cooccurrence import UNITS as COOCCURRENCE_UNITS
    from coding.matrices import MEASURES

    filters, output = _filters(), _output()
    report = commands.add_parser("report", parents=[common], help="analysis reports (CSV or JSON)")
    reports = report.add_subparsers(dest="report_command", required=True)

    frequencies = reports.add_parser("frequencies", parents=[common, filters, output],
                                     help="codings, documents and cases per code (own and with sub-codes)")
    frequencies.add_argument("project", help="project name or id")
    frequencies.add_argument("--by", metavar="ATTRIBUTE",
                             help="a code × attribute-value matrix instead, e.g. --by 性别")
    frequencies.add_argument("--measure", choices=MEASURES, default="codings",
                             help="what a matrix cell counts (with --by)")
    frequencies.add_argument("--rollup", action="store_true",
                             help="count sub-codes in their parent's row (with --by)")
    frequencies.set_defaults(func=cmd_report_frequencies)

    matrix = reports.add_parser("matrix", parents=[common, filters, output],
                                help="codes × documents, or codes × attribute values with --by")
    matrix.add_argument("project")
    matrix.add_argument("--by", metavar="ATTRIBUTE")
    matrix.add_argument("--measure", choices=MEASURES, default="codings")
    matrix.add_argument("--rollup", action="store_true")
    matrix.set_defaults(func=cmd_report_matrix)

    cooccurrence = reports.add_parser("cooccurrence", parents=[common, filters, output],
                                      help="how often two codes meet (overlap, sentence or passage)")
    cooccurrence.add_argument("project")
    cooccurrence.add_argument("--unit", choices=COOCCURRENCE_UNITS, default="overlap")
    cooccurrence.set_defaults(func=cmd_report_cooccurrence)

    words = reports.add_parser("words", parents=[common, output],
                               help="word frequencies of a code's segments, a document or the project")
    words.add_argument("project")
    words.add_argument("--code", metavar="PATH", help="a code path, e.g. 融入困境/文化冲击")
    words.add_argument("--doc", type=int, metavar="ID", help="only this document")
    words.add_argument("--coded-by", action="append", metavar="NAME",
                       help="only segments coded by this coder (with --code)")
    words.add_argument("--children", action="store_true", help="include the code's sub-codes")
    words.add_argument("--stop-words", type=Path, action="append", metavar="FILE",
                       help="more stop words, one per line (repeat)")
    words.add_argument("--no-default-stop-words", action="store_true")
    words.add_argument("--min-length", type=int, default=1)
    words.add_argument("--top", type=int, default=0, help="only the N most frequent words")
    words.set_defaults(func=cmd_report_words)

    agreement = commands.add_parser("agreement", parents=[common],
                                    help="inter-coder agreement: percent, Cohen's κ, Krippendorff's α")
    agreement.add_argument("project")
    agreement.add_argument("--coders", action="append", required=True, metavar="A,B[,C]")
    agreement.add_argument("--unit", choices=AGREEMENT_UNITS, default="sentence")
    agreement.add_argument("--doc", type=int, action="append", metavar="ID")
    agreement.add_argument("--code", action="append", metavar="PATH")
    agreement.add_argument("--bootstrap", type=int, default=1000, help="resamples (0: none)")
    agreement.add_argument("--seed", type=int, default=20240501)
    agreement.add_argument("--confidence", type=float, default=0.95)
    agreement.add_argument("--disagreements", action="store_true", help="list the disagreements too")
    agreement.add_argument("--lang", choices=["zh", "en"], default="zh")
    agreement.set_defaults(func=cmd_agreement)
