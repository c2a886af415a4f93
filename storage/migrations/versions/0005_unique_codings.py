"""one coding per coder, code and span: ix_codings_document_code becomes unique

Two sessions of one coder applying the same code to the same span at the same moment each
found no such coding and both stored one. The index that already covers these columns now
refuses the second (coding.codings.apply_codes then keeps the first). Duplicates stored
before are folded first: the lowest id is kept, the others' memos move onto it (their text
joined to its memo when it has one), and each coding removed gets an event, which also
closes the project's undo history there, as the steps before no longer match the store.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

KEY = ("document_id", "code_id", "coder_id", "start", "end")

codings = sa.table("codings", sa.column("id"), *(sa.column(name) for name in KEY))
memos = sa.table("memos", sa.column("id"), sa.column("coding_id"), sa.column("text"),
                 sa.column("updated_at"))
documents = sa.table("documents", sa.column("id"), sa.column("project_id"))
events = sa.table("events", sa.column("project_id"), sa.column("coder_id"), sa.column("at"),
                  sa.column("action"), sa.column("entity"), sa.column("entity_id"),
                  sa.column("payload", sa.JSON))


def upgrade() -> None:
    _fold_duplicates(op.get_bind())
    op.drop_index("ix_codings_document_code", table_name="codings")
    op.create_index("ix_codings_document_code", "codings", list(KEY), unique=True)


def downgrade() -> None:
    op.drop_index("ix_codings_document_code", table_name="codings")
    op.create_index("ix_codings_document_code", "codings", list(KEY))


def _fold_duplicates(connection) -> None:
    columns = [codings.c[name] for name in KEY]
    twice = (sa.select(*columns).group_by(*columns).having(sa.func.count() > 1)).subquery()
    rows = connection.execute(
        sa.select(codings.c.id, *columns, documents.c.project_id)
        .join(twice, sa.and_(*(codings.c[name] == twice.c[name] for name in KEY)))
        .join(documents, documents.c.id == codings.c.document_id)
        .order_by(*columns, codings.c.id)
    ).all()
    groups: dict[tuple, list] = {}
    for row in rows:
        groups.setdefault(tuple(row[1:6]), []).append(row)
    now = datetime.now(timezone.utc)
    for (document_id, code_id, coder_id, start, end), (kept, *others) in groups.items():
        for other in others:
            _move_memos(connection, other.id, kept.id, now)
            connection.execute(events.insert().values(
                project_id=kept.project_id, coder_id=None, at=now, action="remove",
                entity="coding", entity_id=other.id,
                payload={"reason": "duplicate", "kept": kept.id, "document_id": document_id,
                         "code_id": code_id, "coder_id": coder_id, "start": start, "end": end}))
            connection.execute(codings.delete().where(codings.c.id == other.id))


def _move_memos(connection, folded: int, kept: int, now: datetime) -> None:
    """The folded coding's memos go onto the kept coding: the first becomes its memo if it
    has none, the text of the rest is joined to that memo (unless it is already there)."""
    def memo_of(coding_id: int):
        return connection.execute(sa.select(memos.c.id, memos.c.text)
                                  .where(memos.c.coding_id == coding_id)
                                  .order_by(memos.c.id)).first()

    for memo_id, text in connection.execute(sa.select(memos.c.id, memos.c.text)
                                            .where(memos.c.coding_id == folded)
                                            .order_by(memos.c.id)).all():
        mine = memo_of(kept)
        if mine is None:
            connection.execute(memos.update().where(memos.c.id == memo_id).values(coding_id=kept))
            continue
        if text.strip() and text.strip() not in mine.text:
            connection.execute(memos.update().where(memos.c.id == mine.id)
                               .values(text=f"{mine.text}\n\n{text}", updated_at=now))
        connection.execute(memos.delete().where(memos.c.id == memo_id))
