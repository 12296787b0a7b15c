"""guardians' confirmation and closing by hand on collections

A coordinator's recorded confirmation that the guardians of respondents under 15 agreed
(who, when), and the moment a collection was closed by hand ("close now").

Revision ID: 0004_coordinator
Revises: 0002_audit_sessions
Create Date: 2026-11-23 18:56:17.448567

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_coordinator'
down_revision = '0003_hardening_api'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('collection', schema=None) as batch_op:
        batch_op.add_column(sa.Column('guardians_confirmed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('guardians_confirmed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_collection_guardians_confirmed_by_id_staff_user'), 'staff_user', ['guardians_confirmed_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('collection', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_collection_guardians_confirmed_by_id_staff_user'), type_='foreignkey')
        batch_op.drop_column('closed_at')
        batch_op.drop_column('guardians_confirmed_by_id')
        batch_op.drop_column('guardians_confirmed_at')
