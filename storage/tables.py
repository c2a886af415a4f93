"""The store's tables (SQLAlchemy 2.x typed declarative mapping).

"Tables" and "records" live here; "model" is reserved for suggester models. Offsets are
code-point indices ``[start, end)`` into ``Document.text`` (see ARCHITECTURE.md).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Optional

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    LargeBinary,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints so Alembic migrations are reproducible on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Coder(Base):
    """A person (or the suggester) who codes; with ``BIANMA_AUTH=on`` also an account."""

    __tablename__ = "coders"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Accounts (team mode): a memory-hard KDF hash; None for coders who never sign in.
    password_hash: Mapped[Optional[str]] = mapped_column(String(300))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Membership(Base):
    """A coder's role in one project (team mode): owner, coder or viewer."""

    __tablename__ = "memberships"
    __table_args__ = (CheckConstraint("role IN ('owner', 'coder', 'viewer')", name="role"),)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    coder_id: Mapped[int] = mapped_column(
        ForeignKey("coders.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(10))


class Project(Base):
    __tablename__ = "projects"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # The project's own jieba words, one per line; tokens are recomputed when they change.
    user_words: Mapped[str] = mapped_column(Text, default="")
    # Words left out of frequencies and suggestions, one per line.
    stop_words: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    documents: Mapped[list[Document]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="Document.position"
    )


class Case(Base):
    """An interviewee (or a site, a household): the unit attributes describe."""

    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("project_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")


class AttributeDefinition(Base):
    __tablename__ = "attribute_definitions"
    __table_args__ = (
        UniqueConstraint("project_id", "name"),
        CheckConstraint("type IN ('text', 'number', 'date', 'boolean')", name="type"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(10))


class AttributeValue(Base):
    """One case's value of one attribute, stored in a canonical text form of its type."""

    __tablename__ = "attribute_values"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    attribute_id: Mapped[int] = mapped_column(
        ForeignKey("attribute_definitions.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[str] = mapped_column(Text)


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("project_id", "name"),
        CheckConstraint("kind IN ('interview', 'notes')", name="kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    original_filename: Mapped[str] = mapped_column(String(300))
    encoding: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    case_id: Mapped[Optional[int]] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    # Which user dictionary the stored tokens were cut with.
    dictionary_version: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    project: Mapped[Project] = relationship(back_populates="documents")
    passages: Mapped[list[Passage]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="Passage.index"
    )


class Passage(Base):
    """A speaker turn of an interview, or a paragraph of field notes."""

    __tablename__ = "passages"
    __table_args__ = (
        UniqueConstraint("document_id", "index"),
        CheckConstraint('start >= 0 AND "end" >= start', name="span"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    index: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[Optional[str]] = mapped_column(String(100))
    timestamp: Mapped[Optional[str]] = mapped_column(String(20))
    case_id: Mapped[Optional[int]] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    # Sentence spans [[start, end], ...] and token lengths, in document offsets; tokens are
    # contiguous from ``start``, so their lengths are enough to rebuild every offset.
    sentences: Mapped[list[Any]] = mapped_column(default=list)
    token_lengths: Mapped[list[Any]] = mapped_column(default=list)

    document: Mapped[Document] = relationship(back_populates="passages")


class Code(Base):
    __tablename__ = "codes"
    __table_args__ = (Index("ix_codes_project_parent", "project_id", "parent_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    color: Mapped[str] = mapped_column(String(7), default="#f4a261")
    definition: Mapped[str] = mapped_column(Text, default="")
    inclusion: Mapped[str] = mapped_column(Text, default="", server_default="")
    exclusion: Mapped[str] = mapped_column(Text, default="", server_default="")
    example: Mapped[str] = mapped_column(Text, default="", server_default="")
    # REFI-QDA isCodable: False for category-only codes that only group others.
    is_codable: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    position: Mapped[int] = mapped_column(Integer, default=0)
    guid: Mapped[str] = mapped_column(String(36), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Grounded theory: the code's level (concept, category, main_category, core_category;
    # None = read it from the tree depth), and for a main category its relation to the
    # categories under it (因果, 情境, 中介, 时序 …), what that relation means, and its place
    # in the paradigm model (causal_condition, phenomenon, context, intervening_condition,
    # action_strategy, consequence).
    gt_level: Mapped[Optional[str]] = mapped_column(String(20))
    relation_type: Mapped[str] = mapped_column(String(40), default="", server_default="")
    relation_meaning: Mapped[str] = mapped_column(Text, default="", server_default="")
    paradigm_role: Mapped[Optional[str]] = mapped_column(String(30))


class Coding(Base):
    """One code applied by one coder to one span of a document."""

    __tablename__ = "codings"
    __table_args__ = (
        CheckConstraint('start >= 0 AND "end" > start', name="span"),
        Index("ix_codings_document", "document_id", "start"),
        Index("ix_codings_code", "code_id"),
        # Covers the reports' GROUP BY (document, code, coder) without touching the table.
        Index("ix_codings_document_code", "document_id", "code_id", "coder_id", "start", "end", unique=True),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("coders.id"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    # "manual", "suggested" when a coder accepted a suggestion, "machine" when the
    # suggester itself codes (as a coder of its own, for agreement).
    provenance: Mapped[str] = mapped_column(String(20), default="manual")
    # The suggester model version a suggested or machine coding came from.
    model_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("suggester_models.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SuggesterModel(Base):
    """One trained version of a project's suggester: the skops file and what made it."""

    __tablename__ = "suggester_models"
    __table_args__ = (UniqueConstraint("project_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))
    # The model file (models.persistence format: skops + metadata, checked on load).
    blob: Mapped[bytes] = mapped_column(LargeBinary)
    # Training data summary, held-out metrics, scikit-learn version, codebook hash,
    # dictionary version, source projects and the code mapping used.
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    coder_id: Mapped[Optional[int]] = mapped_column(ForeignKey("coders.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SuggestionDecision(Base):
    """A coder accepted or rejected a suggested code for a passage: the next retrain learns it."""

    __tablename__ = "suggestion_decisions"
    __table_args__ = (
        UniqueConstraint("passage_id", "code_id", "coder_id"),
        CheckConstraint("decision IN ('accepted', 'rejected')", name="decision"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    passage_id: Mapped[int] = mapped_column(ForeignKey("passages.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("coders.id"))
    model_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("suggester_models.id", ondelete="SET NULL")
    )
    decision: Mapped[str] = mapped_column(String(10))
    confidence: Mapped[Optional[float]] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PseudonymKey(Base):
    """De-identification key: which original a pseudonym replaced. Kept apart from the text;
    only a project owner may export it."""

    __tablename__ = "pseudonym_keys"
    __table_args__ = (
        UniqueConstraint("project_id", "original"),
        UniqueConstraint("project_id", "pseudonym", name="uq_pseudonym_keys_project_pseudonym"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    # person, place, organisation, phone, id_number, other
    kind: Mapped[str] = mapped_column(String(20))
    original: Mapped[str] = mapped_column(String(200))
    pseudonym: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Memo(Base):
    """A note on the project, a document, a code or a coding (one target at most)."""

    __tablename__ = "memos"
    __table_args__ = (
        CheckConstraint(
            "CAST(document_id IS NOT NULL AS INTEGER) + CAST(code_id IS NOT NULL AS INTEGER)"
            " + CAST(coding_id IS NOT NULL AS INTEGER) <= 1",
            name="one_target",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[Optional[int]] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    code_id: Mapped[Optional[int]] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    coding_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("codings.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("coders.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Event(Base):
    """Every change, who made it and when: the base for undo, audit and live refresh."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_project_id_id", "project_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[Optional[int]] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    coder_id: Mapped[Optional[int]] = mapped_column(ForeignKey("coders.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    action: Mapped[str] = mapped_column(String(50))
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[Optional[int]] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
