"""Cases (interviewees, households, sites) and their typed attributes.

A case is attached to a whole document or to the turns of one speaker in it, so a group
interview can carry several interviewees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from i18n import BianmaError
from storage import audit
from storage.tables import AttributeDefinition, AttributeValue, Case, Document, Passage

ATTRIBUTE_TYPES = ("text", "number", "date", "boolean")
_TRUE = {"是", "有", "yes", "y", "true", "1", "对"}
_FALSE = {"否", "无", "没有", "no", "n", "false", "0", "不是"}
_DATE = re.compile(r"^(\d{4})(?:[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?)?年?$")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．－", "0123456789.-")


@dataclass(frozen=True, slots=True)
class CaseView:
    id: int
    name: str
    description: str
    attributes: dict[str, str]


def canonical_value(kind: str, raw: str, *, attribute: str = "") -> str:
    """The stored form of a typed value; refuses what does not fit the type."""
    value = raw.strip()
    if kind == "text" or value == "":
        return value
    if kind == "number":
        try:
            number = float(value.translate(_FULLWIDTH_DIGITS).replace(",", ""))
        except ValueError:
            raise BianmaError("E011", attribute=attribute, value=raw) from None
        return str(int(number)) if number.is_integer() else repr(number)
    if kind == "date":
        match = _DATE.match(value.translate(_FULLWIDTH_DIGITS))
        if not match:
            raise BianmaError("E012", attribute=attribute, value=raw)
        year, month, day = match.groups()
        try:  # validates the calendar, e.g. refuses 2023-02-30
            date(int(year), int(month or 1), int(day or 1))
        except ValueError:
            raise BianmaError("E012", attribute=attribute, value=raw) from None
        parts = [year] + [f"{int(p):02d}" for p in (month, day) if p]
        return "-".join(parts)
    if kind == "boolean":
        lowered = value.lower()
        if lowered in _TRUE:
            return "true"
        if lowered in _FALSE:
            return "false"
        raise BianmaError("E013", attribute=attribute, value=raw)
    raise BianmaError("E014", type=kind)


def define_attribute(session: Session, project_id: int, name: str, kind: str, *,
                     coder: str | None = None) -> AttributeDefinition:
    name = name.strip()
    if not name:
        raise BianmaError("E015")
    if kind not in ATTRIBUTE_TYPES:
        raise BianmaError("E014", type=kind)
    existing = session.scalar(select(AttributeDefinition).where(
        AttributeDefinition.project_id == project_id, AttributeDefinition.name == name))
    if existing is not None:
        if existing.type != kind:
            raise BianmaError("E016", attribute=name, type=existing.type)
        return existing
    definition = AttributeDefinition(project_id=project_id, name=name, type=kind)
    session.add(definition)
    session.flush()
    audit.record(session, project_id=project_id, coder=audit.coder_id(session, coder),
                 action="add", entity="attribute", entity_id=definition.id, name=name, type=kind)
    return definition


def create_case(session: Session, project_id: int, name: str, *, description: str = "",
                coder: str | None = None) -> Case:
    name = name.strip()
    if not name:
        raise BianmaError("E017")
    if session.scalar(select(Case.id).where(Case.project_id == project_id, Case.name == name)):
        raise BianmaError("E018", name=name)
    case = Case(project_id=project_id, name=name, description=description.strip())
    session.add(case)
    session.flush()
    audit.record(session, project_id=project_id, coder=audit.coder_id(session, coder),
                 action="add", entity="case", entity_id=case.id, name=name)
    return case


def _case(session: Session, project_id: int, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None or case.project_id != project_id:
        raise BianmaError("E019", case=case_id)
    return case


def set_attributes(session: Session, project_id: int, case_id: int, values: dict[str, str], *,
                   coder: str | None = None) -> None:
    """Set several attribute values of a case at once; one bad value changes none of them."""
    _case(session, project_id, case_id)
    definitions = {
        d.name: d for d in session.scalars(
            select(AttributeDefinition).where(AttributeDefinition.project_id == project_id))
    }
    canonical: dict[int, str] = {}
    for name, raw in values.items():
        if name not in definitions:
            raise BianmaError("E020", attribute=name)
        definition = definitions[name]
        canonical[definition.id] = canonical_value(definition.type, str(raw), attribute=name)
    for attribute_id, value in canonical.items():
        row = session.get(AttributeValue, (case_id, attribute_id))
        if value == "":
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(AttributeValue(case_id=case_id, attribute_id=attribute_id, value=value))
        else:
            row.value = value
    audit.record(session, project_id=project_id, coder=audit.coder_id(session, coder),
                 action="set", entity="case", entity_id=case_id, values=dict(values))


def attach_case(session: Session, project_id: int, case_id: int | None, document_id: int, *,
                speaker: str | None = None, coder: str | None = None) -> int:
    """Attach a case to a document, or only to one speaker's turns in it; returns turns touched."""
    if case_id is not None:
        _case(session, project_id, case_id)
    document = session.get(Document, document_id)
    if document is None or document.project_id != project_id:
        raise BianmaError("E004", doc=document_id)
    if speaker is None:
        document.case_id = case_id
        touched = len(document.passages)
    else:
        result = session.execute(
            update(Passage)
            .where(Passage.document_id == document_id, Passage.speaker == speaker)
            .values(case_id=case_id)
        )
        touched = result.rowcount
        if touched == 0:
            raise BianmaError("E021", speaker=speaker)
    audit.record(session, project_id=project_id, coder=audit.coder_id(session, coder),
                 action="attach", entity="case", entity_id=case_id, document_id=document_id,
                 speaker=speaker)
    return touched


def list_cases(session: Session, project_id: int) -> list[CaseView]:
    names = dict(session.execute(
        select(AttributeDefinition.id, AttributeDefinition.name)
        .where(AttributeDefinition.project_id == project_id)).all())
    values: dict[int, dict[str, str]] = {}
    for case_id, attribute_id, value in session.execute(
        select(AttributeValue.case_id, AttributeValue.attribute_id, AttributeValue.value)
        .join(Case, Case.id == AttributeValue.case_id).where(Case.project_id == project_id)
    ):
        values.setdefault(case_id, {})[names[attribute_id]] = value
    cases = session.scalars(select(Case).where(Case.project_id == project_id).order_by(Case.name))
    return [CaseView(c.id, c.name, c.description, values.get(c.id, {})) for c in cases]


def list_attributes(session: Session, project_id: int) -> list[AttributeDefinition]:
    return list(session.scalars(select(AttributeDefinition).where(
        AttributeDefinition.project_id == project_id).order_by(AttributeDefinition.id)))
