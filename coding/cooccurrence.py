"""Code co-occurrence: which codes meet in the same place, with the places to read.

The unit says what "the same place" is:

- ``overlap``: two codings of different codes whose spans share at least one character. A cell
  counts such pairs of codings; the diagonal counts the code's codings.
- ``sentence`` / ``passage``: a sentence, or a passage (speaker turn or notes paragraph),
  that both codes touch (a coding touches every unit it shares a character with). A cell
  counts such units; the diagonal counts the units the code touches.

Codes are counted as applied (no roll-up), with the report filter (documents, coders, case
attributes). Several coders coding the same span each add their own codings.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import chain
from typing import NamedTuple

import numpy as np
from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from coding.filters import CodingFilter, code_order, coding_spans, distinct, fetch_columns
from i18n import BianmaError, t
from storage.tables import Document, Passage

UNITS = ("overlap", "sentence", "passage")


@dataclass(frozen=True, slots=True)
class CooccurrenceMatrix:
    code_ids: list[int]        # codes with at least one coding, codebook order
    labels: list[str]
    counts: list[list[int]]    # symmetric; the diagonal is each code's own count
    unit: str


@dataclass(frozen=True, slots=True)
class CooccurrenceExcerpt:
    document_id: int
    document: str
    start: int                 # the unit (or for overlaps, both codings together)
    end: int
    text: str
    overlap_start: int         # where the two codes' codings meet
    overlap_end: int


def _check_unit(unit: str) -> None:
    if unit not in UNITS:
        raise BianmaError("E603", unit=unit, choices="、".join(UNITS))


def _units(session: Session, project_id: int, unit: str, documents: np.ndarray):
    """Sentences or passages of the documents as sorted keys: (document << 32) | offset."""
    where = (Document.project_id == project_id,
             Passage.document_id.in_(distinct(documents).tolist()))
    order = (Passage.document_id, Passage.start)
    if unit == "passage":
        table = fetch_columns(session, select(Passage.document_id, Passage.start, Passage.end)
                              .join(Document, Document.id == Passage.document_id)
                              .where(*where).order_by(*order), 3)
    else:
        result = session.connection().execute(
            select(Passage.document_id, cast(Passage.sentences, Text))
            .join(Document, Document.id == Passage.document_id).where(*where).order_by(*order))
        rows = result.cursor.fetchall()
        result.close()
        # One JSON document for all passages: a json.loads per passage costs ten times more.
        sentences = json.loads("[" + ",".join(text for _doc, text in rows) + "]")
        spans = np.fromiter(chain.from_iterable(chain.from_iterable(sentences)), dtype=np.int64)
        owners = np.repeat(np.array([doc for doc, _text in rows], dtype=np.int64),
                           [len(found) for found in sentences])
        table = np.column_stack([owners, spans.reshape(-1, 2)])
    return (table[:, 0] << 32) | table[:, 1], (table[:, 0] << 32) | table[:, 2]


def _pairs_below(limits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All index pairs (i, j) with i < j < limits[i]: every later row up to a bound."""
    count = np.maximum(limits - np.arange(len(limits)) - 1, 0)
    first = np.repeat(np.arange(len(limits)), count)
    offsets = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    return first, first + 1 + offsets


def _touched(rows: np.ndarray, codes: np.ndarray, size: int, unit_starts: np.ndarray,
             unit_ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Units and code numbers of every (unit, code) a coding touches, once each, by unit."""
    first = (rows[:, 1] << 32) | rows[:, 2]
    last = (rows[:, 1] << 32) | rows[:, 3]
    # Units are sorted and do not overlap: a coding touches the first unit ending after its
    # start up to the last one starting before its end.
    low = np.searchsorted(unit_ends, first, side="right")
    high = np.searchsorted(unit_starts, last, side="left")
    count = np.maximum(high - low, 0)
    units = np.repeat(low, count) + np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    touched = distinct(units * size + np.repeat(codes, count))
    return touched // size, touched % size


def code_cooccurrence(session: Session, project_id: int, *, unit: str = "overlap",
                      spec: CodingFilter = CodingFilter()) -> CooccurrenceMatrix:
    """How often each pair of codes co-occurs in the chosen unit."""
    _check_unit(unit)
    rows = coding_spans(session, project_id, spec)
    code_ids = distinct(rows[:, 0])
    codes = np.searchsorted(code_ids, rows[:, 0])
    size = len(code_ids)
    if unit == "overlap":
        diagonal = np.bincount(codes, minlength=size)
        order = np.lexsort((rows[:, 2], rows[:, 1]))
        starts = (rows[order, 1] << 32) | rows[order, 2]
        ends = (rows[order, 1] << 32) | rows[order, 3]
        # Sorted by start, a coding overlaps exactly the later ones that start before it ends.
        a, b = _pairs_below(np.searchsorted(starts, ends, side="left"))
        a, b = codes[order][a], codes[order][b]
    else:
        unit_starts, unit_ends = _units(session, project_id, unit, rows[:, 1])
        units, inverse = _touched(rows, codes, size, unit_starts, unit_ends)
        diagonal = np.bincount(inverse, minlength=size)
        # Sorted by unit: pair each (unit, code) with the later ones of the same unit.
        a, b = _pairs_below(np.searchsorted(units, units, side="right"))
        a, b = inverse[a], inverse[b]
    different = a != b
    pairs = np.bincount(a[different] * size + b[different], minlength=size * size).reshape(size, size)
    counts = pairs + pairs.T
    counts[np.arange(size), np.arange(size)] = diagonal
    ids = code_ids.tolist()
    nodes = [n for n in code_order(session, project_id) if n.id in set(ids)]
    position = [ids.index(n.id) for n in nodes]
    return CooccurrenceMatrix([n.id for n in nodes], [n.path for n in nodes],
                              counts[np.ix_(position, position)].tolist(), unit)


def _unit_lists(session: Session, project_id: int, unit: str, documents: set[int]):
    """Per document, the unit starts and ends as lists (for the few codings of one pair)."""
    starts, ends = _units(session, project_id, unit, np.array(sorted(documents), dtype=np.int64))
    found: dict[int, tuple[list[int], list[int]]] = {}
    for start, end in zip(starts.tolist(), ends.tolist()):
        lists = found.setdefault(start >> 32, ([], []))
        lists[0].append(start & 0xFFFFFFFF)
        lists[1].append(end & 0xFFFFFFFF)
    return found


def _unit_range(starts: list[int], ends: list[int], start: int, end: int) -> range:
    return range(bisect_right(ends, start), bisect_left(starts, end))


class _Span(NamedTuple):
    code: int
    document: int
    start: int
    end: int


def _by_document(rows: list[_Span]) -> dict[int, list[_Span]]:
    documents: dict[int, list[_Span]] = {}
    for row in rows:
        documents.setdefault(row.document, []).append(row)
    return documents


def _overlapping_pairs(rows: list[_Span]):
    """Pairs of codings (of different codes) in one document that share a character."""
    active: list[_Span] = []
    for row in sorted(rows, key=lambda r: (r.start, r.end)):
        active = [a for a in active if a.end > row.start]
        for other in active:
            if other.code != row.code:
                yield other, row
        active.append(row)


def cooccurrence_excerpts(session: Session, project_id: int, code_a: int, code_b: int, *,
                          unit: str = "overlap", spec: CodingFilter = CodingFilter(),
                          ) -> list[CooccurrenceExcerpt]:
    """The places where two codes co-occur, in reading order, each place once."""
    _check_unit(unit)
    if code_a == code_b:
        return []
    spans = coding_spans(session, project_id, spec)
    rows = [_Span(*r) for r in spans[np.isin(spans[:, 0], [code_a, code_b])].tolist()]
    documents = _by_document(rows)
    places: dict[tuple[int, int, int], tuple[int, int]] = {}
    if unit == "overlap":
        for document_id, document_rows in documents.items():
            for a, b in _overlapping_pairs(document_rows):
                key = (document_id, min(a.start, b.start), max(a.end, b.end))
                meet = (max(a.start, b.start), min(a.end, b.end))
                old = places.get(key, meet)
                places[key] = (min(old[0], meet[0]), max(old[1], meet[1]))
    else:
        units = _unit_lists(session, project_id, unit, set(documents))
        for document_id, document_rows in documents.items():
            starts, ends = units.get(document_id, ([], []))
            seen: dict[int, dict[int, list[tuple[int, int]]]] = {}
            for row in document_rows:
                for index in _unit_range(starts, ends, row.start, row.end):
                    seen.setdefault(index, {}).setdefault(row.code, []).append((row.start, row.end))
            for index, codes in seen.items():
                if code_a not in codes or code_b not in codes:
                    continue
                unit_start, unit_end = starts[index], ends[index]
                meets = [(max(sa, sb, unit_start), min(ea, eb, unit_end))
                         for sa, ea in codes[code_a] for sb, eb in codes[code_b]]
                meets = [m for m in meets if m[0] < m[1]]
                # Both codes in the unit without touching each other: nothing to mark.
                meet = ((min(m[0] for m in meets), max(m[1] for m in meets)) if meets
                        else (unit_start, unit_start))
                places[document_id, unit_start, unit_end] = meet
    if not places:
        return []
    documents_found = {
        row.id: row for row in session.execute(
            select(Document.id, Document.name, Document.position, Document.text)
            .where(Document.id.in_({key[0] for key in places})))
    }
    excerpts = [
        CooccurrenceExcerpt(doc, documents_found[doc].name, start, end,
                            documents_found[doc].text[start:end], meet[0], meet[1])
        for (doc, start, end), meet in places.items()
    ]
    excerpts.sort(key=lambda x: (documents_found[x.document_id].position, x.document_id, x.start,
                                 x.end))
    return excerpts


def cooccurrence_table(matrix: CooccurrenceMatrix, lang: str = "zh") -> tuple[list[str], list[list]]:
    headers = [t("reports.col_path", lang), *matrix.labels]
    return headers, [[label, *row] for label, row in zip(matrix.labels, matrix.counts)]
