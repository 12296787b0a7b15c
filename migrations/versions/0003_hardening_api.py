"""Count conflicting re-sends per collection

Revision ID: 0003_hardening_api
Revises: 0002_audit_sessions
Create Date: 2026-11-23 18:59:30.502075

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_hardening_api'
down_revision = '0002_audit_sessions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('collection', schema=None) as batch_op:
        batch_op.add_column(sa.Column('conflicting_resends', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('collection', schema=None) as batch_op:
        batch_op.drop_column('conflicting_resends')
