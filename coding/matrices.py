"""Matrices: codes × values of a case attribute, and codes × documents.

A cell counts either codings or cases (``measure``):

- codes × attribute value: the codings of the code that belong to at least one case with that
  value, or the distinct cases with that value coded with the code. A coding that covers two
  cases with different values (two speakers of a group interview) counts in both columns, so
  a row can add up to more than the code's codings. Codings that belong to no case are in no
  column; ``uncased`` says how many there are. The column "no value" holds cases without one.
- codes × document: the codings of the code in the document, or the distinct cases coded.

``rolled_up`` counts a code's sub-codes in its row, as in the frequency report.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from coding.filters import (
    NO_VALUE, CodingFilter, case_values, code_order, coding_groups, distinct, sort_values,
    unique_rows,
)
from i18n import BianmaError, t
from storage.tables import AttributeDefinition, Case, Document

MEASURES = ("codings", "cases")


@dataclass(frozen=True, slots=True)
class Matrix:
    row_ids: list[int]
    row_labels: list[str]           # code paths, depth-first in the codebook's order
    column_keys: list               # attribute values ("" = no value) or document ids
    column_labels: list[str]
    cells: list[list[int]]          # cells[row][column]
    measure: str
    column_cases: list[int]         # cases in each column (the denominator for shares)
    uncased: int                    # codings that belong to no case (attribute matrix)


def _check_measure(measure: str) -> None:
    if measure not in MEASURES:
        raise BianmaError("E604", measure=measure, choices="、".join(MEASURES))


def _cells(code: np.ndarray, column: np.ndarray, size: int, columns: int,
           weights: np.ndarray | None = None) -> list[list[int]]:
    flat = np.bincount(code * columns + column, weights=weights, minlength=size * columns)
    return flat.astype(np.int64).reshape(size, columns).tolist()


def _prepare(session: Session, project_id: int, spec: CodingFilter, rolled_up: bool):
    groups, case_map, resolved = coding_groups(session, project_id, spec)
    nodes = code_order(session, project_id)
    with_case = np.zeros(len(groups.code), dtype=bool)
    with_case[groups.member_group] = True
    uncased = int(groups.count[~with_case].sum())  # before rolling up: each coding once
    if rolled_up:
        groups = groups.rolled_up({n.id: n.parent_id for n in nodes})
    index = np.zeros(max((n.id for n in nodes), default=0) + 1, dtype=np.int64)
    index[[n.id for n in nodes]] = np.arange(len(nodes))
    return groups, case_map, resolved, nodes, index[groups.code], uncased


def code_attribute_matrix(session: Session, project_id: int, attribute: str, *,
                          measure: str = "codings", spec: CodingFilter = CodingFilter(),
                          rolled_up: bool = False, lang: str = "zh") -> Matrix:
    """Codes × the values the project's cases take for ``attribute``."""
    _check_measure(measure)
    definition = session.scalar(select(AttributeDefinition).where(
        AttributeDefinition.project_id == project_id, AttributeDefinition.name == attribute))
    if definition is None:
        raise BianmaError("E020", attribute=attribute)
    groups, case_map, resolved, nodes, code, uncased = _prepare(session, project_id, spec, rolled_up)
    values = {case: found.get(attribute, NO_VALUE)
              for case, found in case_values(session, project_id).items()}
    project_cases = list(session.scalars(select(Case.id).where(Case.project_id == project_id)))
    # Columns: every value a case of the project takes, so a value nobody was coded for still
    # shows as an empty column; "no value" only when some case lacks one.
    keys = sort_values((values.get(case, NO_VALUE) for case in project_cases), definition.type)
    column_of = np.zeros(max(project_cases, default=0) + 1, dtype=np.int64)
    for case in project_cases:
        column_of[case] = keys.index(values.get(case, NO_VALUE))
    member_column = column_of[groups.member_case]
    if measure == "codings":
        # A group counts once in each column one of its cases is in.
        pairs = distinct(groups.member_group * len(keys) + member_column)
        owner = pairs // len(keys)
        cells = _cells(code[owner], pairs % len(keys), len(nodes), len(keys), groups.count[owner])
    else:
        coded, _times = unique_rows(np.column_stack([code[groups.member_group], groups.member_case]))
        cells = _cells(coded[:, 0], column_of[coded[:, 1]], len(nodes), len(keys))
    documents = (case_map.document_cases.keys() if resolved.document_ids is None
                 else resolved.document_ids)
    present = case_map.document_case_sets(documents)
    if resolved.allowed_cases is not None:
        present &= resolved.allowed_cases
    column_cases = [sum(1 for case in present if values.get(case, NO_VALUE) == key) for key in keys]
    labels = [key if key != NO_VALUE else t("reports.no_value", lang) for key in keys]
    return Matrix([n.id for n in nodes], [n.path for n in nodes], keys, labels, cells, measure,
                  column_cases, uncased)


def code_document_matrix(session: Session, project_id: int, *, measure: str = "codings",
                         spec: CodingFilter = CodingFilter(), rolled_up: bool = False) -> Matrix:
    """Codes × documents (those the filter keeps, in the project's order)."""
    _check_measure(measure)
    groups, case_map, resolved, nodes, code, _uncased = _prepare(session, project_id, spec,
                                                                 rolled_up)
    documents = session.execute(
        select(Document.id, Document.name).where(Document.project_id == project_id)
        .order_by(Document.position, Document.id)).all()
    if resolved.document_ids is not None:
        documents = [d for d in documents if d.id in resolved.document_ids]
    column_of = np.zeros(max((d.id for d in documents), default=0) + 1, dtype=np.int64)
    column_of[[d.id for d in documents]] = np.arange(len(documents))
    if measure == "codings":
        cells = _cells(code, column_of[groups.document], len(nodes), len(documents), groups.count)
    else:
        coded, _times = unique_rows(np.column_stack([code[groups.member_group],
                                                     column_of[groups.document[groups.member_group]],
                                                     groups.member_case]))
        cells = _cells(coded[:, 0], coded[:, 1], len(nodes), len(documents))
    column_cases = []
    for document in documents:
        present = case_map.document_case_sets([document.id])
        if resolved.allowed_cases is not None:
            present &= resolved.allowed_cases
        column_cases.append(len(present))
    return Matrix([n.id for n in nodes], [n.path for n in nodes], [d.id for d in documents],
                  [d.name for d in documents], cells, measure, column_cases, 0)


def matrix_table(matrix: Matrix, lang: str = "zh") -> tuple[list[str], list[list]]:
    headers = [t("reports.col_path", lang), *matrix.column_labels]
    rows = [[label, *cells] for label, cells in zip(matrix.row_labels, matrix.cells)]
    return headers, rows
