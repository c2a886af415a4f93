"""Who may read and write which project, enforced on the SQLAlchemy session itself.

With ``BIANMA_AUTH=on`` every session the app opens carries an :class:`Actor` (the signed-in
account) in ``session.info``. The listeners below then apply to everything the domain code
does through that session, so no domain function has to remember a check:

- reads: each ORM statement gets ``with_loader_criteria`` options limiting every
  project-scoped table to the actor's projects (a project's de-identification key to its
  owners), including column selects, joins, subqueries, relationship loads and ``get``;
  statements run on ``session.connection()`` directly get the same options; SQL that the
  options cannot cover (Core selects of bare project tables, raw text naming them) is refused;
- writes: ``before_flush`` checks every inserted, changed and deleted row, and bulk
  ``insert()/update()/delete()`` statements are checked against the rows they touch, before
  anything reaches the database. Viewers write nothing; coders write their own codings,
  memos and suggestion decisions (and the events recording them) and add codes (open coding
  names concepts as it goes); owners write everything in
  their project; administrators manage accounts, memberships and create projects (becoming
  the new project's owner).

Sessions without an actor (auth off, the CLI, tests) are not restricted at all. Refusals are
``BianmaError`` E400–E408, raised before anything is written.
"""

from __future__ import annotations

import re
import uuid
import weakref
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, TableClause, event, false, insert, inspect, select
from sqlalchemy.orm import Session, object_session, sessionmaker, with_loader_criteria
from sqlalchemy.sql import visitors
from sqlalchemy.sql.ddl import ExecutableDDLElement
from sqlalchemy.sql.elements import BindParameter, ClauseElement, TextClause

from i18n import BianmaError
from storage.tables import (
    AttributeDefinition, AttributeValue, Case, Code, Coder, Coding, Document, Event, Membership,
    Memo, Passage, Project, PseudonymKey, SuggesterModel, SuggestionDecision,
)

ACTOR_KEY = "bianma.actor"
ROLES = ("owner", "coder", "viewer")
_RANK = {"viewer": 1, "coder": 2, "owner": 3}
# Execution options: a statement this module already vetted, one of its own queries, and the
# session a connection belongs to.
_CHECKED = "bianma_access_checked"
_INTERNAL = "bianma_access_internal"
_GUARD = "bianma_access_guard"

# How each table reaches its project: a project_id column, or a parent row that has one.
DIRECT = (Document, Code, Case, AttributeDefinition, Memo, Event, SuggesterModel,
          SuggestionDecision, PseudonymKey, Membership)
PARENTS: dict[type, tuple[tuple[str, type], ...]] = {
    Passage: (("document_id", Document),),
    Coding: (("document_id", Document), ("code_id", Code)),
    AttributeValue: (("case_id", Case), ("attribute_id", AttributeDefinition)),
}
# Other rows a row points to: a write must be allowed in their projects too, so that no row
# ties one project to another's documents, codes or cases.
LINKS: dict[type, tuple[tuple[str, type], ...]] = {
    Memo: (("document_id", Document), ("code_id", Code)),
    SuggestionDecision: (("code_id", Code),),
    Document: (("case_id", Case),),
    Passage: (("case_id", Case),),
}
# Rows a coder may write when they are their own.
OWN_COLUMN = {Coding: "coder_id", Memo: "author_id", SuggestionDecision: "coder_id"}
# Events an administrator writes into projects they need not be a member of.
ADMIN_EVENTS = ("membership", "account")
PROTECTED = (Project, *DIRECT, *PARENTS)
_ENTITY_BY_TABLE = {entity.__table__.name: entity for entity in (*PROTECTED, Coder)}
_PROTECTED_SQL = re.compile(r"\b(" + "|".join(e.__table__.name for e in PROTECTED) + r")\b", re.I)
_WRITING_SQL = re.compile(r"^\s*(insert|update|delete|replace|merge|upsert|alter|drop|create|"
                          r"truncate|attach|detach|copy|grant|revoke|vacuum|reindex)\b", re.I)
_memberships, _coders = Membership.__table__, Coder.__table__


@dataclass(frozen=True, slots=True)
class Actor:
    """The signed-in account a session acts for (ids only; never an ORM object)."""

    coder_id: int
    name: str
    is_admin: bool = False


def bind_actor(session: Session, actor: Actor) -> Session:
    """Make ``session`` act for ``actor`` from its next statement on."""
    session.info[ACTOR_KEY] = actor
    if session.in_transaction():
        _guard_connection(session, session.connection())
    return session


def actor_of(session: Session) -> Actor | None:
    return session.info.get(ACTOR_KEY)


def acting_as(factory: sessionmaker[Session], actor: Actor | None) -> sessionmaker[Session]:
    """A session factory like ``factory`` whose sessions act for ``actor`` (None: unrestricted)."""
    if actor is None:
        return factory
    return sessionmaker(class_=factory.class_,
                        **{**factory.kw, "info": {**factory.kw.get("info", {}), ACTOR_KEY: actor}})


def role_in(session: Session, project_id: int) -> str | None:
    """The session's actor's role in the project; ``"owner"`` when nobody is signed in."""
    actor = actor_of(session)
    return "owner" if actor is None else _roles(session.connection(), actor).get(project_id)


def require_role(session: Session, project_id: int, role: str) -> None:
    """Refuse (E400/E401/E406) unless the session's actor has at least ``role`` in the project."""
    if role not in _RANK:
        raise ValueError(f"unknown role {role!r}")
    have = role_in(session, project_id)
    if have is None:
        raise BianmaError("E400", project=project_id)
    if _RANK[have] < _RANK[role]:
        raise BianmaError("E406" if role == "owner" else "E401", project=project_id)


def require_admin(session: Session) -> None:
    actor = actor_of(session)
    if actor is not None and not actor.is_admin:
        raise BianmaError("E405")


def require_manager(session: Session, project_id: int) -> None:
    """Administrators and the project's owners manage its members."""
    actor = actor_of(session)
    if actor is not None and not actor.is_admin:
        require_role(session, project_id, "owner")


def internal(statement):
    """Mark a query of storage.accounts/access as already authorised (account and membership
    bookkeeping that must see rows the actor's criteria hide); never used by domain code."""
    return statement.execution_options(**{_INTERNAL: True})


# --- reads ---------------------------------------------------------------------------------

def _criteria(session: Session, actor: Actor) -> tuple:
    """The loader criteria of one actor, built once per session (they only hold its id)."""
    cached = session.info.get("bianma.access_criteria")
    if cached is not None and cached[0] == actor:
        return cached[1]
    member = (select(_memberships.c.project_id)
              .join(_coders, _coders.c.id == _memberships.c.coder_id)
              .where(_memberships.c.coder_id == actor.coder_id, _coders.c.disabled == false()))
    owned = member.where(_memberships.c.role == "owner")
    documents, cases, codes, attributes = (e.__table__ for e in (Document, Case, Code, AttributeDefinition))
    in_project = {Document: documents, Case: cases, Code: codes, AttributeDefinition: attributes}

    def criterion(entity, column, table):
        return with_loader_criteria(entity, getattr(entity, column).in_(
            select(table.c.id).where(table.c.project_id.in_(member))), include_aliases=True)

    options = [with_loader_criteria(Project, Project.id.in_(member), include_aliases=True)]
    for entity in DIRECT:
        if entity is Membership and actor.is_admin:
            continue  # administrators manage every project's members
        projects = owned if entity is PseudonymKey else member
        options.append(with_loader_criteria(entity, entity.project_id.in_(projects),
                                            include_aliases=True))
    for entity, parents in PARENTS.items():
        options += [criterion(entity, column, in_project[parent]) for column, parent in parents]
    session.info["bianma.access_criteria"] = (actor, tuple(options))
    return tuple(options)


def _check_read(statement) -> None:
    """Refuse SQL the loader criteria cannot restrict: raw text naming project tables, and
    project tables used bare (Core) where their ORM entity does not appear."""
    annotated, bare = set(), set()
    for element in visitors.iterate(statement):
        if isinstance(element, TextClause) and _PROTECTED_SQL.search(element.text):
            raise BianmaError("E407")
        if isinstance(element, TableClause) and element.name in _ENTITY_BY_TABLE:
            entity = element._annotations.get("parententity")
            if entity is None:
                bare.add(_ENTITY_BY_TABLE[element.name])
        mapped = getattr(element, "_annotations", {}).get("parententity")
        if mapped is not None:
            annotated.add(mapped.class_)
    if any(entity in PROTECTED for entity in bare - annotated):
        raise BianmaError("E407")


def _vet(session: Session, actor: Actor, statement, param_sets: list[dict], connection):
    """The statement to run in place of ``statement`` (reads restricted), or a refusal."""
    if isinstance(statement, TextClause):
        if _WRITING_SQL.search(statement.text) or _PROTECTED_SQL.search(statement.text):
            raise BianmaError("E407")
        return statement
    if getattr(statement, "is_dml", False):
        _check_bulk(connection, actor, statement, param_sets)
        return statement
    if getattr(statement, "is_select", False):
        _check_read(statement)
        return statement.options(*_criteria(session, actor))
    if isinstance(statement, ExecutableDDLElement):
        raise BianmaError("E407")
    return statement


def _on_orm_execute(state) -> None:
    actor = state.session.info.get(ACTOR_KEY)
    if actor is None or state.execution_options.get(_INTERNAL):
        return
    params = state.parameters
    param_sets = list(params) if isinstance(params, (list, tuple)) else [params or {}]
    state.statement = _vet(state.session, actor, state.statement, param_sets,
                           state.session.connection())
    state.update_execution_options(**{_CHECKED: True})


def _on_connection_execute(connection, statement, multiparams, params, execution_options):
    """Statements run on a session's connection without going through the session."""
    guard = connection.get_execution_options().get(_GUARD)
    if guard is None or execution_options.get(_CHECKED) or execution_options.get(_INTERNAL):
        return statement, multiparams, params
    session = guard()
    actor = None if session is None else session.info.get(ACTOR_KEY)
    # The session's own flush was checked in before_flush.
    if actor is None or getattr(session, "_flushing", False):
        return statement, multiparams, params
    param_sets = list(multiparams) if multiparams else [params or {}]
    return _vet(session, actor, statement, param_sets, connection), multiparams, params


def _guard_connection(session: Session, connection) -> None:
    connection.execution_options(**{_GUARD: weakref.ref(session)})
    session.info.setdefault("bianma.access_connections", []).append(connection)


def _after_begin(session: Session, _transaction, connection) -> None:
    if session.info.get(ACTOR_KEY) is not None:
        _guard_connection(session, connection)


def _after_transaction_end(session: Session, transaction) -> None:
    # A connection outliving the session's transaction (one the caller bound) is free again.
    if transaction.parent is None:
        for connection in session.info.pop("bianma.access_connections", []):
            if not connection.closed:
                connection.execution_options(**{_GUARD: None})


# --- writes --------------------------------------------------------------------------------

def _roles(connection, actor: Actor) -> dict[Any, str]:
    rows = connection.execute(internal(
        select(_memberships.c.project_id, _memberships.c.role)
        .join(_coders, _coders.c.id == _memberships.c.coder_id)
        .where(_memberships.c.coder_id == actor.coder_id, _coders.c.disabled == false())))
    return dict(rows.all())


def _parent_projects(connection, parent: type, ids: Iterable[int]) -> dict[int, int]:
    ids = sorted({i for i in ids if i is not None})
    if not ids:
        return {}
    table = parent.__table__
    return dict(connection.execute(internal(
        select(table.c.id, table.c.project_id).where(table.c.id.in_(ids)))).all())


def _refusal(actor: Actor, roles: dict, entity: type, op: str, project: Any,
             owners: set, about: str | None = None) -> str | None:
    """The error code refusing ``op`` on a row of ``entity`` in ``project``, or None
    (``about``: an event's entity)."""
    if entity is Project and op == "insert":
        return None if actor.is_admin else "E404"
    if actor.is_admin and (entity is Membership or (
            entity is Event and op == "insert" and about in ADMIN_EVENTS)):
        return None  # administrators manage any project's members (and log doing so)
    if project is None:
        if entity is Event and op == "insert":
            return None if actor.is_admin or owners <= {actor.coder_id} else "E403"
        return "E408"
    role = roles.get(project)
    if role is None:
        return "E400"
    if role == "owner":
        return None
    if role == "viewer":
        return "E401"
    if entity is Event:
        return None if op == "insert" else "E402"
    if entity is Code and op == "insert":
        return None  # open coding: coders name new concepts (in vivo); reshaping stays the owner's
    if entity in OWN_COLUMN:
        return None if owners <= {actor.coder_id} else "E403"
    return "E402"


def _raise(code: str, project: Any) -> None:
    named = code in ("E400", "E401", "E406")  # the messages that name the project
    raise BianmaError(code, **({"project": project if isinstance(project, int) else ""} if named else {}))


def _coder_refusal(actor: Actor, op: str, row: Coder | dict) -> str | None:
    """Accounts are the administrators'; anyone may add a plain coder name (no password, as
    an import of another tool's project does), and change their own password."""
    if actor.is_admin:
        return None
    values = row if isinstance(row, dict) else vars(row)
    if op == "insert" and not any(values.get(k) for k in ("password_hash", "is_admin", "disabled")):
        return None
    if op == "update" and isinstance(row, Coder) and row.id == actor.coder_id:
        changed = {a.key for a in inspect(row).attrs if a.history.has_changes()}
        return None if changed <= {"password_hash"} else "E405"
    return "E405"


def _values(obj, key: str) -> set:
    """Every value ``key`` has or had in this flush (old and new)."""
    attribute = inspect(obj).attrs[key]
    history = attribute.load_history() if inspect(obj).persistent or inspect(obj).deleted \
        else attribute.history
    return {*history.added, *history.unchanged, *history.deleted}


def _entity(obj) -> type | None:
    for entity in (Project, Coder, *DIRECT, *PARENTS):
        if isinstance(obj, entity):
            return entity
    return None


def _key(project: Project) -> Any:
    """A project as the flush knows it: its id, or the object itself while it is new."""
    return project if inspect(project).pending else project.id


def _object_projects(obj, entity: type, lookups: dict[type, set], pending: list) -> set:
    """The projects of one object: ids and new Project objects now, parent ids for later.

    Relationships are read only when already in memory (a new passage of a new document).
    """
    if entity is Project:
        return {obj} if inspect(obj).pending else _values(obj, "id")
    for column, linked in LINKS.get(entity, ()):
        ids = _values(obj, column) - {None}
        lookups[linked] |= ids
        pending.append((linked, ids))
    if entity in DIRECT:
        projects = _values(obj, "project_id") - {None}
        if (project := obj.__dict__.get("project")) is not None:
            projects.add(_key(project))
        return projects or {None}
    found = set()
    for column, parent in PARENTS[entity]:
        ids = _values(obj, column) - {None}
        lookups[parent] |= ids
        pending.append((parent, ids))
        related = obj.__dict__.get(parent.__name__.lower())
        if related is not None and not ids:
            project = related.__dict__.get("project")
            found |= ({related.project_id} - {None}) or {None if project is None else _key(project)}
    return found


def _before_flush(session: Session, _context, _instances) -> None:
    actor = session.info.get(ACTOR_KEY)
    if actor is None:
        return
    changes = [(obj, "insert") for obj in session.new]
    changes += [(obj, "update") for obj in session.dirty if session.is_modified(obj)]
    changes += [(obj, "delete") for obj in session.deleted]
    if not changes:
        return
    connection = session.connection()
    roles = _roles(connection, actor)
    if actor.is_admin:  # a project an administrator creates is theirs to fill
        roles.update({obj: "owner" for obj, op in changes if isinstance(obj, Project) and op == "insert"})
    lookups: dict[type, set] = defaultdict(set)
    checks = []
    for obj, op in changes:
        entity = _entity(obj)
        if entity is None:
            continue
        if entity is Coder:
            if (code := _coder_refusal(actor, op, obj)) is not None:
                raise BianmaError(code)
            continue
        pending: list = []
        projects = _object_projects(obj, entity, lookups, pending)
        owners = _values(obj, OWN_COLUMN[entity]) if entity in OWN_COLUMN else set()
        about = None
        if entity is Event:
            owners, about = _values(obj, "coder_id"), obj.entity
        checks.append((entity, op, projects, owners, pending, about))
    found = {parent: _parent_projects(connection, parent, ids) for parent, ids in lookups.items()}
    for entity, op, projects, owners, pending, about in checks:
        for parent, ids in pending:
            projects |= {found[parent].get(i) for i in ids}
        if entity in PARENTS and len(projects) > 1:
            projects.discard(None)
        for project in projects:
            if (code := _refusal(actor, roles, entity, op, project, owners, about)) is not None:
                _raise(code, project)


def _make_creator_owner(_mapper, connection, project: Project) -> None:
    session = object_session(project)
    actor = None if session is None else session.info.get(ACTOR_KEY)
    if actor is not None:
        connection.execute(insert(_memberships).values(
            project_id=project.id, coder_id=actor.coder_id, role="owner"),
            execution_options={_INTERNAL: True})


def _check_unique_names(session: Session, _context, _instances) -> None:
    """Values unique across all projects, where the actor cannot see the others.

    A project name clashing with a project the actor is not in is refused as with auth off
    (E002) rather than by the database; a new code's exchange GUID taken in such a project is
    replaced by a fresh one, as ``codebook.qdc.store_code_tree`` does when it sees the clash.
    """
    if session.info.get(ACTOR_KEY) is None:
        return
    connection = session.connection()
    projects, codes = Project.__table__, Code.__table__
    for obj in session.new:
        if isinstance(obj, Project) and obj.name and connection.execute(internal(
                select(projects.c.id).where(projects.c.name == obj.name.strip()))).first():
            raise BianmaError("E002", name=obj.name.strip())
    new_codes = {obj.guid: obj for obj in session.new if isinstance(obj, Code) and obj.guid}
    if new_codes:
        taken = connection.execute(internal(select(codes.c.guid).where(
            codes.c.guid.in_(list(new_codes))))).scalars()
        for guid in taken:
            new_codes[guid].guid = str(uuid.uuid4())


# --- bulk statements -----------------------------------------------------------------------

def _row_project_select(entity: type):
    """(project id, owner) of the rows of ``entity``, to filter with a statement's WHERE."""
    table = entity.__table__
    own = table.c[OWN_COLUMN[entity]] if entity in OWN_COLUMN else None
    if entity is Project:
        columns, source = [table.c.id], table
    elif entity in DIRECT:
        columns, source = [table.c.project_id], table
    else:
        column, parent = PARENTS[entity][0]
        parent_table = parent.__table__
        columns = [parent_table.c.project_id]
        source = table.join(parent_table, parent_table.c.id == table.c[column])
    if own is not None:
        columns.append(own)
    return select(*columns).select_from(source)


def _row_targets(connection, entity: type, row: dict) -> tuple[set, set]:
    """Projects and owners named by the values of one inserted or updated row."""
    projects, owners = set(), set()
    if entity is Project:
        projects.add(row.get("id"))
    elif entity in DIRECT:
        if "project_id" in row:
            projects.add(row["project_id"])
    else:
        for column, parent in PARENTS[entity]:
            if column in row:
                projects.add(_parent_projects(connection, parent, [row[column]]).get(row[column]))
    if entity in OWN_COLUMN and OWN_COLUMN[entity] in row:
        owners.add(row[OWN_COLUMN[entity]])
    return projects, owners


_UNKNOWN = object()  # a value set by an SQL expression: nobody can tell its project


def _inline_rows(statement) -> list[dict]:
    """The values written by ``.values(...)`` of an insert or update, one dict per row."""
    def plain(values) -> dict:
        row = {}
        for column, value in values.items():
            if isinstance(value, BindParameter):
                value = value.value
            elif isinstance(value, ClauseElement):
                value = _UNKNOWN
            row[getattr(column, "key", column)] = value
        return row

    multi = [row for group in getattr(statement, "_multi_values", None) or () for row in group]
    if multi:
        return [plain(row) for row in multi]
    return [plain(getattr(statement, "_values", None) or {})]


def _check_bulk(connection, actor: Actor, statement, param_sets: list[dict]) -> None:
    """``insert()/update()/delete()`` run as statements (they skip ``before_flush``)."""
    entity = _ENTITY_BY_TABLE.get(getattr(statement.table, "name", None))
    if entity is None:
        return
    op = "insert" if statement.is_insert else "update" if statement.is_update else "delete"
    inline = _inline_rows(statement) if op != "delete" else [{}]
    rows = [{**values, **params} for values in inline for params in param_sets]
    if any(value is _UNKNOWN for row in rows for value in row.values()):
        raise BianmaError("E408")
    if entity is Coder:
        for row in rows:
            if (code := _coder_refusal(actor, op, row)) is not None:
                raise BianmaError(code)
        return
    roles = _roles(connection, actor)
    targets: list[tuple[Any, set]] = []
    if op == "insert":
        if getattr(statement, "select", None) is not None:
            raise BianmaError("E408")
        for row in rows:
            projects, owners = _row_targets(connection, entity, row)
            targets += [(project, owners) for project in projects or {None}]
    else:
        check = _row_project_select(entity)
        pk = entity.__table__.c.id if "id" in entity.__table__.c else None
        for params in param_sets:
            where = statement.whereclause
            if where is None and pk is not None and params.get(pk.key) is not None:
                where = pk == params[pk.key]  # an ORM bulk update by primary key
            query = check if where is None else check.where(where)
            for found in connection.execute(internal(query), params).all():
                targets.append((found[0], {found[1]} if len(found) > 1 else set()))
        if op == "update":  # rows moved to another project or handed to another coder
            for row in rows:
                projects, owners = _row_targets(connection, entity, row)
                targets += [(project, set()) for project in projects]
                if owners:
                    targets += [(project, owners) for project, _ in list(targets)]
    for project, owners in targets:
        if (code := _refusal(actor, roles, entity, op, project, owners)) is not None:
            _raise(code, project)


event.listen(Session, "do_orm_execute", _on_orm_execute)
event.listen(Session, "before_flush", _before_flush)
event.listen(Session, "before_flush", _check_unique_names)
event.listen(Session, "after_begin", _after_begin)
event.listen(Session, "after_transaction_end", _after_transaction_end)
event.listen(Engine, "before_execute", _on_connection_execute, retval=True)
event.listen(Project, "after_insert", _make_creator_owner)
