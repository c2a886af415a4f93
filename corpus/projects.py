"""Projects: create, find, list, and the project's user dictionary."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from i18n import BianmaError
from storage import audit
from storage.tables import Code, Coding, Document, Project


@dataclass(frozen=True, slots=True)
class ProjectSummary:
    id: int
    name: str
    description: str
    documents: int
    codes: int
    codings: int


def create_project(session: Session, name: str, *, coder: str | None = None, description: str = "") -> Project:
    name = name.strip()
    if not name:
        raise BianmaError("E003")
    if session.scalar(select(Project.id).where(Project.name == name)) is not None:
        raise BianmaError("E002", name=name)
    project = Project(name=name, description=description.strip())
    session.add(project)
    session.flush()
    audit.record(
        session, project_id=project.id, coder=audit.coder_id(session, coder),
        action="create", entity="project", entity_id=project.id, name=name,
    )
    return project


def find_project(session: Session, name_or_id: str | int) -> Project:
    """A project by id or by exact name (the CLI accepts either)."""
    project = None
    if isinstance(name_or_id, int) or str(name_or_id).isdigit():
        project = session.get(Project, int(name_or_id))
    if project is None:
        project = session.scalar(select(Project).where(Project.name == str(name_or_id)))
    if project is None:
        raise BianmaError("E001", name=name_or_id)
    return project


def list_projects(session: Session) -> list[ProjectSummary]:
    def count(column, table, where):
        return select(func.count(column)).select_from(table).where(where).scalar_subquery()

    rows = session.execute(
        select(
            Project,
            count(Document.id, Document, Document.project_id == Project.id),
            count(Code.id, Code, Code.project_id == Project.id),
            count(Coding.id, Coding.__table__.join(Document.__table__),
                  Document.project_id == Project.id),
        ).order_by(Project.created_at, Project.id)
    )
    return [
        ProjectSummary(p.id, p.name, p.description, docs, codes, codings)
        for p, docs, codes, codings in rows
    ]


def user_words(project: Project) -> list[str]:
    return [w.strip() for w in project.user_words.splitlines() if w.strip()]
