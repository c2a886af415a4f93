"""The open-coding and axial-coding tables of a grounded-theory paper, as plain rows.

**Open coding** (开放式编码, 原始语句 → 初始概念 → 范畴): one row per coded statement, grouped
by category and then by concept, both in codebook order (concepts without a category last),
statements in reading order (document order, then offset). Numbering follows the common
convention of Chinese papers: categories A1, A2 …, concepts a1, a2 … numbered through the whole
table, and statement *k* of concept a*n* is a*n*-*k* (a1-1, a1-2 …). Only what has statements is
numbered. Several coders (or several sub-codes of one concept) coding the same span give one
statement. Codings on codes above concept level are left out and counted (``left_out``).

**Axial coding** (主轴编码, 主范畴 → 对应范畴 → 关系内涵): one row per category under each main
category (codebook order); a main category without categories has one row with no category.
A row's relation type and meaning are the category's own if it has them, else its main
category's. Category numbers are the open-coding table's. The core categories and their story
lines (选择性编码) come with it.

``open_plain`` and ``axial_plain`` turn these into headers, rows of strings and the cells to
merge, which the page shows and ``coding.grounded_exports`` writes to XLSX and DOCX.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from coding.codings import project_codings
from coding.grounded import Hierarchy, project_hierarchy
from corpus.projects import find_project
from i18n import t


@dataclass(frozen=True, slots=True)
class OpenRow:
    category_number: str  # "A1"; "" for concepts without a category
    category: str
    category_id: int | None
    concept_number: str  # "a1"
    concept: str
    concept_id: int
    number: str  # "a1-1"
    text: str
    document: str
    speaker: str
    document_id: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class OpenTable:
    rows: list[OpenRow]
    left_out: int  # codings on codes above concept level

    @property
    def concepts(self) -> int:
        return len({row.concept_id for row in self.rows})

    @property
    def categories(self) -> int:
        return len({row.category_id for row in self.rows if row.category_id is not None})

    def category_numbers(self) -> dict[int, str]:
        return {row.category_id: row.category_number for row in self.rows if row.category_id}


@dataclass(frozen=True, slots=True)
class AxialRow:
    main_category: str
    main_id: int
    category_number: str  # the open-coding table's number, "" if it has no statements
    category: str
    category_id: int | None
    relation_type: str
    relation_meaning: str


@dataclass(frozen=True, slots=True)
class CoreCategory:
    id: int
    name: str
    relation_type: str
    story_line: str
    main_categories: list[str]


@dataclass(frozen=True, slots=True)
class AxialTable:
    rows: list[AxialRow]
    core: list[CoreCategory]


@dataclass(frozen=True, slots=True)
class PlainTable:
    """Headers, rows of strings, and the cells to merge as (column, first row, last row) over
    the data rows (0-based, header excluded); ``widths`` are relative column widths."""

    headers: list[str]
    rows: list[list[str]]
    merged: list[tuple[int, int, int]] = field(default_factory=list)
    widths: tuple[float, ...] = ()


# --- open coding ------------------------------------------------------------------------


def open_coding_table(session: Session, project_id: int, *,
                      coders: list[str] | None = None) -> OpenTable:
    """The open-coding table of a project (of the given coders' codings only, if named)."""
    project = find_project(session, project_id)
    hierarchy = project_hierarchy(session, project.id)
    order = {node.id: index for index, node in enumerate(hierarchy.nodes)}
    statements: dict[int, list] = {}
    seen: set[tuple[int, int, int, int]] = set()
    left_out = 0
    for segment in project_codings(session, project.id):
        if coders and segment.coder not in coders:
            continue
        concept = hierarchy.concept_of(segment.code_id)
        if concept is None:
            left_out += 1
            continue
        key = (concept, segment.document_id, segment.start, segment.end)
        if key in seen:
            continue
        seen.add(key)
        statements.setdefault(concept, []).append(segment)

    def group(concept_id: int) -> tuple[int, int]:
        category = hierarchy.above(concept_id, "category")
        # Concepts without a category come after every category.
        return (order[category] if category is not None else len(order), order[concept_id])

    rows: list[OpenRow] = []
    category_numbers: dict[int, str] = {}
    for concept_number, concept_id in enumerate(sorted(statements, key=group), start=1):
        category_id = hierarchy.above(concept_id, "category")
        if category_id is not None and category_id not in category_numbers:
            category_numbers[category_id] = f"A{len(category_numbers) + 1}"
        for number, segment in enumerate(statements[concept_id], start=1):
            rows.append(OpenRow(
                category_number=category_numbers.get(category_id, "") if category_id else "",
                category=hierarchy.by_id[category_id].name if category_id else "",
                category_id=category_id, concept_number=f"a{concept_number}",
                concept=hierarchy.by_id[concept_id].name, concept_id=concept_id,
                number=f"a{concept_number}-{number}", text=segment.text, document=segment.document,
                speaker=segment.speaker or "", document_id=segment.document_id,
                start=segment.start, end=segment.end))
    return OpenTable(rows=rows, left_out=left_out)


def numbered(number: str, name: str) -> str:
    return f"{number} {name}" if number else name


def open_plain(table: OpenTable, lang: str = "zh") -> PlainTable:
    """编号 | 原始语句 | 来源文档 | 说话人 | 初始概念 | 范畴, concepts and categories merged."""
    headers = [t(f"grounded.col_{key}", lang) for key in
               ("number", "statement", "document", "speaker", "concept", "category")]
    no_category = t("grounded.no_category", lang)
    rows = [[row.number, row.text, row.document, row.speaker,
             numbered(row.concept_number, row.concept),
             numbered(row.category_number, row.category) if row.category_id else no_category]
            for row in table.rows]
    categories = _runs([row.category_id or 0 for row in table.rows])
    concepts = [run for first, last in categories
                for run in _runs([row.concept_id for row in table.rows[first:last + 1]], first)]
    merged = ([(4, first, last) for first, last in concepts if last > first]
              + [(5, first, last) for first, last in categories if last > first])
    return PlainTable(headers, rows, merged, widths=(1.3, 6.9, 2.2, 1.6, 2.4, 2.2))


# --- axial and selective coding ---------------------------------------------------------


def axial_coding_table(session: Session, project_id: int, *,
                       open_table: OpenTable | None = None) -> AxialTable:
    """Main categories with their categories and relations, and the core categories."""
    project = find_project(session, project_id)
    hierarchy = project_hierarchy(session, project.id)
    numbers = (open_table or open_coding_table(session, project.id)).category_numbers()
    rows: list[AxialRow] = []
    for main in hierarchy.of_level("main_category"):
        categories = [node for node in hierarchy.of_level("category")
                      if hierarchy.above(node.id, "main_category") == main.id]
        for category in categories or [None]:
            rows.append(AxialRow(
                main_category=main.name, main_id=main.id,
                category_number=numbers.get(category.id, "") if category else "",
                category=category.name if category else "",
                category_id=category.id if category else None,
                relation_type=(category and category.relation_type) or main.relation_type,
                relation_meaning=(category and category.relation_meaning) or main.relation_meaning))
    return AxialTable(rows=rows, core=_core(hierarchy))


def _core(hierarchy: Hierarchy) -> list[CoreCategory]:
    return [CoreCategory(
        id=core.id, name=core.name, relation_type=core.relation_type,
        story_line=core.relation_meaning,
        main_categories=[m.name for m in hierarchy.of_level("main_category")
                         if hierarchy.above(m.id, "core_category") == core.id])
        for core in hierarchy.of_level("core_category")]


def axial_plain(table: AxialTable, lang: str = "zh") -> PlainTable:
    """主范畴 | 对应范畴 | (关系类型, if any row has one) | 关系内涵, with main categories merged
    and equal relation cells merged within a main category."""
    with_type = any(row.relation_type for row in table.rows)
    keys = ["main_category", "categories", *(["relation_type"] if with_type else []), "meaning"]
    headers = [t(f"grounded.col_{key}", lang) for key in keys]
    rows = [[row.main_category, numbered(row.category_number, row.category),
             *([row.relation_type] if with_type else []), row.relation_meaning]
            for row in table.rows]
    mains = _runs([row.main_id for row in table.rows])
    merged = [(0, first, last) for first, last in mains if last > first]
    for column in range(2, len(headers)):
        for first, last in mains:
            merged += [(column, a, b) for a, b in
                       _runs([r[column] for r in rows[first:last + 1]], first) if b > a]
    widths = (3.0, 3.6, *((2.0,) if with_type else ()), 7.9)
    return PlainTable(headers, rows, sorted(merged), widths=widths)


def core_lines(table: AxialTable, lang: str = "zh") -> list[str]:
    """The selective-coding sentences under the axial table: core category and story line."""
    lines = []
    for core in table.core:
        lines.append(t("grounded.core_line", lang, name=core.name,
                       mains="、".join(core.main_categories) or "—"))
        if core.story_line:
            lines.append(t("grounded.story_line", lang, story=core.story_line))
    return lines


def _runs(values: list, offset: int = 0) -> list[tuple[int, int]]:
    """(first, last) indices of the runs of equal consecutive values."""
    runs: list[tuple[int, int]] = []
    for index, value in enumerate(values):
        if runs and values[runs[-1][1] - offset] == value:
            runs[-1] = (runs[-1][0], index + offset)
        else:
            runs.append((index + offset, index + offset))
    return runs
