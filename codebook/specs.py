"""Codes described as data (a row of a codebook file, an entry of a template) and putting
them into a project's codebook as one undoable step.

Parsers produce ``CodeSpec`` lists and report every bad row at once; nothing is written
unless all rows are good, so a file with one mistake never leaves half a codebook behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from codebook.codes import PATH_SEPARATOR, add_code, codings_count, find_code_by_path, update_code
from i18n import BianmaError
from i18n.translate import bilingual
from storage.tables import Code

FIELDS = ("definition", "inclusion", "exclusion", "example")


@dataclass(frozen=True, slots=True)
class CodeSpec:
    """One code of a file or template; ``None`` means the source leaves the field alone."""

    row: int
    path: str
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    color: str | None = None
    codable: bool | None = None
    # A parent the source names but does not define: it must already be in the project.
    existing_parent: str = ""

    @property
    def names(self) -> list[str]:
        return self.path.split(PATH_SEPARATOR)


@dataclass(frozen=True, slots=True)
class ImportReport:
    added: int
    updated: int
    unchanged: int


class CodebookFileError(BianmaError):
    """Every bad row of a codebook file at once (E230 and one row-numbered error per line)."""

    def __init__(self, filename: str, errors: list[BianmaError]) -> None:
        super().__init__("E230", filename=filename, count=len(errors))
        self.errors = errors

    def message(self, lang: str) -> str:
        # Two trailing spaces: a line break in the interface's Markdown, invisible elsewhere.
        return "  \n".join([super().message(lang)] + [e.message(lang) for e in self.errors])

    def __str__(self) -> str:
        head = bilingual(self.code, **self.params)
        return "\n".join([head] + [str(error) for error in self.errors])


def check_against_project(session: Session, project_id: int, specs: list[CodeSpec]) -> list[BianmaError]:
    """Rows the project's present state refuses: a parent it lacks, or making a code that has
    codings not codable."""
    errors = []
    for spec in specs:
        if spec.existing_parent:
            try:
                find_code_by_path(session, project_id, spec.existing_parent)
            except BianmaError:
                errors.append(BianmaError("E236", row=spec.row, parent=spec.existing_parent))
        if spec.codable is not False:
            continue
        try:
            code = find_code_by_path(session, project_id, spec.path)
        except BianmaError:
            continue
        count = codings_count(session, code.id) if code.is_codable else 0
        if count:
            errors.append(BianmaError("E241", row=spec.row, path=spec.path, count=count))
    return errors


def apply_specs(session: Session, project_id: int, specs: list[CodeSpec], *, filename: str,
                coder: str | None = None) -> ImportReport:
    """Create the codes that are missing and update those that differ; parents first.

    Missing parents along a path are created as plain codes. An existing code keeps a field
    the source leaves empty.
    """
    errors = check_against_project(session, project_id, specs)
    if errors:
        raise CodebookFileError(filename, errors)
    added = updated = unchanged = 0
    for spec in sorted(specs, key=lambda s: len(s.names)):
        parent_id = None
        for name in spec.names[:-1]:
            parent = _child(session, project_id, parent_id, name)
            if parent is None:
                parent = add_code(session, project_id, name, parent_id=parent_id, coder=coder)
                added += 1
            parent_id = parent.id
        existing = _child(session, project_id, parent_id, spec.names[-1])
        if existing is None:
            add_code(session, project_id, spec.names[-1], parent_id=parent_id, color=spec.color,
                     coder=coder, is_codable=spec.codable is not False,
                     **{field: getattr(spec, field) for field in FIELDS})
            added += 1
            continue
        wanted: dict[str, Any] = {f: getattr(spec, f) for f in FIELDS
                                  if getattr(spec, f) and getattr(spec, f) != getattr(existing, f)}
        if spec.color and spec.color != existing.color:
            wanted["color"] = spec.color
        if spec.codable is not None and spec.codable != existing.is_codable:
            wanted["is_codable"] = spec.codable
        if wanted:
            update_code(session, project_id, existing.id, coder=coder, **wanted)
            updated += 1
        else:
            unchanged += 1
    return ImportReport(added, updated, unchanged)


def _child(session: Session, project_id: int, parent_id: int | None, name: str) -> Code | None:
    return session.scalar(select(Code).where(
        Code.project_id == project_id, Code.name == name,
        Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id,
    ))
