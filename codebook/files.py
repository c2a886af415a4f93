"""Codebooks as CSV and XLSX files (and REFI-QDA .qdc through ``codebook.qdc``).

A codebook file has one code per row: path (``融入困境/文化冲击``), definition, inclusion and
exclusion criteria, example, colour and codable. Instead of a path a file may give a name and
a parent column, the shape many spreadsheets grow into; parents are then resolved by name
and cycles are reported. Headers are recognised in Chinese or English. CSV files come in
UTF-8 (with or without BOM) or GB18030/GBK, as Chinese Excel writes them; reading goes
through the corpus readers, which detect the encoding and cap sizes.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import PurePath

import openpyxl
from openpyxl.styles import Font, PatternFill
from sqlalchemy.orm import Session

from codebook import changes
from codebook.codes import PATH_SEPARATOR, code_tree
from codebook.specs import CodeSpec, CodebookFileError, ImportReport, apply_specs
from corpus.reading import ImportLimits, TableRow, check_size, read_csv_rows, read_xlsx_rows
from i18n import BianmaError

COLUMNS = ("path", "definition", "inclusion", "exclusion", "example", "color", "codable")
HEADER_LABELS = {
    "zh": ("代码路径", "定义", "纳入标准", "排除标准", "示例", "颜色", "可编码"),
    "en": ("path", "definition", "inclusion", "exclusion", "example", "colour", "codable"),
}
# Header spellings met in the wild, compared without case, spaces, underscores or hyphens.
HEADER_ALIASES = {
    "path": ("path", "codepath", "代码路径", "路径", "节点路径"),
    "name": ("name", "code", "codename", "名称", "代码", "代码名称", "节点", "节点名称"),
    "parent": ("parent", "parentcode", "parentpath", "上级", "上级代码", "父代码", "父节点", "上级节点"),
    "definition": ("definition", "description", "定义", "描述", "说明", "代码定义"),
    "inclusion": ("inclusion", "inclusioncriteria", "纳入标准", "纳入", "包含标准", "适用"),
    "exclusion": ("exclusion", "exclusioncriteria", "排除标准", "排除", "不适用"),
    "example": ("example", "examplequote", "示例", "例子", "示例引文", "典型引文", "举例"),
    "color": ("color", "colour", "颜色", "色彩"),
    "codable": ("codable", "iscodable", "可编码", "是否可编码"),
}
YES = {"是", "可", "可编码", "y", "yes", "true", "1", "√", "✓", "t"}
NO = {"否", "不", "不可", "不可编码", "n", "no", "false", "0", "×", "f"}
# Colour names researchers type, mapped to the soft tones of the code palette.
COLOR_NAMES = {
    "红": "#f28482", "红色": "#f28482", "red": "#f28482",
    "橙": "#f4a261", "橙色": "#f4a261", "orange": "#f4a261",
    "黄": "#ffd166", "黄色": "#ffd166", "yellow": "#ffd166",
    "绿": "#90be6d", "绿色": "#90be6d", "green": "#90be6d",
    "青": "#84dcc6", "青色": "#84dcc6", "cyan": "#84dcc6", "teal": "#84dcc6",
    "蓝": "#4cc9f0", "蓝色": "#4cc9f0", "blue": "#4cc9f0",
    "紫": "#b5a1e6", "紫色": "#b5a1e6", "purple": "#b5a1e6", "violet": "#b5a1e6",
    "粉": "#e5989b", "粉色": "#e5989b", "粉红": "#e5989b", "pink": "#e5989b",
    "灰": "#c9c9c9", "灰色": "#c9c9c9", "grey": "#c9c9c9", "gray": "#c9c9c9",
}
_HEX = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")
MAX_NAME = 200
# A cell a spreadsheet would run as a formula (CSV injection: a code named "=HYPERLINK(…)"),
# the same characters coding.exports neutralises. There a leading apostrophe is one-way; a
# codebook CSV comes back in, so the apostrophe is added also before existing apostrophes
# that precede such a character, and the import takes exactly one off again.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")
LIMITS = ImportLimits(max_file_bytes=10 * 1024 * 1024)


def parse_color(value: str) -> str | None:
    """``#rrggbb`` from #RRGGBB, #RGB, RRGGBB or a colour name; None if unknown."""
    value = value.strip()
    found = _HEX.match(value)
    if found:
        digits = found.group(1).lower()
        return "#" + (digits if len(digits) == 6 else "".join(c * 2 for c in digits))
    return COLOR_NAMES.get(value.lower())


def read_codebook(filename: str, data: bytes) -> list[CodeSpec]:
    """The codes of a .csv or .xlsx codebook, or every bad row in one ``CodebookFileError``."""
    check_size(filename, data, LIMITS)
    extension = PurePath(filename).suffix.lower()
    if extension == ".csv":
        rows, _encoding = read_csv_rows(filename, data)
        rows = [(number, tuple(_unneutralised(cell) for cell in cells)) for number, cells in rows]
    elif extension == ".xlsx":
        rows = read_xlsx_rows(filename, data, LIMITS)
    else:
        raise BianmaError("E238", filename=filename)
    return parse_rows(filename, rows)


def parse_rows(filename: str, rows: list[TableRow]) -> list[CodeSpec]:
    filled = [(number, tuple(_text(c) for c in cells)) for number, cells in rows
              if any(_text(c) for c in cells)]
    if not filled:
        raise BianmaError("E243", filename=filename)
    header_number, header = filled[0]
    columns = _columns(header)
    if "path" not in columns and "name" not in columns:
        raise BianmaError("E237", filename=filename,
                          columns="、".join(h for h in header if h) or "—")
    errors: list[BianmaError] = []
    body = filled[1:]
    outside: dict[int, str] = {}
    if "path" in columns:
        paths = {number: _cell(cells, columns, "path") for number, cells in body}
    else:
        paths = _paths_from_parents(body, columns, errors, outside)
    specs, seen = [], {}
    for number, cells in body:
        path = paths.get(number)
        if path is None:
            continue
        names = [name.strip() for name in path.split(PATH_SEPARATOR)]
        if not all(names):
            errors.append(BianmaError("E231", row=number, path=path))
            continue
        long = [name for name in names if len(name) > MAX_NAME]
        if long:
            errors.append(BianmaError("E239", row=number, name=long[0][:20] + "…"))
            continue
        path = PATH_SEPARATOR.join(names)
        row_errors = []
        if path in seen:
            row_errors.append(BianmaError("E232", row=number, path=path, first=seen[path]))
        seen.setdefault(path, number)
        color_text = _cell(cells, columns, "color")
        color = parse_color(color_text) if color_text else None
        if color_text and color is None:
            row_errors.append(BianmaError("E233", row=number, color=color_text))
        codable_text = _cell(cells, columns, "codable")
        codable = _yes_no(codable_text)
        if codable_text and codable is None:
            row_errors.append(BianmaError("E234", row=number, value=codable_text))
        if row_errors:
            errors.extend(row_errors)
            continue
        specs.append(CodeSpec(
            row=number, path=path, color=color, codable=codable,
            existing_parent=outside.get(number, ""),
            **{f: _cell(cells, columns, f) for f in ("definition", "inclusion", "exclusion", "example")},
        ))
    if errors:
        raise CodebookFileError(filename, sorted(errors, key=lambda e: e.params.get("row", 0)))
    if not specs:
        raise BianmaError("E243", filename=filename)
    return specs


def import_codebook(session: Session, project_id: int, filename: str, data: bytes,
                    *, coder: str | None = None) -> ImportReport:
    """Add a codebook file's codes to the project (one undoable step); .qdc via codebook.qdc."""
    extension = PurePath(filename).suffix.lower()
    changes.name_step(session, "history.import", filename=PurePath(filename).name)
    if extension == ".qdc":
        from codebook.qdc import import_qdc

        return ImportReport(added=import_qdc(session, project_id, data, coder), updated=0, unchanged=0)
    specs = read_codebook(filename, data)
    return apply_specs(session, project_id, specs, filename=filename, coder=coder)


def export_codebook(session: Session, project_id: int, filename: str, *, lang: str = "zh") -> bytes:
    """The codebook in the format ``filename``'s extension names (.csv, .xlsx or .qdc)."""
    extension = PurePath(filename).suffix.lower()
    if extension == ".csv":
        return export_csv(session, project_id, lang=lang)
    if extension == ".xlsx":
        return export_xlsx(session, project_id, lang=lang)
    if extension == ".qdc":
        from codebook.qdc import export_qdc

        return export_qdc(session, project_id)
    raise BianmaError("E238", filename=filename)


def export_rows(session: Session, project_id: int, *, lang: str = "zh") -> list[list[str]]:
    """Header and one row per code in tree order, as both file formats write them."""
    yes, no = ("是", "否") if lang == "zh" else ("yes", "no")
    rows = [list(HEADER_LABELS["zh" if lang == "zh" else "en"])]
    for node in code_tree(session, project_id):
        rows.append([node.path, node.definition, node.inclusion, node.exclusion, node.example,
                     node.color, yes if node.is_codable else no])
    return rows


def export_csv(session: Session, project_id: int, *, lang: str = "zh",
               encoding: str = "utf-8-sig") -> bytes:
    """CSV with a BOM by default, which Excel needs to show Chinese correctly."""
    buffer = io.StringIO()
    rows = [[_neutralised(cell) for cell in row] for row in export_rows(session, project_id, lang=lang)]
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def export_xlsx(session: Session, project_id: int, *, lang: str = "zh") -> bytes:
    rows = export_rows(session, project_id, lang=lang)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "编码本" if lang == "zh" else "Codebook"
    for row in rows:
        sheet.append(row)
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            # openpyxl stores a string starting with "=" as a formula; these are names and
            # definitions, so always text (lossless, unlike an apostrophe).
            if isinstance(cell.value, str):
                cell.data_type = "s"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    color_column = COLUMNS.index("color") + 1
    for number in range(2, len(rows) + 1):
        cell = sheet.cell(row=number, column=color_column)
        cell.fill = PatternFill("solid", fgColor=str(cell.value).lstrip("#").upper())
    for letter, width in zip("ABCDEFG", (30, 40, 30, 30, 40, 10, 8)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _paths_from_parents(body: list[tuple[int, tuple[str, ...]]], columns: dict[str, int],
                        errors: list[BianmaError], outside: dict[int, str]) -> dict[int, str]:
    """Full paths from name + parent columns; unknown parents and cycles become errors.

    A parent written with ``/`` is a full path; otherwise it names a row of the file. A parent
    found nowhere in the file must be a code path the project already has: such rows are
    collected in ``outside`` (row -> parent path) for the import to check.
    """
    names = {number: _cell(cells, columns, "name") for number, cells in body}
    parents = {number: _cell(cells, columns, "parent") for number, cells in body}
    by_name: dict[str, list[int]] = {}
    for number, name in names.items():
        if not name:
            errors.append(BianmaError("E231", row=number, path=name))
        elif PATH_SEPARATOR in name:
            errors.append(BianmaError("E240", row=number, name=name))
        else:
            by_name.setdefault(name, []).append(number)
    parent_row: dict[int, int | str | None] = {}
    for number, parent in parents.items():
        if not names[number] or PATH_SEPARATOR in names[number]:
            continue
        if not parent:
            parent_row[number] = None
        elif PATH_SEPARATOR in parent:
            parent_row[number] = PATH_SEPARATOR.join(p.strip() for p in parent.split(PATH_SEPARATOR))
        elif len(by_name.get(parent, [])) > 1:
            errors.append(BianmaError("E242", row=number, parent=parent,
                                      rows="、".join(map(str, by_name[parent]))))
        else:
            parent_row[number] = by_name[parent][0] if parent in by_name else parent
    paths: dict[int, str] = {}
    failed: set[int] = set()

    def resolve(number: int, trail: list[int]) -> str | None:
        if number in paths:
            return paths[number]
        if number in failed or number not in parent_row:
            return None
        if number in trail:
            cycle = trail[trail.index(number):] + [number]
            errors.append(BianmaError("E235", row=number, name=names[number],
                                      cycle=" → ".join(names[n] for n in cycle)))
            failed.update(cycle)
            return None
        parent = parent_row[number]
        if parent is None:
            prefix = ""
        elif isinstance(parent, str):
            prefix = parent + PATH_SEPARATOR  # must exist in the project: checked on import
            outside[number] = parent
        else:
            above = resolve(parent, trail + [number])
            if above is None:
                failed.add(number)
                return None
            prefix = above + PATH_SEPARATOR
        paths[number] = prefix + names[number]
        return paths[number]

    for number in names:
        resolve(number, [])
    return paths


def _columns(header: tuple[str, ...]) -> dict[str, int]:
    keys = [re.sub(r"[\s_\-]", "", h).lower() for h in header]
    found = {}
    for field, aliases in HEADER_ALIASES.items():
        for index, key in enumerate(keys):
            if key in aliases and field not in found:
                found[field] = index
    return found


def _neutralised(value: str) -> str:
    """A CSV cell no spreadsheet runs as a formula (see ``_FORMULA``)."""
    return "'" + value if _FORMULA.match(value) else value


def _unneutralised(cell: str) -> str:
    """The value ``_neutralised`` wrote ``cell`` for."""
    return cell[1:] if _NEUTRALISED.match(cell) else cell


def _cell(cells: tuple[str, ...], columns: dict[str, int], field: str) -> str:
    index = columns.get(field)
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _yes_no(value: str) -> bool | None:
    key = value.strip().lower()
    if key in YES:
        return True
    if key in NO:
        return False
    return None
