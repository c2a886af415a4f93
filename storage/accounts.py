"""Accounts and memberships of team mode (``BIANMA_AUTH=on``).

An account is a ``Coder`` with a password hash (argon2id through argon2-cffi's
``PasswordHasher``, RFC 9106's memory-hard profile); a coder name that only appears in
codings (single-user mode, an imported project) becomes an account when it gets a password,
keeping its codings. A membership gives an account one role in one project: owner, coder or
viewer (see ``storage.access`` for what each may do). Administrators create, invite and
disable accounts and may manage the members of any project; owners manage their own
project's members.

Like every domain function these take the session and never commit. Called on a session
that acts for a signed-in account they check its rights first (and ``storage.access``
checks the rows again at flush); without an actor (the CLI, tests) they are not restricted.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from i18n import BianmaError
from storage import audit
from storage.access import (
    ROLES, Actor, actor_of, internal, require_admin, require_manager, require_role,
)
from storage.tables import Coder, Membership, Project

MIN_PASSWORD_LENGTH = 8
HASHER = PasswordHasher()


@lru_cache(maxsize=4)
def _absent_hash(hasher: PasswordHasher) -> str:
    """Checked when the account does not exist, so that a wrong name costs as much time as a
    wrong password and sign-in does not tell which names exist."""
    return hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True, slots=True)
class AccountView:
    id: int
    name: str
    is_admin: bool
    disabled: bool
    roles: tuple[tuple[str, str], ...]  # (project name, role), for the administrators' table


@dataclass(frozen=True, slots=True)
class MemberView:
    coder_id: int
    name: str
    role: str
    disabled: bool


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BianmaError("E414", length=MIN_PASSWORD_LENGTH)
    return HASHER.hash(password)


def temporary_password() -> str:
    """A random password to hand to a new member (12 characters, about 72 bits)."""
    return secrets.token_urlsafe(9)


def _who(session: Session) -> int | None:
    actor = actor_of(session)
    return None if actor is None else actor.coder_id


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise BianmaError("E412")
    return name


def _account(session: Session, name: str) -> Coder:
    coder = session.scalar(select(Coder).where(Coder.name == _clean_name(name)))
    if coder is None:
        raise BianmaError("E415", name=name.strip())
    return coder


def create_account(session: Session, name: str, password: str, *, is_admin: bool = False) -> Coder:
    """A new account; a coder of that name without a password becomes the account."""
    require_admin(session)
    name = _clean_name(name)
    password_hash = hash_password(password)
    coder = session.scalar(select(Coder).where(Coder.name == name))
    if coder is not None and coder.password_hash is not None:
        raise BianmaError("E413", name=name)
    if coder is None:
        coder = Coder(name=name)
        session.add(coder)
    coder.password_hash, coder.is_admin, coder.disabled = password_hash, is_admin, False
    session.flush()
    audit.record(session, project_id=None, coder=_who(session), action="create", entity="account",
                 entity_id=coder.id, name=name, admin=is_admin)
    return coder


def invite(session: Session, name: str, *, project_id: int | None = None, role: str = "coder",
           is_admin: bool = False) -> str:
    """Create an account with a temporary password (returned, to hand over) and, if a project
    is given, make it a member there."""
    password = temporary_password()
    create_account(session, name, password, is_admin=is_admin)
    if project_id is not None:
        set_member(session, project_id, name, role)
    return password


def authenticate(session: Session, name: str, password: str) -> Actor:
    """The account ``name`` if ``password`` is its password (E410 otherwise; E411 disabled).

    argon2's check compares in constant time; an unknown name is checked against a hash of
    its own, so neither the answer nor its timing tells which names exist.
    """
    coder = session.scalar(select(Coder).where(Coder.name == (name or "").strip()))
    stored = coder.password_hash if coder is not None else None
    try:
        HASHER.verify(stored or _absent_hash(HASHER), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise BianmaError("E410") from None
    if stored is None:
        raise BianmaError("E410")
    if coder.disabled:
        raise BianmaError("E411", name=coder.name)
    if HASHER.check_needs_rehash(stored):
        coder.password_hash = HASHER.hash(password)  # stronger parameters since it was set
        session.flush()
    return Actor(coder.id, coder.name, coder.is_admin)


def load_actor(session: Session, coder_id: int) -> Actor | None:
    """The signed-in account again (each page run): None once disabled or gone."""
    coder = session.get(Coder, coder_id)
    if coder is None or coder.disabled or coder.password_hash is None:
        return None
    return Actor(coder.id, coder.name, coder.is_admin)


def set_password(session: Session, name: str, password: str) -> None:
    """An administrator sets (resets) someone's password."""
    require_admin(session)
    coder = _account(session, name)
    coder.password_hash = hash_password(password)
    session.flush()
    audit.record(session, project_id=None, coder=_who(session), action="password",
                 entity="account", entity_id=coder.id)


def reset_password(session: Session, name: str) -> str:
    """A new temporary password for ``name`` (returned, to hand over)."""
    password = temporary_password()
    set_password(session, name, password)
    return password


def change_password(session: Session, coder_id: int, current: str, new: str) -> int:
    """Someone changes their own password, proving the current one first; returns their id."""
    actor = actor_of(session)
    if actor is not None and actor.coder_id != coder_id:
        raise BianmaError("E405")
    coder = session.get(Coder, coder_id)
    if coder is None or coder.password_hash is None:
        raise BianmaError("E415", name=str(coder_id))
    try:
        HASHER.verify(coder.password_hash, current)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise BianmaError("E423") from None
    coder.password_hash = hash_password(new)
    session.flush()
    audit.record(session, project_id=None, coder=coder.id, action="password", entity="account",
                 entity_id=coder.id)
    return coder.id


def _enabled_admins(session: Session) -> int:
    return session.scalar(select(func.count(Coder.id)).where(
        Coder.is_admin.is_(True), Coder.disabled.is_(False), Coder.password_hash.is_not(None)))


def set_disabled(session: Session, name: str, disabled: bool = True) -> Coder:
    """Disable (or enable again) an account: a disabled account cannot sign in and its
    running sessions lose their projects at once; its codings stay."""
    require_admin(session)
    coder = _account(session, name)
    if disabled and coder.id == _who(session):
        raise BianmaError("E419")
    if disabled and coder.is_admin and not coder.disabled and _enabled_admins(session) <= 1:
        raise BianmaError("E426")
    coder.disabled = disabled
    session.flush()
    audit.record(session, project_id=None, coder=_who(session),
                 action="disable" if disabled else "enable", entity="account", entity_id=coder.id)
    return coder


def set_admin(session: Session, name: str, is_admin: bool) -> Coder:
    require_admin(session)
    coder = _account(session, name)
    if not is_admin and coder.id == _who(session):
        raise BianmaError("E419")
    if not is_admin and coder.is_admin and _enabled_admins(session) <= 1:
        raise BianmaError("E426")
    coder.is_admin = is_admin
    session.flush()
    audit.record(session, project_id=None, coder=_who(session), action="admin", entity="account",
                 entity_id=coder.id, admin=is_admin)
    return coder


def has_accounts(session: Session) -> bool:
    return session.scalar(select(Coder.id).where(Coder.password_hash.is_not(None)).limit(1)) is not None


def list_accounts(session: Session) -> list[AccountView]:
    """Every account with its projects and roles (administrators only)."""
    require_admin(session)
    projects = Project.__table__
    memberships = Membership.__table__
    roles: dict[int, list[tuple[str, str]]] = {}
    for coder_id, project, role in session.execute(internal(
            select(memberships.c.coder_id, projects.c.name, memberships.c.role)
            .join(projects, projects.c.id == memberships.c.project_id)
            .order_by(projects.c.name))):
        roles.setdefault(coder_id, []).append((project, role))
    coders = session.scalars(select(Coder).where(Coder.password_hash.is_not(None)).order_by(Coder.name))
    return [AccountView(c.id, c.name, c.is_admin, c.disabled, tuple(roles.get(c.id, ())))
            for c in coders]


def manageable_projects(session: Session) -> list[tuple[int, str]]:
    """(id, name) of the projects whose members the actor manages: all for administrators
    (and without an actor), else those they own."""
    actor = actor_of(session)
    projects = Project.__table__
    query = select(projects.c.id, projects.c.name).order_by(projects.c.name)
    if actor is not None and not actor.is_admin:
        memberships = Membership.__table__
        query = query.join(memberships, memberships.c.project_id == projects.c.id).where(
            memberships.c.coder_id == actor.coder_id, memberships.c.role == "owner")
    return [tuple(row) for row in session.execute(internal(query))]


def _project(session: Session, project_id: int) -> None:
    table = Project.__table__
    if session.execute(internal(select(table.c.id).where(table.c.id == project_id))).first() is None:
        raise BianmaError("E425", project=project_id)


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise BianmaError("E416", role=role)
    return role


def _owners_left(session: Session, project_id: int, without: int) -> int:
    return session.execute(select(func.count()).select_from(Membership).where(
        Membership.project_id == project_id, Membership.role == "owner",
        Membership.coder_id != without)).scalar_one()


def _membership(session: Session, project_id: int, coder_id: int) -> Membership | None:
    return session.scalar(select(Membership).where(
        Membership.project_id == project_id, Membership.coder_id == coder_id))


def set_member(session: Session, project_id: int, name: str, role: str) -> Membership:
    """Add ``name`` to the project with ``role``, or change the role of a member."""
    require_manager(session, project_id)
    _project(session, project_id)
    role = _check_role(role)
    coder = _account(session, name)
    membership = _membership(session, project_id, coder.id)
    before = None if membership is None else membership.role
    if before == "owner" and role != "owner" and _owners_left(session, project_id, coder.id) == 0:
        raise BianmaError("E418")
    if membership is None:
        membership = Membership(project_id=project_id, coder_id=coder.id, role=role)
        session.add(membership)
    membership.role = role
    session.flush()
    audit.record(session, project_id=project_id, coder=_who(session), action="member",
                 entity="membership", entity_id=coder.id, name=coder.name, before=before, after=role)
    return membership


def remove_member(session: Session, project_id: int, name: str) -> str:
    """Take ``name`` out of the project; returns the role they had."""
    require_manager(session, project_id)
    _project(session, project_id)
    coder = _account(session, name)
    membership = _membership(session, project_id, coder.id)
    if membership is None:
        raise BianmaError("E417", name=coder.name, project=project_id)
    if membership.role == "owner" and _owners_left(session, project_id, coder.id) == 0:
        raise BianmaError("E418")
    session.delete(membership)
    session.flush()
    audit.record(session, project_id=project_id, coder=_who(session), action="remove",
                 entity="membership", entity_id=coder.id, name=coder.name, before=membership.role)
    return membership.role


def list_members(session: Session, project_id: int) -> list[MemberView]:
    """The project's members; the project's own members and administrators may see them."""
    actor = actor_of(session)
    if actor is not None and not actor.is_admin:
        require_role(session, project_id, "viewer")
    rows = session.execute(
        select(Coder.id, Coder.name, Membership.role, Coder.disabled)
        .join(Membership, Membership.coder_id == Coder.id)
        .where(Membership.project_id == project_id).order_by(Coder.name))
    return [MemberView(*row) for row in rows]
