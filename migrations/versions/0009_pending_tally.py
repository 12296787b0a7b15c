"""responses wait for the results' tallies (pending_tally), counted off the submission's path

Revision ID: 0009_pending_tally
Revises: 0008_retention
Create Date: 2026-11-23 23:05:00

Responses stored before this revision were counted when they were stored: they get False.
The index on collection_id alone goes: the unique (collection_id, client_id) index serves every
look-up by collection, and each index is one more B-tree written by every submission.
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_pending_tally'
down_revision = '0008_retention'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_tally', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_index('ix_response_pending_tally', 'response', ['id'], unique=False,
                    sqlite_where=sa.text('pending_tally'), postgresql_where=sa.text('pending_tally'))
    op.drop_index('ix_response_collection_id', table_name='response')


def downgrade():
    op.create_index('ix_response_collection_id', 'response', ['collection_id'], unique=False)
    op.drop_index('ix_response_pending_tally', table_name='response',
                  sqlite_where=sa.text('pending_tally'), postgresql_where=sa.text('pending_tally'))
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_column('pending_tally')
