"""Grounded theory (扎根理论) on the code tree: levels, relations, in-vivo coding.

Chinese grounded-theory studies report four levels of codes: initial concepts (初始概念),
categories (范畴), main categories (主范畴) and the core category (核心范畴).

**Levels.** A code's level is the one the researcher set (``Code.gt_level``); when none is set
it is read from the tree, bottom-up:

- a code without sub-codes is a concept (the codes statements are coded with);
- any other code sits one level above the highest level among its sub-codes
  (concept → category → main category → core category), and never above core category.

So the top codes of a two-level codebook are categories, those of a three-level codebook main
categories, and the single top code of a four-level codebook is the core category. An explicit
level overrides the inference for its code and feeds the inference of the codes above it (a code
above an explicit main category is inferred to be the core category).

**Statements.** A coding belongs to the *concept* that is the highest concept-level code on
its code's path (sub-codes of a concept roll up into it), and that concept to the nearest
category-level code above it (none if a main or core category comes first). A category belongs
to the nearest main category above it, a main category to the nearest core category. A coding
made directly on a code above concept level has no concept: the tables leave it out and say how
many they left out.

**Relations.** ``relation_type`` (因果, 情境, 中介, 时序, 并列, 策略 … free text, these offered)
and ``relation_meaning`` (关系内涵; for the core category its story line, 故事线) are set on a
main category for the categories beneath it, or on one category for itself; ``paradigm_role``
places a code in the paradigm model (``coding.paradigm``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from codebook import changes
from codebook.codes import PATH_SEPARATOR, UNCHANGED, add_code, get_code
from coding.codings import apply_codes, check_span
from corpus.documents import get_document
from i18n import BianmaError
from storage import audit
from storage.tables import Code, Coding

LEVELS = ("concept", "category", "main_category", "core_category")
RELATION_TYPES = ("因果", "情境", "中介", "时序", "并列", "策略")
PARADIGM_ROLES = ("causal_condition", "phenomenon", "context", "intervening_condition",
                  "action_strategy", "consequence")
RELATION_TYPE_MAX = 40  # Code.relation_type is String(40)
IN_VIVO_MAX = 30  # an in-vivo name is a few of the interviewee's words, not a sentence

_RANK = {level: rank for rank, level in enumerate(LEVELS)}


@dataclass(frozen=True, slots=True)
class GroundedNode:
    """A code with its grounded-theory level (set or inferred) and relation fields."""

    id: int
    parent_id: int | None
    name: str
    path: str
    depth: int
    codings: int
    level: str
    explicit: bool
    relation_type: str
    relation_meaning: str
    paradigm_role: str | None
    is_codable: bool


@dataclass(frozen=True, slots=True)
class InVivoResult:
    """What in-vivo coding did: the concept code (new or reused) and the coding on the span."""

    code_id: int
    coding_id: int
    name: str
    created: bool


# --- levels -----------------------------------------------------------------------------


def infer_levels(parents: dict[int, int | None], explicit: dict[int, str | None]) -> dict[int, str]:
    """The level of every code from the tree (``code -> parent``) and the levels set by hand."""
    children: dict[int | None, list[int]] = {}
    for code_id, parent_id in parents.items():
        children.setdefault(parent_id, []).append(code_id)
    ranks: dict[int, int] = {}
    # Iterative post-order: deep codebooks must not hit the recursion limit.
    stack: list[tuple[int, bool]] = [(code_id, False) for code_id in children.get(None, [])]
    while stack:
        code_id, expanded = stack.pop()
        if not expanded:
            stack.append((code_id, True))
            stack.extend((child, False) for child in children.get(code_id, []))
            continue
        if explicit.get(code_id):
            ranks[code_id] = _RANK[explicit[code_id]]  # type: ignore[index]
        else:
            below = [ranks[child] for child in children.get(code_id, [])]
            ranks[code_id] = min(max(below) + 1, len(LEVELS) - 1) if below else 0
    return {code_id: LEVELS[rank] for code_id, rank in ranks.items()}


def grounded_tree(session: Session, project_id: int) -> list[GroundedNode]:
    """All codes depth-first in their order, each with its level and relation fields."""
    codes = session.scalars(
        select(Code).where(Code.project_id == project_id).order_by(Code.position, Code.id)).all()
    counts = dict(session.execute(
        select(Coding.code_id, func.count(Coding.id)).join(Code, Code.id == Coding.code_id)
        .where(Code.project_id == project_id).group_by(Coding.code_id)).all())
    levels = infer_levels({c.id: c.parent_id for c in codes}, {c.id: c.gt_level for c in codes})
    children: dict[int | None, list[Code]] = {}
    for code in codes:
        children.setdefault(code.parent_id, []).append(code)
    nodes: list[GroundedNode] = []
    stack: list[tuple[Code, str, int]] = [(c, "", 0) for c in reversed(children.get(None, []))]
    while stack:
        code, prefix, depth = stack.pop()
        path = f"{prefix}{PATH_SEPARATOR}{code.name}" if prefix else code.name
        nodes.append(GroundedNode(
            id=code.id, parent_id=code.parent_id, name=code.name, path=path, depth=depth,
            codings=counts.get(code.id, 0), level=levels[code.id], explicit=bool(code.gt_level),
            relation_type=code.relation_type or "", relation_meaning=code.relation_meaning or "",
            paradigm_role=code.paradigm_role, is_codable=code.is_codable))
        stack.extend((child, path, depth + 1) for child in reversed(children.get(code.id, [])))
    return nodes


class Hierarchy:
    """Lookups over a grounded tree: the concept of a coded code, the category of a concept…"""

    def __init__(self, nodes: Iterable[GroundedNode]) -> None:
        self.nodes = list(nodes)
        self.by_id = {node.id: node for node in self.nodes}

    def concept_of(self, code_id: int) -> int | None:
        """The highest concept-level code on the code's path, if the code is a concept."""
        node = self.by_id.get(code_id)
        if node is None or node.level != "concept":
            return None
        while node.parent_id is not None and self.by_id[node.parent_id].level == "concept":
            node = self.by_id[node.parent_id]
        return node.id

    def above(self, code_id: int, level: str) -> int | None:
        """The nearest code of ``level`` above this one; None if a higher level comes first."""
        node = self.by_id[code_id]
        while node.parent_id is not None:
            node = self.by_id[node.parent_id]
            if node.level == level:
                return node.id
            if _RANK[node.level] > _RANK[level]:
                return None
        return None

    def category_of(self, code_id: int) -> int | None:
        """The category a coding on ``code_id`` counts for (the code itself if a category)."""
        node = self.by_id.get(code_id)
        if node is None:
            return None
        if node.level == "category":
            return node.id
        concept = self.concept_of(code_id)
        return self.above(concept, "category") if concept is not None else None

    def of_level(self, level: str) -> list[GroundedNode]:
        return [node for node in self.nodes if node.level == level]


def project_hierarchy(session: Session, project_id: int) -> Hierarchy:
    return Hierarchy(grounded_tree(session, project_id))


# --- setting the grounded-theory fields -------------------------------------------------


def _check_level(level: str | None) -> str | None:
    if level is None or not str(level).strip():
        return None
    if level not in LEVELS:
        raise BianmaError("E270", level=level, choices=", ".join(LEVELS))
    return level


def _check_role(role: str | None) -> str | None:
    if role is None or not str(role).strip():
        return None
    if role not in PARADIGM_ROLES:
        raise BianmaError("E272", role=role, choices=", ".join(PARADIGM_ROLES))
    return role


def _check_relation_type(relation_type: str | None) -> str:
    relation_type = " ".join((relation_type or "").split())
    if len(relation_type) > RELATION_TYPE_MAX:
        raise BianmaError("E271", value=relation_type, maximum=RELATION_TYPE_MAX)
    return relation_type


def set_grounded_fields(
    session: Session,
    project_id: int,
    code_id: int,
    *,
    gt_level: Any = UNCHANGED,
    relation_type: Any = UNCHANGED,
    relation_meaning: Any = UNCHANGED,
    paradigm_role: Any = UNCHANGED,
    coder: str | None = None,
) -> Code:
    """Set a code's level (None or "" = infer from the tree), relation type and meaning, and
    paradigm role (None or "" = none), as one undoable change; unnamed fields stay as they are."""
    code = get_code(session, project_id, code_id)
    # Every value is checked before the code is touched.
    wanted: dict[str, Any] = {}
    if gt_level is not UNCHANGED:
        wanted["gt_level"] = _check_level(gt_level)
    if relation_type is not UNCHANGED:
        wanted["relation_type"] = _check_relation_type(relation_type)
    if relation_meaning is not UNCHANGED:
        wanted["relation_meaning"] = (relation_meaning or "").strip()
    if paradigm_role is not UNCHANGED:
        wanted["paradigm_role"] = _check_role(paradigm_role)
    before = {field: getattr(code, field) for field in changes.CODE_EDITABLE}
    if all(before[field] == value for field, value in wanted.items()):
        return code
    changes.name_step(session, "grounded.history_fields", name=code.name)
    for field, value in wanted.items():
        setattr(code, field, value)
    session.flush()
    after = {field: getattr(code, field) for field in changes.CODE_EDITABLE}
    changes.record(session, project_id=project_id, coder=audit.coder_id(session, coder),
                   action="update", entity="code", entity_id=code.id, before=before, after=after)
    return code


# --- in-vivo coding ---------------------------------------------------------------------

_WIDE = r"[^\x00-\x7f]"


def in_vivo_name(text: str) -> str:
    """The code name in-vivo coding makes of the selected words.

    Line breaks and spaces between Chinese characters go (a transcript wraps lines anywhere),
    other runs of white space become one space; punctuation and quotes around the words go;
    "/" (the path separator) becomes the full-width "／"; a name longer than ``IN_VIVO_MAX``
    characters is cut there and ends with "…". The result may be empty.
    """
    name = re.sub(rf"(?<={_WIDE})\s+(?={_WIDE})", "", text)
    name = " ".join(name.split())
    start, end = 0, len(name)
    while start < end and _trimmed(name[start]):
        start += 1
    while end > start and _trimmed(name[end - 1]):
        end -= 1
    name = name[start:end].replace(PATH_SEPARATOR, "／")
    if len(name) > IN_VIVO_MAX:
        name = name[:IN_VIVO_MAX].rstrip() + "…"
    return name


def _trimmed(char: str) -> bool:
    return char.isspace() or unicodedata.category(char).startswith("P")


def code_in_vivo(
    session: Session,
    project_id: int,
    document_id: int,
    start: int,
    end: int,
    *,
    parent_id: int | None = None,
    coder: str | None = None,
) -> InVivoResult:
    """Code a span with an initial concept named by its own words (``in_vivo_name``).

    The new code goes last under ``parent_id`` (or at the top). If a code of that name is
    already there, the span is coded with it instead: the same words coded again are the
    same concept. The code and the coding are one change, undone in one step.
    """
    document = get_document(session, document_id, project_id)
    check_span(document, start, end)
    name = in_vivo_name(document.text[start:end])
    if not name:
        raise BianmaError("E273")
    if parent_id is not None:
        get_code(session, project_id, parent_id)
    changes.name_step(session, "grounded.history_in_vivo", name=name)
    existing = session.scalar(select(Code).where(
        Code.project_id == project_id, Code.name == name,
        Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id))
    if existing is not None and not existing.is_codable:
        raise BianmaError("E274", name=name)
    code = existing or add_code(session, project_id, name, parent_id=parent_id, coder=coder)
    [coding] = apply_codes(session, document.id, start, end, [code.id], coder=coder)
    return InVivoResult(code_id=code.id, coding_id=coding.id, name=name, created=existing is None)
