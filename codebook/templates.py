"""Codebook templates: a starting codebook for a new project, one per kind of study.

Each template is a JSON file shipped in ``codebook/templates/`` with its id, names, a short
description and its codes (path, definition, inclusion and exclusion criteria, example,
colour, codable). The codes were written for Bianma from published social-work studies.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from sqlalchemy.orm import Session

from codebook import changes
from codebook.specs import CodeSpec, ImportReport, apply_specs
from i18n import BianmaError


@dataclass(frozen=True, slots=True)
class Template:
    id: str
    name: str
    name_en: str
    description: str
    source: str
    codes: tuple[CodeSpec, ...]


@cache
def list_templates() -> tuple[Template, ...]:
    """Every shipped template, in file-name order."""
    folder = resources.files("codebook") / "templates"
    entries = sorted((e for e in folder.iterdir() if e.name.endswith(".json")), key=lambda e: e.name)
    return tuple(_template(json.loads(entry.read_text(encoding="utf-8"))) for entry in entries)


def load_template(template_id: str) -> Template:
    for template in list_templates():
        if template.id == template_id:
            return template
    raise BianmaError("E217", template=template_id,
                      available="、".join(t.id for t in list_templates()))


def apply_template(session: Session, project_id: int, template_id: str,
                   *, coder: str | None = None) -> ImportReport:
    """Add a template's codes to a project (codes it already has are completed, not copied)."""
    template = load_template(template_id)
    changes.name_step(session, "history.template", name=template.name)
    return apply_specs(session, project_id, list(template.codes), filename=f"{template.id}.json",
                       coder=coder)


def _template(data: dict) -> Template:
    codes = tuple(
        CodeSpec(row=number, path=code["path"], definition=code.get("definition", ""),
                 inclusion=code.get("inclusion", ""), exclusion=code.get("exclusion", ""),
                 example=code.get("example", ""), color=code.get("color"),
                 codable=code.get("codable", True))
        for number, code in enumerate(data["codes"], start=1)
    )
    return Template(data["id"], data["name"], data.get("name_en", data["name"]),
                    data.get("description", ""), data.get("source", ""), codes)
