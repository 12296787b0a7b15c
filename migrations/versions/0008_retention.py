"""retention period per collection: days raw responses are kept after closing (NULL: the server default)

Revision ID: 0008_retention
Revises: 0002_audit_sessions
Create Date: 2026-11-23 19:14:44.239697

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_retention'
down_revision = '0007_exports'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('collection', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_days', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('collection', schema=None) as batch_op:
        batch_op.drop_column('retention_days')
