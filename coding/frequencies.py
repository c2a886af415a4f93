"""Code frequencies, and the CSV and XLSX writers every report's download uses.

For each code: how many codings it has, in how many documents, for how many cases; once for
the code itself and once with its sub-codes rolled up. Rolled-up codings are a sum (a parent
and a child applied to the same span are two codings); rolled-up documents and cases are
distinct counts (a document coded with two children counts once for the parent). The counting
runs on columns (numpy) over the groups SQL has already counted.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy.orm import Session

from coding.filters import CodingFilter, CodingGroups, code_order, coding_groups, distinct
from i18n import t


@dataclass(frozen=True, slots=True)
class FrequencyRow:
    code_id: int
    parent_id: int | None
    name: str
    path: str
    depth: int
    codings: int
    documents: int
    cases: int
    codings_total: int
    documents_total: int
    cases_total: int


@dataclass(frozen=True, slots=True)
class FrequencyReport:
    rows: list[FrequencyRow]  # every code, depth-first in the codebook's order
    codings: int
    documents: int
    cases: int


def _distinct_per_code(codes: np.ndarray, other: np.ndarray, size: int) -> np.ndarray:
    """How many distinct ``other`` values each code (0..size-1) has."""
    pairs = distinct(codes * (int(other.max(initial=0)) + 1) + other)
    return np.bincount(pairs // (int(other.max(initial=0)) + 1), minlength=size)


def _counts(groups: CodingGroups, index: np.ndarray, size: int) -> tuple[np.ndarray, ...]:
    """Codings, distinct documents and distinct cases per code position."""
    code = index[groups.code]
    codings = np.bincount(code, weights=groups.count, minlength=size).astype(np.int64)
    documents = _distinct_per_code(code, groups.document, size)
    cases = _distinct_per_code(code[groups.member_group], groups.member_case, size)
    return codings, documents, cases


def code_frequencies(session: Session, project_id: int,
                     spec: CodingFilter = CodingFilter()) -> FrequencyReport:
    """Counts per code, own and rolled up, for the codings the filter keeps."""
    groups, _case_map, _resolved = coding_groups(session, project_id, spec)
    nodes = code_order(session, project_id)
    index = np.zeros(max((n.id for n in nodes), default=0) + 1, dtype=np.int64)
    index[[n.id for n in nodes]] = np.arange(len(nodes))
    own = _counts(groups, index, len(nodes))
    total = _counts(groups.rolled_up({n.id: n.parent_id for n in nodes}), index, len(nodes))
    rows = [
        FrequencyRow(
            code_id=node.id, parent_id=node.parent_id, name=node.name, path=node.path,
            depth=node.depth, codings=int(own[0][i]), documents=int(own[1][i]), cases=int(own[2][i]),
            codings_total=int(total[0][i]), documents_total=int(total[1][i]),
            cases_total=int(total[2][i]),
        )
        for i, node in enumerate(nodes)
    ]
    return FrequencyReport(rows=rows, codings=int(groups.count.sum()),
                           documents=len(distinct(groups.document)),
                           cases=len(distinct(groups.member_case)))


FREQUENCY_COLUMNS = ("path", "depth", "codings", "documents", "cases",
                     "codings_total", "documents_total", "cases_total")


def frequency_table(report: FrequencyReport, lang: str = "zh") -> tuple[list[str], list[list]]:
    """Headers and rows in tree order, as the downloads and the CLI write them."""
    headers = [t(f"reports.col_{column}", lang) for column in FREQUENCY_COLUMNS]
    rows = [[getattr(row, column) for column in FREQUENCY_COLUMNS] for row in report.rows]
    return headers, rows


# Excel runs a cell starting with one of these as a formula ("CSV injection"); a leading
# apostrophe makes it text. Transcripts and code names are untrusted input.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 forbids; openpyxl refuses them.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _safe_text(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def table_csv(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """CSV in UTF-8 with a byte-order mark, which Excel on Windows needs to show Chinese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_safe_text(h) for h in headers])
    for row in rows:
        writer.writerow([_safe_text(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def table_xlsx(headers: Sequence[str], rows: Iterable[Sequence], *, sheet: str = "Sheet1") -> bytes:
    """One worksheet with a bold header; text stays text even when it starts with "="."""
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", "_", sheet)[:31] or "Sheet1")

    def cell(value: object, bold: bool = False) -> WriteOnlyCell:
        if isinstance(value, str):
            value = _ILLEGAL_XML.sub("", value)
        item = WriteOnlyCell(worksheet, value=value)
        if isinstance(value, str):
            item.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
        if bold:
            item.font = Font(bold=True)
        return item

    worksheet.append([cell(h, bold=True) for h in headers])
    for row in rows:
        worksheet.append([cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
