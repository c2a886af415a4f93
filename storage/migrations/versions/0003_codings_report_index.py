"""covering index for report queries on codings

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_codings_document_code", "codings",
                    ["document_id", "code_id", "coder_id", "start", "end"])


def downgrade() -> None:
    op.drop_index("ix_codings_document_code", table_name="codings")
