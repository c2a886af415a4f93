"""team accounts, suggester versions, grounded theory, pseudonyms

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('memberships',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('coder_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.CheckConstraint("role IN ('owner', 'coder', 'viewer')", name=op.f('ck_memberships_role')),
    sa.ForeignKeyConstraint(['coder_id'], ['coders.id'], name=op.f('fk_memberships_coder_id_coders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_memberships_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id', 'coder_id', name=op.f('pk_memberships'))
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memberships_coder_id'), ['coder_id'], unique=False)

    op.create_table('pseudonym_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('original', sa.String(length=200), nullable=False),
    sa.Column('pseudonym', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_pseudonym_keys_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pseudonym_keys')),
    sa.UniqueConstraint('project_id', 'original', name=op.f('uq_pseudonym_keys_project_id')),
    sa.UniqueConstraint('project_id', 'pseudonym', name='uq_pseudonym_keys_project_pseudonym')
    )
    op.create_table('suggester_models',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('blob', sa.LargeBinary(), nullable=False),
    sa.Column('meta', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('coder_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['coder_id'], ['coders.id'], name=op.f('fk_suggester_models_coder_id_coders')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_suggester_models_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggester_models')),
    sa.UniqueConstraint('project_id', 'version', name=op.f('uq_suggester_models_project_id'))
    )
    op.create_table('suggestion_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('passage_id', sa.Integer(), nullable=False),
    sa.Column('code_id', sa.Integer(), nullable=False),
    sa.Column('coder_id', sa.Integer(), nullable=False),
    sa.Column('model_id', sa.Integer(), nullable=True),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("decision IN ('accepted', 'rejected')", name=op.f('ck_suggestion_decisions_decision')),
    sa.ForeignKeyConstraint(['code_id'], ['codes.id'], name=op.f('fk_suggestion_decisions_code_id_codes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['coder_id'], ['coders.id'], name=op.f('fk_suggestion_decisions_coder_id_coders')),
    sa.ForeignKeyConstraint(['model_id'], ['suggester_models.id'], name=op.f('fk_suggestion_decisions_model_id_suggester_models'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['passage_id'], ['passages.id'], name=op.f('fk_suggestion_decisions_passage_id_passages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_suggestion_decisions_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestion_decisions')),
    sa.UniqueConstraint('passage_id', 'code_id', 'coder_id', name=op.f('uq_suggestion_decisions_passage_id'))
    )
    with op.batch_alter_table('suggestion_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suggestion_decisions_project_id'), ['project_id'], unique=False)

    with op.batch_alter_table('coders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_hash', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('is_admin', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('disabled', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('codes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gt_level', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('relation_type', sa.String(length=40), server_default='', nullable=False))
        batch_op.add_column(sa.Column('relation_meaning', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('paradigm_role', sa.String(length=30), nullable=True))

    with op.batch_alter_table('codings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('model_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_codings_model_id_suggester_models'), 'suggester_models', ['model_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('codings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_codings_model_id_suggester_models'), type_='foreignkey')
        batch_op.drop_column('model_id')

    with op.batch_alter_table('codes', schema=None) as batch_op:
        batch_op.drop_column('paradigm_role')
        batch_op.drop_column('relation_meaning')
        batch_op.drop_column('relation_type')
        batch_op.drop_column('gt_level')

    with op.batch_alter_table('coders', schema=None) as batch_op:
        batch_op.drop_column('disabled')
        batch_op.drop_column('is_admin')
        batch_op.drop_column('password_hash')

    with op.batch_alter_table('suggestion_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suggestion_decisions_project_id'))

    op.drop_table('suggestion_decisions')
    op.drop_table('suggester_models')
    op.drop_table('pseudonym_keys')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memberships_coder_id'))

    op.drop_table('memberships')
