"""codebook fields (inclusion, exclusion, example, is_codable) and project stop words

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Server defaults fill the rows that already exist; the tables declare the same defaults.
    with op.batch_alter_table('codes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('inclusion', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('exclusion', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('example', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('is_codable', sa.Boolean(), server_default=sa.true(), nullable=False))

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stop_words', sa.Text(), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_column('stop_words')

    with op.batch_alter_table('codes', schema=None) as batch_op:
        batch_op.drop_column('is_codable')
        batch_op.drop_column('example')
        batch_op.drop_column('exclusion')
        batch_op.drop_column('inclusion')
