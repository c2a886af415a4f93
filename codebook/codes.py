"""The code tree: add, rename, nest, recolour, define; look codes up by path.

Paths join names from the root with ``/`` (``融入困境/社会网络萎缩``), the form the CLI,
exports and the suggester use.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from i18n import BianmaError
from storage import audit
from storage.tables import Code, Coding

PATH_SEPARATOR = "/"
UNCHANGED = object()
COLOR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")
# Soft colours that keep black text readable when codings overlap.
PALETTE = (
    "#f4a261", "#90be6d", "#4cc9f0", "#f28482", "#b5a1e6",
    "#ffd166", "#84dcc6", "#e5989b", "#a3c4f3", "#cdb4db",
)


@dataclass(frozen=True, slots=True)
class CodeNode:
    id: int
    parent_id: int | None
    name: str
    path: str
    depth: int
    color: str
    definition: str
    codings: int


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise BianmaError("E201")
    if PATH_SEPARATOR in name:
        raise BianmaError("E202", name=name)
    return name


def _check_color(color: str) -> str:
    if not COLOR_PATTERN.match(color):
        raise BianmaError("E203", color=color)
    return color.lower()


def _check_sibling_free(session: Session, project_id: int, parent_id: int | None, name: str,
                        ignore_id: int | None = None) -> None:
    query = select(Code.id).where(
        Code.project_id == project_id, Code.name == name,
        Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id,
    )
    clash = session.scalar(query)
    if clash is not None and clash != ignore_id:
        raise BianmaError("E204", name=name)


def get_code(session: Session, project_id: int, code_id: int) -> Code:
    code = session.get(Code, code_id)
    if code is None or code.project_id != project_id:
        raise BianmaError("E205", code=code_id)
    return code


def add_code(
    session: Session,
    project_id: int,
    name: str,
    *,
    parent_id: int | None = None,
    color: str | None = None,
    definition: str = "",
    coder: str | None = None,
) -> Code:
    name = _clean_name(name)
    if parent_id is not None:
        get_code(session, project_id, parent_id)
    _check_sibling_free(session, project_id, parent_id, name)
    count = session.scalar(select(func.count(Code.id)).where(Code.project_id == project_id)) or 0
    code = Code(
        project_id=project_id,
        parent_id=parent_id,
        name=name,
        color=_check_color(color) if color else PALETTE[count % len(PALETTE)],
        definition=definition.strip(),
        position=count,
        guid=str(uuid.uuid4()),
    )
    session.add(code)
    session.flush()
    audit.record(
        session, project_id=project_id, coder=audit.coder_id(session, coder),
        action="add", entity="code", entity_id=code.id, name=name, parent_id=parent_id,
    )
    return code


def update_code(
    session: Session,
    project_id: int,
    code_id: int,
    *,
    name: str | None = None,
    color: str | None = None,
    definition: str | None = None,
    parent_id: int | None | object = UNCHANGED,
    coder: str | None = None,
) -> Code:
    """Rename, recolour, redefine or move a code in one change; codings keep pointing at it."""
    code = get_code(session, project_id, code_id)
    if parent_id is not UNCHANGED and parent_id != code.parent_id:
        move_code(session, project_id, code_id, parent_id, coder=coder)  # type: ignore[arg-type]
    before = {"name": code.name, "color": code.color, "definition": code.definition}
    if name is not None:
        name = _clean_name(name)
        _check_sibling_free(session, project_id, code.parent_id, name, ignore_id=code.id)
        code.name = name
    if color is not None:
        code.color = _check_color(color)
    if definition is not None:
        code.definition = definition.strip()
    after = {"name": code.name, "color": code.color, "definition": code.definition}
    audit.record(
        session, project_id=project_id, coder=audit.coder_id(session, coder),
        action="update", entity="code", entity_id=code.id, before=before, after=after,
    )
    return code


def move_code(session: Session, project_id: int, code_id: int, new_parent_id: int | None,
              *, coder: str | None = None) -> Code:
    """Nest a code under another (or at the top); refuses to make a code its own ancestor."""
    code = get_code(session, project_id, code_id)
    ancestor_id = new_parent_id
    while ancestor_id is not None:
        if ancestor_id == code.id:
            raise BianmaError("E206", name=code.name)
        ancestor_id = get_code(session, project_id, ancestor_id).parent_id
    _check_sibling_free(session, project_id, new_parent_id, code.name, ignore_id=code.id)
    before = code.parent_id
    code.parent_id = new_parent_id
    audit.record(
        session, project_id=project_id, coder=audit.coder_id(session, coder),
        action="move", entity="code", entity_id=code.id, before=before, after=new_parent_id,
    )
    return code


def code_tree(session: Session, project_id: int) -> list[CodeNode]:
    """All codes depth-first in their order, each with its full path and number of codings."""
    counts = dict(
        session.execute(
            select(Coding.code_id, func.count(Coding.id))
            .join(Code, Code.id == Coding.code_id)
            .where(Code.project_id == project_id)
            .group_by(Coding.code_id)
        ).all()
    )
    codes = session.scalars(
        select(Code).where(Code.project_id == project_id).order_by(Code.position, Code.id)
    ).all()
    children: dict[int | None, list[Code]] = {}
    for code in codes:
        children.setdefault(code.parent_id, []).append(code)
    nodes: list[CodeNode] = []

    def walk(parent_id: int | None, prefix: str, depth: int) -> None:
        for code in children.get(parent_id, []):
            path = f"{prefix}{PATH_SEPARATOR}{code.name}" if prefix else code.name
            nodes.append(CodeNode(code.id, code.parent_id, code.name, path, depth, code.color,
                                  code.definition, counts.get(code.id, 0)))
            walk(code.id, path, depth + 1)

    walk(None, "", 0)
    return nodes


def find_code_by_path(session: Session, project_id: int, path: str) -> Code:
    parent_id: int | None = None
    code: Code | None = None
    for name in [part.strip() for part in path.split(PATH_SEPARATOR)]:
        code = session.scalar(
            select(Code).where(
                Code.project_id == project_id, Code.name == name,
                Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id,
            )
        )
        if code is None:
            raise BianmaError("E207", path=path)
        parent_id = code.id
    if code is None:
        raise BianmaError("E207", path=path)
    return code


def add_code_path(session: Session, project_id: int, path: str, *, definition: str = "",
                  color: str | None = None, coder: str | None = None) -> Code:
    """Create every missing code along ``path`` (templates and the demo use this)."""
    parent_id: int | None = None
    names = path.split(PATH_SEPARATOR)
    code: Code | None = None
    for depth, name in enumerate(names):
        name = _clean_name(name)
        code = session.scalar(
            select(Code).where(
                Code.project_id == project_id, Code.name == name,
                Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id,
            )
        )
        if code is None:
            last = depth == len(names) - 1
            code = add_code(session, project_id, name, parent_id=parent_id, coder=coder,
                            definition=definition if last else "", color=color if last else None)
        parent_id = code.id
    assert code is not None
    return code
