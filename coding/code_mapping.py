"""Which code of this project each code of an earlier project stands for.

A suggester trained on several projects learns the target project's code paths. A source
code is matched first by its full path (``融入困境/文化冲击`` in both codebooks), then by its
name when exactly one codable target code has that name; the rest are listed unmatched so the
researcher can choose a target or leave them out. Category-only target codes are never
targets: a suggestion must be something a coder can apply.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from codebook.codes import PATH_SEPARATOR, code_tree
from corpus.projects import find_project
from i18n import BianmaError
from storage.tables import Code, Coding, Document, Project

MATCHES = ("path", "name", "none")


@dataclass(frozen=True, slots=True)
class CodeInfo:
    id: int
    path: str
    name: str
    codable: bool


@dataclass(frozen=True, slots=True)
class MappingRow:
    """One source code and the target code proposed for it (``None``: not used)."""

    source_project_id: int
    source_project: str
    source_code_id: int
    source_path: str
    codings: int
    target_code_id: int | None
    target_path: str | None
    match: str  # "path", "name" or "none"


def project_codes(session: Session, project_id: int) -> dict[int, CodeInfo]:
    """Every code of a project with its full path, from one query (no coding counts)."""
    rows = session.execute(
        select(Code.id, Code.parent_id, Code.name, Code.is_codable).where(Code.project_id == project_id)
    ).all()
    by_id = {row.id: row for row in rows}
    paths: dict[int, str] = {}

    def path_of(code_id: int) -> str:
        # iterative walk up the tree, remembering every path found on the way
        chain = []
        current: int | None = code_id
        while current is not None and current not in paths:
            chain.append(current)
            current = by_id[current].parent_id
        prefix = paths[current] if current is not None else ""
        for node in reversed(chain):
            prefix = f"{prefix}{PATH_SEPARATOR}{by_id[node].name}" if prefix else by_id[node].name
            paths[node] = prefix
        return paths[code_id]

    return {row.id: CodeInfo(row.id, path_of(row.id), row.name, bool(row.is_codable)) for row in rows}


def codable_paths(session: Session, project_id: int) -> dict[str, int]:
    """Path -> id of the codes a coder may apply (the classes a suggester may learn)."""
    return {info.path: info.id for info in project_codes(session, project_id).values() if info.codable}


def _coding_counts(session: Session, project_ids: Iterable[int]) -> dict[int, int]:
    return dict(session.execute(
        select(Coding.code_id, func.count(Coding.id))
        .join(Document, Document.id == Coding.document_id)
        .where(Document.project_id.in_(list(project_ids)), Coding.provenance != "machine")
        .group_by(Coding.code_id)).all())


def propose_code_mapping(session: Session, target_project_id: int,
                         source_project_ids: Iterable[int]) -> list[MappingRow]:
    """A proposed target for every coded code of the source projects (the target project
    itself is left out: its codes are its own classes)."""
    find_project(session, target_project_id)
    sources = [find_project(session, pid) for pid in dict.fromkeys(source_project_ids)
               if pid != target_project_id]
    targets = [c for c in project_codes(session, target_project_id).values() if c.codable]
    by_path = {c.path: c for c in targets}
    by_name: dict[str, list[CodeInfo]] = {}
    for code in targets:
        by_name.setdefault(code.name, []).append(code)
    counts = _coding_counts(session, [p.id for p in sources])
    rows = []
    for project in sources:
        # in the source codebook's own order, as the researcher knows it
        codes = [CodeInfo(n.id, n.path, n.name, n.is_codable) for n in code_tree(session, project.id)]
        for code in codes:
            if not counts.get(code.id):
                continue
            target, match = by_path.get(code.path), "path"
            if target is None:
                named = by_name.get(code.name, [])
                target, match = (named[0], "name") if len(named) == 1 else (None, "none")
            rows.append(MappingRow(project.id, project.name, code.id, code.path, counts[code.id],
                                   target.id if target else None, target.path if target else None,
                                   match))
    return rows


def resolve_mapping(session: Session, target_project_id: int, source_project_ids: Iterable[int],
                    mapping: Mapping[int, int | None] | None) -> dict[int, str]:
    """Source code id -> target path for every code whose codings train the suggester.

    The target project's codable codes stand for themselves. For other projects the proposal
    applies unless ``mapping`` says otherwise (``None`` leaves a code out); a mapping that
    names a code outside the source projects or a target that cannot be coded is refused.
    """
    targets = {info.id: info for info in project_codes(session, target_project_id).values()}
    resolved = {code_id: info.path for code_id, info in targets.items() if info.codable}
    proposal = propose_code_mapping(session, target_project_id, source_project_ids)
    for row in proposal:
        if row.target_path is not None:
            resolved[row.source_code_id] = row.target_path
    if not mapping:
        return resolved
    others = [pid for pid in dict.fromkeys(source_project_ids) if pid != target_project_id]
    source_codes = set(session.scalars(select(Code.id).where(Code.project_id.in_(others))))
    for source_id, target_id in mapping.items():
        if source_id not in source_codes:
            raise BianmaError("E742", code=source_id)
        if target_id is None:
            resolved.pop(source_id, None)
            continue
        target = targets.get(target_id)
        if target is None or not target.codable:
            raise BianmaError("E741", code=target_id)
        resolved[source_id] = target.path
    return resolved


def mapping_record(session: Session, target_project_id: int,
                   resolved: Mapping[int, str]) -> dict[str, dict[str, str]]:
    """The mapping as the model's metadata keeps it: per source project name, source path ->
    target path (codes of the target project itself are left out)."""
    rows = session.execute(
        select(Code.id, Code.project_id, Project.name).join(Project, Project.id == Code.project_id)
        .where(Code.id.in_(list(resolved)), Code.project_id != target_project_id)).all()
    out: dict[str, dict[str, str]] = {}
    paths: dict[int, dict[int, CodeInfo]] = {}
    for code_id, project_id, project_name in rows:
        if project_id not in paths:
            paths[project_id] = project_codes(session, project_id)
        out.setdefault(project_name, {})[paths[project_id][code_id].path] = resolved[code_id]
    return {name: dict(sorted(entries.items())) for name, entries in sorted(out.items())}
