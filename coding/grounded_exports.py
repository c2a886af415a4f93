"""The open- and axial-coding tables as XLSX and DOCX, ready to paste into a paper.

Both writers take a ``PlainTable`` (``coding.grounded_tables``): the grouped cells (category,
concept, main category, equal relation cells) are merged in both formats. The Word table names
宋体 for East Asian text on every run and style, through the helpers of ``coding.exports``,
so Word and WPS show the Chinese the same way.
"""

from __future__ import annotations

import io

from coding.exports import cjk_run, cjk_style
from coding.grounded_tables import (
    AxialTable, OpenTable, PlainTable, axial_plain, core_lines, open_plain,
)
from coding.refi import xml_text
from i18n import t

XLSX_CHARACTERS_PER_UNIT = 4.2  # relative widths -> Excel column widths (characters)


def table_xlsx(table: PlainTable, sheet: str, *, notes: list[str] | None = None,
               notes_sheet: str | None = None) -> bytes:
    """One sheet with the table (bold header, wrapped text, merged groups), and the notes
    (core category, story line) on a second sheet if there are any."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = _sheet_title(sheet)
    wrap = Alignment(wrap_text=True, vertical="top")
    middle = Alignment(wrap_text=True, vertical="center")
    for column, header in enumerate(table.headers, start=1):
        _text_cell(worksheet.cell(row=1, column=column), header).font = Font(bold=True)
    covered = _covered(table)
    for row_number, row in enumerate(table.rows, start=2):
        for column, value in enumerate(row, start=1):
            if (column - 1, row_number - 2) not in covered:
                _text_cell(worksheet.cell(row=row_number, column=column), value).alignment = wrap
    for column, first, last in table.merged:
        worksheet.merge_cells(start_row=first + 2, end_row=last + 2,
                              start_column=column + 1, end_column=column + 1)
        worksheet.cell(row=first + 2, column=column + 1).alignment = middle
    for column, width in enumerate(table.widths, start=1):
        worksheet.column_dimensions[get_column_letter(column)].width = width * XLSX_CHARACTERS_PER_UNIT
    worksheet.freeze_panes = "A2"
    if notes:
        extra = workbook.create_sheet(_sheet_title(notes_sheet or "notes"))
        extra.column_dimensions["A"].width = 100
        for row_number, line in enumerate(notes, start=1):
            _text_cell(extra.cell(row=row_number, column=1), line).alignment = wrap
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _covered(table: PlainTable) -> set[tuple[int, int]]:
    """(column, row) of the cells a merge covers below its first cell: they stay empty."""
    return {(column, row) for column, first, last in table.merged for row in range(first + 1, last + 1)}


def _text_cell(cell, value: str):
    cell.value = xml_text(value)
    # A statement starting with "=" is a quote, not a formula.
    cell.data_type = "s"
    return cell


def _sheet_title(title: str) -> str:
    # Excel refuses these characters and titles over 31 characters.
    for char in "[]:*?/\\":
        title = title.replace(char, " ")
    return title[:31]


def table_docx(table: PlainTable, *, title: str, notes: list[str] | None = None) -> bytes:
    """A Word document: the title, the table (grid, merged groups, bold header), the notes."""
    import docx
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.table import _Cell
    from docx.shared import Cm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
    section.left_margin = section.right_margin = Cm(2.2)
    for style_name in ("Normal", "Title", "Heading 1", "Table Grid"):
        cjk_style(document.styles[style_name])
    document.styles["Normal"].font.size = Pt(10.5)  # 五号
    heading = document.add_heading(level=1)
    cjk_run(heading.add_run(xml_text(title)))
    grid = document.add_table(rows=1 + len(table.rows), cols=len(table.headers))
    grid.style = document.styles["Table Grid"]
    total = sum(table.widths) or 1.0
    widths = [Cm(16.6 * width / total) for width in table.widths]
    # Word goes by each cell's width, LibreOffice by the table grid: set both.
    for column, width in zip(grid.columns, widths):
        column.width = width
    # The rows' XML is walked once: python-docx's row and cell lookups search the whole table
    # each time, which made a table of a few thousand statements take minutes.
    rows = [[_Cell(tc, grid) for tc in tr.tc_lst] for tr in grid._tbl.tr_lst]
    covered = _covered(table)
    for row_index, values in enumerate([table.headers, *table.rows]):
        cells = rows[row_index]
        for column, value in enumerate(values):
            if widths:
                cells[column].width = widths[column]
            if value and (column, row_index - 1) not in covered:
                run = cjk_run(cells[column].paragraphs[0].add_run(xml_text(value)))
                run.bold = row_index == 0 or None
    for column, first, last in table.merged:
        # A vertical merge as Word writes it: the group's first cell restarts the merge, the
        # cells below continue it (they hold no text, so nothing needs moving).
        rows[first + 1][column]._tc.vMerge = "restart"
        rows[first + 1][column].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        for row_index in range(first + 2, last + 2):
            rows[row_index][column]._tc.vMerge = "continue"
    for line in notes or []:
        cjk_run(document.add_paragraph().add_run(xml_text(line)))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def open_table_xlsx(table: OpenTable, lang: str = "zh") -> bytes:
    return table_xlsx(open_plain(table, lang), t("grounded.sheet_open", lang))


def open_table_docx(table: OpenTable, lang: str = "zh") -> bytes:
    return table_docx(open_plain(table, lang), title=t("grounded.title_open", lang))


def axial_table_xlsx(table: AxialTable, lang: str = "zh") -> bytes:
    return table_xlsx(axial_plain(table, lang), t("grounded.sheet_axial", lang),
                      notes=core_lines(table, lang), notes_sheet=t("grounded.sheet_selective", lang))


def axial_table_docx(table: AxialTable, lang: str = "zh") -> bytes:
    return table_docx(axial_plain(table, lang), title=t("grounded.title_axial", lang),
                      notes=core_lines(table, lang))
