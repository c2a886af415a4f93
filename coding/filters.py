"""Which codings a report counts, and which case(s) each coding belongs to.

A report can be limited to a set of documents, to some coders and to cases whose attributes
take given values. Documents and coders are filtered in SQL. Cases need a coding's position:

- a position inside a passage that has its own case (one speaker of a group interview)
  belongs to that case; any other position belongs to the document's case, if any;
- a coding belongs to every case of the positions it covers, so a coding that runs from the
  interviewer's question into the interviewee's answer counts for the interviewee, and one
  covering two speakers of a group interview counts for both.

Most documents have one case throughout: their codings are counted by SQL ``GROUP BY``. Only
the codings of documents with speaker-level cases are fetched as spans (integer columns from
one query) and placed by a vectorised binary search over those passages; the reports then
count on numpy columns, never coding by coding.

An attribute filter keeps a coding if at least one of its cases matches every condition, and
the coding then counts only for its matching cases; codings without a case never match.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import chain

import numpy as np
from pypinyin import lazy_pinyin
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from codebook.codes import PATH_SEPARATOR
from corpus.cases import canonical_value
from i18n import BianmaError
from storage.tables import (
    AttributeDefinition, AttributeValue, Case, Code, Coder, Coding, Document, Passage,
)

# Stands for "this case has no value for the attribute" in filters and matrix columns.
NO_VALUE = ""


@dataclass(frozen=True, slots=True)
class CodingFilter:
    """Documents (ids), coders (names) and attribute conditions; ``None``/empty keeps all."""

    documents: frozenset[int] | None = None
    coders: frozenset[str] | None = None
    attributes: tuple[tuple[str, frozenset[str]], ...] = ()

    @classmethod
    def of(cls, *, documents: Iterable[int] | None = None, coders: Iterable[str] | None = None,
           attributes: Mapping[str, Iterable[str]] | None = None) -> CodingFilter:
        return cls(
            documents=None if documents is None else frozenset(int(d) for d in documents),
            coders=None if coders is None else frozenset(coders),
            attributes=tuple(sorted((name, frozenset(values))
                                    for name, values in (attributes or {}).items())),
        )


@dataclass(frozen=True, slots=True)
class _Resolved:
    project_id: int
    document_ids: frozenset[int] | None
    coder_ids: frozenset[int] | None
    allowed_cases: frozenset[int] | None  # None: no attribute condition

    def where(self) -> list:
        """SQL conditions on ``Coding`` (joined to ``Document``) for this filter."""
        conditions = [Document.project_id == self.project_id]
        if self.document_ids is not None:
            conditions.append(Coding.document_id.in_(self.document_ids))
        if self.coder_ids is not None:
            conditions.append(Coding.coder_id.in_(self.coder_ids))
        return conditions


def resolve(session: Session, project_id: int, spec: CodingFilter) -> _Resolved:
    """Check the filter against the project and turn names and values into ids."""
    document_ids = None
    if spec.documents is not None:
        found = set(session.scalars(select(Document.id).where(
            Document.project_id == project_id, Document.id.in_(spec.documents))))
        for missing in sorted(spec.documents - found):
            raise BianmaError("E004", doc=missing)
        document_ids = frozenset(found)
    coder_ids = None
    if spec.coders is not None:
        ids = dict(session.execute(select(Coder.name, Coder.id).where(Coder.name.in_(spec.coders))).all())
        for missing in sorted(spec.coders - ids.keys()):
            raise BianmaError("E601", coder=missing)
        coder_ids = frozenset(ids.values())
    allowed = None
    if spec.attributes:
        allowed = _matching_cases(session, project_id, spec.attributes)
    return _Resolved(project_id, document_ids, coder_ids, allowed)


def _matching_cases(session: Session, project_id: int,
                    conditions: tuple[tuple[str, frozenset[str]], ...]) -> frozenset[int]:
    definitions = {d.name: d for d in session.scalars(
        select(AttributeDefinition).where(AttributeDefinition.project_id == project_id))}
    values = case_values(session, project_id)
    matching = set(session.scalars(select(Case.id).where(Case.project_id == project_id)))
    for name, wanted in conditions:
        if name not in definitions:
            raise BianmaError("E020", attribute=name)
        kind = definitions[name].type
        canonical = {canonical_value(kind, raw, attribute=name) for raw in wanted}
        matching = {c for c in matching if values.get(c, {}).get(name, NO_VALUE) in canonical}
    return frozenset(matching)


def case_values(session: Session, project_id: int) -> dict[int, dict[str, str]]:
    """Each case's attribute values by attribute name (cases without values are absent)."""
    rows = session.execute(
        select(AttributeValue.case_id, AttributeDefinition.name, AttributeValue.value)
        .join(AttributeDefinition, AttributeDefinition.id == AttributeValue.attribute_id)
        .where(AttributeDefinition.project_id == project_id))
    values: dict[int, dict[str, str]] = {}
    for case_id, name, value in rows:
        values.setdefault(case_id, {})[name] = value
    return values


def sort_values(values: Iterable[str], kind: str) -> list[str]:
    """Attribute values in the order a reader expects: numbers by size, text by pinyin."""
    def key(value: str):
        if value == NO_VALUE:
            return (1, 0.0, "")
        if kind == "number":
            try:
                return (0, float(value), value)
            except ValueError:
                pass
        return (0, 0.0, " ".join(lazy_pinyin(value)) + "\0" + value)
    return sorted(set(values), key=key)


def attribute_choices(session: Session, project_id: int) -> dict[str, list[str]]:
    """Every attribute of the project with the values its cases take, in reading order."""
    definitions = session.scalars(select(AttributeDefinition).where(
        AttributeDefinition.project_id == project_id).order_by(AttributeDefinition.id)).all()
    values = case_values(session, project_id)
    return {d.name: sort_values((v[d.name] for v in values.values() if d.name in v), d.type)
            for d in definitions}


def project_coders(session: Session, project_id: int) -> list[str]:
    """Names of the coders who made at least one coding in the project."""
    return list(session.scalars(
        select(Coder.name).join(Coding, Coding.coder_id == Coder.id)
        .join(Document, Document.id == Coding.document_id)
        .where(Document.project_id == project_id).group_by(Coder.name).order_by(Coder.name)))


NO_CASE, SEVERAL = -1, -2  # what ``CaseMap.locate`` says when a coding has no case, or several
_SHIFT = 32                 # (document id << 32) | offset: one sortable key for a position


def fetch_columns(session: Session, statement, width: int) -> np.ndarray:
    """The integer columns of one query as an ``(rows, width)`` array.

    The DB-API cursor's plain tuples are read directly: building a result row object for each
    of 10^5 codings costs more than the query itself.
    """
    result = session.connection().execute(statement)
    rows = result.cursor.fetchall()
    result.close()
    return np.fromiter(chain.from_iterable(rows), dtype=np.int64,
                       count=len(rows) * width).reshape(-1, width)


def distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values of an integer array (sorting beats numpy's hashing here)."""
    ordered = np.sort(values)
    return ordered[np.concatenate([[True], ordered[1:] != ordered[:-1]])] if len(ordered) else ordered


def unique_rows(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of an integer table and how often each occurs (sorted)."""
    if not len(table):
        return table, np.zeros(0, dtype=np.int64)
    ordered = table[np.lexsort(table.T[::-1])]
    new = np.concatenate([[True], (np.diff(ordered, axis=0) != 0).any(axis=1)])
    starts = np.flatnonzero(new)
    return ordered[starts], np.diff(np.append(starts, len(ordered)))


class CaseMap:
    """Where each case is in the project's documents (see the module's description)."""

    def __init__(self, document_cases: dict[int, int | None],
                 case_passages: dict[int, list[tuple[int, int, int]]]) -> None:
        self.document_cases = document_cases
        # Only documents with a passage whose case differs from the document's need spans.
        self.passages = {
            doc: sorted(spans) for doc, spans in case_passages.items()
            if any(case != document_cases.get(doc) for _s, _e, case in spans)
        }
        self._starts = {doc: [s for s, _e, _c in spans] for doc, spans in self.passages.items()}
        flat = [(doc, s, e, case) for doc in sorted(self.passages) for s, e, case in self.passages[doc]]
        table = np.array(flat, dtype=np.int64).reshape(-1, 4)
        self._key_starts = (table[:, 0] << _SHIFT) | table[:, 1]
        self._key_ends = (table[:, 0] << _SHIFT) | table[:, 2]
        self._passage_cases = table[:, 3]
        self.mixed = np.array(sorted(self.passages), dtype=np.int64)
        ids = np.array(list(document_cases), dtype=np.int64)
        self._document_case = np.full(int(ids.max(initial=0)) + 1, NO_CASE, dtype=np.int64)
        self._document_case[ids] = [NO_CASE if c is None else c for c in document_cases.values()]

    def document_case_ids(self, documents: np.ndarray) -> np.ndarray:
        """The whole-document case of each document, or ``NO_CASE``."""
        return self._document_case[documents]

    def document_case(self, document_id: int) -> frozenset[int]:
        case = self.document_cases.get(document_id)
        return frozenset() if case is None else frozenset((case,))

    def cases(self, document_id: int, start: int, end: int) -> frozenset[int]:
        """The cases of the positions ``[start, end)`` of a document."""
        spans = self.passages.get(document_id)
        if spans is None:
            return self.document_case(document_id)
        starts = self._starts[document_id]
        i = max(bisect_right(starts, start) - 1, 0)
        found: set[int] = set()
        covered = 0
        while i < len(spans) and spans[i][0] < end:
            s, e, case = spans[i]
            overlap = min(e, end) - max(s, start)
            if overlap > 0:
                found.add(case)
                covered += overlap
            i += 1
        if covered < end - start:
            found |= self.document_case(document_id)
        return frozenset(found)

    def locate(self, documents: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """For many codings at once: the one case each belongs to, ``NO_CASE`` or ``SEVERAL``
        (then ``cases`` says which)."""
        located = self._document_case[documents]
        mixed = np.isin(documents, self.mixed)
        if not mixed.any():
            return located
        first = (documents[mixed] << _SHIFT) | starts[mixed]
        last = (documents[mixed] << _SHIFT) | ends[mixed]
        # Speaker passages do not overlap: those touched run from the first ending after the
        # coding's start to the last starting before its end.
        low = np.searchsorted(self._key_ends, first, side="right")
        high = np.searchsorted(self._key_starts, last, side="left")
        one = np.minimum(low, len(self._key_starts) - 1)
        inside = (self._key_starts[one] <= first) & (self._key_ends[one] >= last)
        here = located[mixed]
        single = (high - low == 1) & (inside | (here == NO_CASE) | (here == self._passage_cases[one]))
        found = np.where(high == low, here, SEVERAL)
        found[single] = self._passage_cases[one[single]]
        located[mixed] = found
        return located

    def document_case_sets(self, document_ids: Iterable[int]) -> set[int]:
        """Every case that appears anywhere in these documents."""
        cases: set[int] = set()
        for doc in document_ids:
            cases |= self.document_case(doc)
            cases |= {case for _s, _e, case in self.passages.get(doc, ())}
        return cases


def load_case_map(session: Session, project_id: int) -> CaseMap:
    document_cases = dict(session.execute(
        select(Document.id, Document.case_id).where(Document.project_id == project_id)).all())
    case_passages: dict[int, list[tuple[int, int, int]]] = {}
    rows = session.execute(
        select(Passage.document_id, Passage.start, Passage.end, Passage.case_id)
        .join(Document, Document.id == Passage.document_id)
        .where(Document.project_id == project_id, Passage.case_id.is_not(None)))
    for doc, start, end, case in rows:
        case_passages.setdefault(doc, []).append((start, end, case))
    return CaseMap(document_cases, case_passages)


@dataclass(frozen=True)
class CodingGroups:
    """The filtered codings counted by (code, document, set of cases), as columns.

    Group ``g`` holds ``count[g]`` codings of ``code[g]`` in ``document[g]``; its cases are the
    ``member_case`` rows whose ``member_group`` is ``g`` (none for codings without a case).
    """

    code: np.ndarray
    document: np.ndarray
    count: np.ndarray
    member_group: np.ndarray
    member_case: np.ndarray

    def rolled_up(self, parents: dict[int, int | None]) -> CodingGroups:
        """Each group counted again for every ancestor of its code (sub-codes roll up)."""
        parent_of = np.full(max(parents, default=0) + 1, -1, dtype=np.int64)
        for code_id, parent_id in parents.items():
            parent_of[code_id] = -1 if parent_id is None else parent_id
        origin = [np.arange(len(self.code))]
        codes = [self.code]
        while True:
            above = parent_of[codes[-1]]
            kept = above >= 0
            if not kept.any():
                break
            origin.append(origin[-1][kept])
            codes.append(above[kept])
        origin_all = np.concatenate(origin)
        # Memberships follow their group into each copy.
        by_group = np.argsort(self.member_group, kind="stable")
        first = np.searchsorted(self.member_group[by_group], origin_all, side="left")
        last = np.searchsorted(self.member_group[by_group], origin_all, side="right")
        count = last - first
        copies = np.repeat(np.arange(len(origin_all)), count)
        picks = by_group[np.repeat(first, count) + np.arange(count.sum())
                         - np.repeat(np.cumsum(count) - count, count)]
        return CodingGroups(np.concatenate(codes), self.document[origin_all], self.count[origin_all],
                            copies, self.member_case[picks])


def coding_groups(session: Session, project_id: int, spec: CodingFilter = CodingFilter(),
                  ) -> tuple[CodingGroups, CaseMap, _Resolved]:
    """The filtered codings counted by (code, document, cases); also the case map and filter."""
    resolved = resolve(session, project_id, spec)
    case_map = load_case_map(session, project_id)
    # Documents with one case throughout: SQL counts per code and document is all it takes.
    uniform = fetch_columns(session, (
        select(Coding.code_id, Coding.document_id, func.count())
        .join(Document, Document.id == Coding.document_id)
        .where(*resolved.where()).group_by(Coding.code_id, Coding.document_id)), 3)
    uniform = uniform[~np.isin(uniform[:, 1], case_map.mixed)]
    uniform_cases = case_map.document_case_ids(uniform[:, 1])
    parts = [(uniform[:, 0], uniform[:, 1], uniform[:, 2], uniform_cases)]
    several_groups: dict[tuple[int, int, frozenset[int]], int] = {}
    mixed = case_map.mixed if resolved.document_ids is None else \
        case_map.mixed[np.isin(case_map.mixed, list(resolved.document_ids))]
    if len(mixed):
        rows = fetch_columns(session, (
            select(Coding.code_id, Coding.document_id, Coding.start, Coding.end)
            .join(Document, Document.id == Coding.document_id)
            .where(*resolved.where(), Coding.document_id.in_(mixed.tolist()))), 4)
        located = case_map.locate(rows[:, 1], rows[:, 2], rows[:, 3])
        several = located == SEVERAL
        kinds, times = unique_rows(np.column_stack([rows[~several, :2], located[~several]]))
        parts.append((kinds[:, 0], kinds[:, 1], times, kinds[:, 2]))
        for code_id, document_id, start, end in rows[several].tolist():
            key = (code_id, document_id, case_map.cases(document_id, start, end))
            several_groups[key] = several_groups.get(key, 0) + 1
    code = np.concatenate([p[0] for p in parts])
    document = np.concatenate([p[1] for p in parts])
    count = np.concatenate([p[2] for p in parts])
    single = np.concatenate([p[3] for p in parts])
    member_group = [np.flatnonzero(single != NO_CASE)]
    member_case = [single[single != NO_CASE]]
    if several_groups:
        base = len(code)
        keys = list(several_groups)
        code = np.append(code, [k[0] for k in keys])
        document = np.append(document, [k[1] for k in keys])
        count = np.append(count, [several_groups[k] for k in keys])
        member_group.append(np.array([base + i for i, k in enumerate(keys) for _ in k[2]], dtype=np.int64))
        member_case.append(np.array([c for k in keys for c in sorted(k[2])], dtype=np.int64))
    groups = CodingGroups(code, document, count, np.concatenate(member_group),
                          np.concatenate(member_case))
    if resolved.allowed_cases is not None:
        groups = _only_cases(groups, resolved.allowed_cases)
    return groups, case_map, resolved


def _only_cases(groups: CodingGroups, allowed: frozenset[int]) -> CodingGroups:
    """Groups keep only their allowed cases; groups left without a case are dropped."""
    keep = np.isin(groups.member_case, np.array(sorted(allowed), dtype=np.int64))
    member_group, member_case = groups.member_group[keep], groups.member_case[keep]
    kept = distinct(member_group)
    renumber = np.full(len(groups.code), -1, dtype=np.int64)
    renumber[kept] = np.arange(len(kept))
    return CodingGroups(groups.code[kept], groups.document[kept], groups.count[kept],
                        renumber[member_group], member_case)


SPAN_COLUMNS = ("code", "document", "start", "end")


def coding_spans(session: Session, project_id: int,
                 spec: CodingFilter = CodingFilter()) -> np.ndarray:
    """The filtered codings as rows of ``SPAN_COLUMNS``, from one query."""
    resolved = resolve(session, project_id, spec)
    rows = fetch_columns(session, (
        select(Coding.code_id, Coding.document_id, Coding.start, Coding.end)
        .join(Document, Document.id == Coding.document_id).where(*resolved.where())), 4)
    if resolved.allowed_cases is None:
        return rows
    case_map = load_case_map(session, project_id)
    located = case_map.locate(rows[:, 1], rows[:, 2], rows[:, 3])
    keep = np.isin(located, np.array(sorted(resolved.allowed_cases), dtype=np.int64))
    for i in np.flatnonzero(located == SEVERAL):
        keep[i] = bool(case_map.cases(*rows[i, 1:].tolist()) & resolved.allowed_cases)
    return rows[keep]


@dataclass(frozen=True, slots=True)
class TreeCode:
    id: int
    parent_id: int | None
    name: str
    path: str
    depth: int


def code_order(session: Session, project_id: int) -> list[TreeCode]:
    """The codes depth-first in the codebook's order (as ``code_tree``, without counting)."""
    children: dict[int | None, list[tuple[int, str]]] = {}
    for code_id, parent_id, name in session.execute(
            select(Code.id, Code.parent_id, Code.name).where(Code.project_id == project_id)
            .order_by(Code.position, Code.id)):
        children.setdefault(parent_id, []).append((code_id, name))
    nodes: list[TreeCode] = []

    def walk(parent_id: int | None, prefix: str, depth: int) -> None:
        for code_id, name in children.get(parent_id, []):
            path = f"{prefix}{PATH_SEPARATOR}{name}" if prefix else name
            nodes.append(TreeCode(code_id, parent_id, name, path, depth))
            walk(code_id, path, depth + 1)

    walk(None, "", 0)
    return nodes
