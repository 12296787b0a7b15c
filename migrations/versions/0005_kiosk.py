"""Kiosks: shared tablets for one collection (PIN digest, idle timeout, one-time link)

Revision ID: 0005_kiosk
Revises: 0002_audit_sessions
Create Date: 2026-11-23 18:57:50.045180

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_kiosk'
down_revision = '0004_coordinator'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('kiosk',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('collection_id', sa.Integer(), nullable=False),
    sa.Column('pin_salt', sa.String(length=32), nullable=False),
    sa.Column('pin_rounds', sa.Integer(), nullable=False),
    sa.Column('pin_digest', sa.String(length=64), nullable=False),
    sa.Column('idle_seconds', sa.Integer(), nullable=False),
    sa.Column('link_digest', sa.String(length=64), nullable=True),
    sa.Column('link_expires_at', sa.DateTime(), nullable=True),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['collection_id'], ['collection.id'], name=op.f('fk_kiosk_collection_id_collection')),
    sa.ForeignKeyConstraint(['started_by_id'], ['staff_user.id'], name=op.f('fk_kiosk_started_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kiosk')),
    sa.UniqueConstraint('link_digest', name=op.f('uq_kiosk_link_digest'))
    )
    with op.batch_alter_table('kiosk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kiosk_collection_id'), ['collection_id'], unique=False)



def downgrade():
    with op.batch_alter_table('kiosk', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kiosk_collection_id'))

    op.drop_table('kiosk')
