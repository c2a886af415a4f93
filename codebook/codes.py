"""The code tree: add, rename, nest, recolour, define; look codes up by path.

Paths join names from the root with ``/`` (``融入困境/社会网络萎缩``), the form the CLI,
exports and the suggester use. Every change is recorded with what undo needs to reverse it
(``codebook.changes``); merging, splitting, deleting and reordering live in ``codebook.tree``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from codebook import changes
from i18n import BianmaError
from storage import audit
from storage.tables import Code, Coding, Project

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
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    is_codable: bool = True
    guid: str = ""
    position: int = 0


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


# Row locks for codes (PostgreSQL; SQLite runs changes one at a time, see storage.engine).
# "update": the change rewrites or deletes the code itself (rename, move, merge, split,
# delete, reorder). "key share": the change only needs the code to go on existing while it
# adds a row pointing at it (a coding, a sub-code): codings of one code never wait for each
# other, only for a change to the code itself. "siblings": held on the parent (or, at the top
# level, on the project) by whoever adds a name among its children, so two people cannot both
# find a name free; it does not hold up coding.
LOCKS: dict[str, dict[str, bool]] = {
    "update": {},
    "key share": {"read": True, "key_share": True},
    "siblings": {"key_share": True},  # FOR NO KEY UPDATE
}


def get_code(session: Session, project_id: int, code_id: int, *, lock: str | None = None) -> Code:
    """The code ``code_id`` of the project, E205 if there is none.

    With ``lock`` (a key of ``LOCKS``) the row is locked until the transaction ends and read
    afresh: a change that waited for someone else's sees the code as they left it (renamed,
    or gone: E205), never the copy it had before.
    """
    if lock is None:
        code = session.get(Code, code_id)
    else:
        code = session.get(Code, code_id, with_for_update=LOCKS[lock], populate_existing=True)
    if code is None or code.project_id != project_id:
        raise BianmaError("E205", code=code_id)
    return code


def lock_codes(session: Session, project_id: int, code_ids: Iterable[int],
               lock: str = "update") -> dict[int, Code]:
    """Several codes locked as ``get_code`` does, in id order: two changes that lock the same
    codes then never each hold one the other waits for."""
    return {code_id: get_code(session, project_id, code_id, lock=lock)
            for code_id in sorted(set(code_ids))}


def lock_siblings(session: Session, project_id: int, parent_id: int | None) -> None:
    """Hold the place where a name among ``parent_id``'s children is chosen (see ``LOCKS``)."""
    if parent_id is not None:
        get_code(session, project_id, parent_id, lock="siblings")
    elif session.get(Project, project_id, with_for_update=LOCKS["siblings"]) is None:
        raise BianmaError("E001", name=project_id)


def add_code(
    session: Session,
    project_id: int,
    name: str,
    *,
    parent_id: int | None = None,
    color: str | None = None,
    definition: str = "",
    coder: str | None = None,
    inclusion: str = "",
    exclusion: str = "",
    example: str = "",
    is_codable: bool = True,
    guid: str | None = None,
) -> Code:
    """A new code, last among its siblings; a colour from the palette unless one is given."""
    name = _clean_name(name)
    lock_siblings(session, project_id, parent_id)
    _check_sibling_free(session, project_id, parent_id, name)
    changes.name_step(session, "history.add", name=name)
    count = session.scalar(select(func.count(Code.id)).where(Code.project_id == project_id)) or 0
    code = Code(
        project_id=project_id,
        parent_id=parent_id,
        name=name,
        color=_check_color(color) if color else PALETTE[count % len(PALETTE)],
        definition=definition.strip(),
        inclusion=inclusion.strip(),
        exclusion=exclusion.strip(),
        example=example.strip(),
        is_codable=bool(is_codable),
        position=next_position(session, project_id, parent_id),
        guid=guid or str(uuid.uuid4()),
    )
    session.add(code)
    session.flush()
    changes.record(
        session, project_id=project_id, coder=audit.coder_id(session, coder),
        action="add", entity="code", entity_id=code.id, name=name, parent_id=parent_id,
        row=changes.snapshot(code),
    )
    return code


def next_position(session: Session, project_id: int, parent_id: int | None) -> int:
    """One past the last sibling under ``parent_id``: new and moved codes go to the end."""
    last = session.scalar(
        select(func.max(Code.position)).where(
            Code.project_id == project_id,
            Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id,
        )
    )
    return 0 if last is None else last + 1


def codings_count(session: Session, code_id: int) -> int:
    return session.scalar(select(func.count(Coding.id)).where(Coding.code_id == code_id)) or 0


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
    inclusion: str | None = None,
    exclusion: str | None = None,
    example: str | None = None,
    is_codable: bool | None = None,
) -> Code:
    """Rename, recolour, redefine or move a code in one change; codings keep pointing at it.

    ``None`` leaves a field as it is. A code that has codings cannot become category-only:
    its codings would then sit on a code nobody may code with.
    """
    code = get_code(session, project_id, code_id)
    if name is not None and name.strip() != code.name:
        # The place among its siblings before the code itself: the order add_code and
        # reorder_code lock them in, so a rename and a reorder queue up, never deadlock.
        lock_siblings(session, project_id, code.parent_id)
    code = get_code(session, project_id, code_id, lock="update")
    changes.name_step(session, "history.update", name=code.name)
    if parent_id is not UNCHANGED and parent_id != code.parent_id:
        move_code(session, project_id, code_id, parent_id, coder=coder)  # type: ignore[arg-type]
    before = {field: getattr(code, field) for field in changes.CODE_EDITABLE}
    if name is not None:
        name = _clean_name(name)
        _check_sibling_free(session, project_id, code.parent_id, name, ignore_id=code.id)
        code.name = name
    if color is not None:
        code.color = _check_color(color)
    texts = {"definition": definition, "inclusion": inclusion, "exclusion": exclusion,
             "example": example}
    for field, value in texts.items():
        if value is not None:
            setattr(code, field, value.strip())
    if is_codable is not None:
        if not is_codable and code.is_codable:
            count = codings_count(session, code.id)
            if count:
                raise BianmaError("E216", name=code.name, count=count)
        code.is_codable = bool(is_codable)
    after = {field: getattr(code, field) for field in changes.CODE_EDITABLE}
    if after != before:
        changes.record(
            session, project_id=project_id, coder=audit.coder_id(session, coder),
            action="update", entity="code", entity_id=code.id, before=before, after=after,
        )
    return code


def move_code(session: Session, project_id: int, code_id: int, new_parent_id: int | None,
              *, coder: str | None = None) -> Code:
    """Nest a code under another (or at the top); refuses to make a code its own ancestor."""
    code = get_code(session, project_id, code_id, lock="update")
    if new_parent_id != code.parent_id:
        lock_siblings(session, project_id, new_parent_id)
    ancestor_id = new_parent_id
    while ancestor_id is not None:
        if ancestor_id == code.id:
            raise BianmaError("E206", name=code.name)
        # Locked so that no one moves an ancestor beneath this code meanwhile (a cycle).
        ancestor_id = get_code(session, project_id, ancestor_id, lock="key share").parent_id
    _check_sibling_free(session, project_id, new_parent_id, code.name, ignore_id=code.id)
    if new_parent_id == code.parent_id:
        return code
    changes.name_step(session, "history.move", name=code.name)
    before, before_position = code.parent_id, code.position
    code.position = next_position(session, project_id, new_parent_id)
    code.parent_id = new_parent_id
    session.flush()
    changes.record(
        session, project_id=project_id, coder=audit.coder_id(session, coder),
        action="move", entity="code", entity_id=code.id, before=before, after=new_parent_id,
        before_position=before_position, after_position=code.position,
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
                                  code.definition, counts.get(code.id, 0), code.inclusion,
                                  code.exclusion, code.example, code.is_codable, code.guid,
                                  code.position))
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
                  color: str | None = None, coder: str | None = None, inclusion: str = "",
                  exclusion: str = "", example: str = "", is_codable: bool = True) -> Code:
    """Create every missing code along ``path`` (templates and the demo use this).

    The fields describe the last code of the path and apply only when it is created here.
    """
    parent_id: int | None = None
    names = path.split(PATH_SEPARATOR)
    changes.name_step(session, "history.add", name=path.strip())
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
            extra = dict(definition=definition, color=color, inclusion=inclusion,
                         exclusion=exclusion, example=example, is_codable=is_codable) if last else {}
            code = add_code(session, project_id, name, parent_id=parent_id, coder=coder, **extra)
        parent_id = code.id
    assert code is not None
    return code
