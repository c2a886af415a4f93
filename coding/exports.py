"""Coded segments out of Bianma: for reading with context, for Excel and WPS, for papers.

``segment_rows`` gathers everything a researcher wants next to a quote (document, speaker,
case, coder, a few sentences around it); the writers turn rows into CSV (UTF-8 with a BOM, so
Excel on Windows shows Chinese), XLSX (openpyxl) or a Word quote table (python-docx) whose
fonts name a Chinese face for East Asian text, so Word and WPS show it the same way.
"""

from __future__ import annotations

import copy
import csv
import io
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from codebook.codes import get_code
from coding.codings import CodedSegment, code_segments, project_codings
from coding.refi import xml_text
from corpus.projects import find_project
from i18n import t
from storage.tables import Case, Document, Passage

CSV_BOM = "\ufeff"
# Cells a spreadsheet would run as a formula (CSV injection); a leading apostrophe keeps
# them text in Excel and WPS.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EAST_ASIAN_FONT = "宋体"
LATIN_FONT = "Times New Roman"


@dataclass(frozen=True, slots=True)
class SegmentRow:
    id: int
    code_path: str
    document: str
    speaker: str
    case: str
    coder: str
    start: int
    end: int
    text: str
    before: str
    after: str
    memo: str
    provenance: str
    created_at: datetime
    color: str = "#f4a261"


# --- gathering --------------------------------------------------------------------------


def segment_rows(session: Session, project_id: int, code_id: int, *, include_children: bool = False,
                 context: int = 1) -> list[SegmentRow]:
    """Every segment coded with a code (and its sub-codes if asked), with its context.

    ``context`` is the number of whole sentences shown before and after the sentences the
    segment touches; 0 completes those sentences only.
    """
    get_code(session, project_id, code_id)
    segments = code_segments(session, project_id, code_id, include_children=include_children)
    return _rows(session, segments, max(context, 0))


def coding_rows(session: Session, project_id: int, *, context: int = 0) -> list[SegmentRow]:
    """All codings of a project in reading order."""
    find_project(session, project_id)
    return _rows(session, project_codings(session, project_id), max(context, 0))


class _DocumentIndex:
    """A document's sentences and passages, sorted once for lookups by offset."""

    def __init__(self, text: str, case_id: int | None) -> None:
        self.text, self.case_id = text, case_id
        self.sentences: list[tuple[int, int]] = []
        self.passages: list[tuple[int, int, int | None]] = []

    def freeze(self) -> None:
        self.sentences.sort()
        self.passages.sort()
        self.sentence_starts = [s for s, _e in self.sentences]
        self.passage_starts = [s for s, _e, _c in self.passages]

    def context(self, start: int, end: int, context: int) -> tuple[int, int]:
        """Where the context before ``start`` begins and the context after ``end`` ends."""
        spans = self.sentences
        if not spans:
            return start, end
        first = max(bisect_right(self.sentence_starts, start) - 1, 0)
        last = max(bisect_right(self.sentence_starts, end - 1) - 1, 0)
        before = spans[max(first - context, 0)][0]
        after = spans[min(last + context, len(spans) - 1)][1]
        return min(before, start), max(after, end)

    def case_at(self, offset: int) -> int | None:
        """The case of the passage at ``offset`` (one speaker's), else the document's."""
        i = bisect_right(self.passage_starts, offset) - 1
        if i >= 0:
            start, end, case_id = self.passages[i]
            if start <= offset < end and case_id:
                return case_id
        return self.case_id


def _rows(session: Session, segments: list[CodedSegment], context: int) -> list[SegmentRow]:
    document_ids = {s.document_id for s in segments}
    if not document_ids:
        return []
    documents = {
        document_id: _DocumentIndex(text, case_id) for document_id, text, case_id in session.execute(
            select(Document.id, Document.text, Document.case_id).where(Document.id.in_(document_ids)))}
    for document_id, start, end, case_id, spans in session.execute(
            select(Passage.document_id, Passage.start, Passage.end, Passage.case_id, Passage.sentences)
            .where(Passage.document_id.in_(document_ids))):
        documents[document_id].passages.append((start, end, case_id))
        documents[document_id].sentences.extend((s, e) for s, e in spans)
    for index in documents.values():
        index.freeze()
    case_ids = {c for index in documents.values() for c in
                [index.case_id, *(c for _s, _e, c in index.passages)] if c}
    case_names = dict(session.execute(
        select(Case.id, Case.name).where(Case.id.in_(case_ids))).all()) if case_ids else {}
    rows = []
    for s in segments:
        index = documents[s.document_id]
        before_start, after_end = index.context(s.start, s.end, context)
        case_id = index.case_at(s.start)
        rows.append(SegmentRow(
            id=s.id, code_path=s.code_path, document=s.document, speaker=s.speaker or "",
            case=case_names.get(case_id, "") if case_id else "", coder=s.coder,
            start=s.start, end=s.end, text=s.text,
            before=index.text[before_start:s.start], after=index.text[s.end:after_end],
            memo=s.memo, provenance=s.provenance, created_at=s.created_at, color=s.color,
        ))
    return rows


# --- tables -----------------------------------------------------------------------------

Column = tuple[str, Callable[[SegmentRow], Any]]


def _provenance(lang: str) -> Callable[[SegmentRow], str]:
    return lambda r: t(f"exchange.provenance.{r.provenance}", lang)


def _utc(moment: datetime) -> datetime:
    # Excel has no time zones: write the UTC wall time and say so in the header.
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def segment_columns() -> list[Column]:
    return [
        ("exchange.col_code", lambda r: r.code_path),
        ("exchange.col_document", lambda r: r.document),
        ("exchange.col_speaker", lambda r: r.speaker),
        ("exchange.col_case", lambda r: r.case),
        ("exchange.col_coder", lambda r: r.coder),
        ("exchange.col_before", lambda r: r.before),
        ("exchange.col_text", lambda r: r.text),
        ("exchange.col_after", lambda r: r.after),
        ("exchange.col_start", lambda r: r.start),
        ("exchange.col_end", lambda r: r.end),
        ("exchange.col_memo", lambda r: r.memo),
    ]


def coding_columns(lang: str) -> list[Column]:
    return [
        ("exchange.col_id", lambda r: r.id),
        ("exchange.col_document", lambda r: r.document),
        ("exchange.col_code", lambda r: r.code_path),
        ("exchange.col_start", lambda r: r.start),
        ("exchange.col_end", lambda r: r.end),
        ("exchange.col_text", lambda r: r.text),
        ("exchange.col_coder", lambda r: r.coder),
        ("exchange.col_speaker", lambda r: r.speaker),
        ("exchange.col_case", lambda r: r.case),
        ("exchange.col_provenance", _provenance(lang)),
        ("exchange.col_memo", lambda r: r.memo),
        ("exchange.col_created", lambda r: _utc(r.created_at)),
    ]


def table_csv(rows: list[SegmentRow], columns: list[Column], lang: str = "zh") -> bytes:
    """CSV in UTF-8 with a byte-order mark: without it Excel on Chinese Windows reads GBK."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([t(key, lang) for key, _get in columns])
    for row in rows:
        writer.writerow([_csv_cell(get(row)) for _key, get in columns])
    return (CSV_BOM + out.getvalue()).encode("utf-8")


def _csv_cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def table_xlsx(rows: list[SegmentRow], columns: list[Column], lang: str = "zh",
               sheet: str = "exchange.sheet_segments") -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    # Write-only mode streams rows out; a workbook of thousands of codings stays quick.
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(t(sheet, lang))
    for column, (key, _get) in enumerate(columns, start=1):
        wide = key in ("exchange.col_text", "exchange.col_before", "exchange.col_after", "exchange.col_memo")
        worksheet.column_dimensions[get_column_letter(column)].width = 48 if wide else 16
    worksheet.freeze_panes = "A2"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")

    def cell(value: Any, **style: Any) -> WriteOnlyCell:
        written = WriteOnlyCell(worksheet, value=xml_text(value) if isinstance(value, str) else value)
        if isinstance(value, str):
            # Quotes are data: a quote starting with "=" must not become a formula.
            written.data_type = "s"
        for name, setting in style.items():
            setattr(written, name, setting)
        return written

    worksheet.append([cell(t(key, lang), font=bold) for key, _get in columns])
    for row in rows:
        worksheet.append([cell(value, alignment=wrap) if isinstance(value := get(row), str) else cell(value)
                          for _key, get in columns])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def segments_xlsx(rows: list[SegmentRow], lang: str = "zh") -> bytes:
    return table_xlsx(rows, segment_columns(), lang)


def segments_csv(rows: list[SegmentRow], lang: str = "zh") -> bytes:
    return table_csv(rows, segment_columns(), lang)


def codings_xlsx(rows: list[SegmentRow], lang: str = "zh") -> bytes:
    return table_xlsx(rows, coding_columns(lang), lang, sheet="exchange.sheet_codings")


def codings_csv(rows: list[SegmentRow], lang: str = "zh") -> bytes:
    return table_csv(rows, coding_columns(lang), lang)


# --- the Word quote table ---------------------------------------------------------------


def segments_docx(rows: list[SegmentRow], *, title: str, lang: str = "zh",
                  show_context: bool = False) -> bytes:
    """A quote table (code, quote, source) ready to paste into a paper."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt, RGBColor

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4, the paper used in China
    for style_name in ("Normal", "Title", "Heading 1", "Table Grid"):
        cjk_style(document.styles[style_name])
    document.styles["Normal"].font.size = Pt(10.5)  # 五号
    heading = document.add_heading(level=1)
    cjk_run(heading.add_run(xml_text(title)))
    documents = len({r.document for r in rows})
    cjk_run(document.add_paragraph().add_run(
        t("exchange.docx_summary", lang, count=len(rows), documents=documents)))
    table = document.add_table(rows=1, cols=3)
    table.style = document.styles["Table Grid"]
    widths = (Cm(3.5), Cm(9.0), Cm(4.5))
    # Word goes by each cell's width, LibreOffice by the table grid: set both.
    for column, width in zip(table.columns, widths):
        column.width = width
    for cell, key, width in zip(table.rows[0].cells, ("exchange.col_code", "exchange.col_quote",
                                                      "exchange.col_source"), widths):
        cell.width = width
        cjk_run(cell.paragraphs[0].add_run(t(key, lang))).bold = True
    grey = RGBColor(0x76, 0x76, 0x76)
    for row in rows:
        # add_row gives each new cell the grid's width
        code_cell, quote_cell, source_cell = table.add_row().cells
        cjk_run(code_cell.paragraphs[0].add_run(xml_text(row.code_path)))
        paragraph = quote_cell.paragraphs[0]
        if show_context and row.before:
            cjk_run(paragraph.add_run(xml_text(row.before))).font.color.rgb = grey
        cjk_run(paragraph.add_run(xml_text(row.text))).bold = show_context
        if show_context and row.after:
            cjk_run(paragraph.add_run(xml_text(row.after))).font.color.rgb = grey
        cjk_run(source_cell.paragraphs[0].add_run(xml_text(t(
            "exchange.source_line", lang, document=row.document, speaker=row.speaker or "—",
            case=row.case or "—", coder=row.coder, start=row.start, end=row.end))))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _set_fonts(r_pr) -> None:
    """Name the Latin and the East Asian face and drop theme fonts, which would override them
    (Word's default headings use theme fonts, and WPS reads w:eastAsia for Chinese)."""
    from docx.oxml.ns import qn

    fonts = r_pr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    fonts.set(qn("w:hint"), "eastAsia")


def cjk_style(style) -> None:
    """Name the CJK font on a Word style and mark its East Asian language as Chinese."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    r_pr = style.element.get_or_add_rPr()
    _set_fonts(r_pr)
    language = r_pr.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        r_pr.insert_element_before(language, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    language.set(qn("w:eastAsia"), "zh-CN")


@lru_cache(maxsize=1)
def _run_fonts():
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    return parse_xml(f'<w:rPr {nsdecls("w")}><w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" '
                     f'w:eastAsia="{EAST_ASIAN_FONT}" w:hint="eastAsia"/></w:rPr>')


def cjk_run(run):
    """The fonts named on each run as well; a copied element is much quicker to add than one
    built through python-docx, which matters for a table of thousands of quotes."""
    if run._r.rPr is None:
        run._r.insert(0, copy.deepcopy(_run_fonts()))
    else:
        _set_fonts(run._r.rPr)
    return run
