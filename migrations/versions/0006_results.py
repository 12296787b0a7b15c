"""results: running tallies, journey starts, partner scope, public results

Revision ID: 0006_results
Revises: 0002_audit_sessions
Create Date: 2026-11-23 18:56:52.160169

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_results'
down_revision = '0005_kiosk'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('answer_tally',
    sa.Column('collection_id', sa.Integer(), nullable=False),
    sa.Column('var', sa.String(length=63), nullable=False),
    sa.Column('value', sa.String(length=20), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['collection_id'], ['collection.id'], name=op.f('fk_answer_tally_collection_id_collection'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('collection_id', 'var', 'value', name=op.f('pk_answer_tally'))
    )
    op.create_table('indicator_tally',
    sa.Column('collection_id', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.String(length=63), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('gender', sa.String(length=10), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('total', sa.Float(), nullable=False),
    sa.Column('total_sq', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['collection_id'], ['collection.id'], name=op.f('fk_indicator_tally_collection_id_collection'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('collection_id', 'indicator', 'year', 'gender', name=op.f('pk_indicator_tally'))
    )
    op.create_table('journey_start',
    sa.Column('collection_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('started', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['collection_id'], ['collection.id'], name=op.f('fk_journey_start_collection_id_collection'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('collection_id', 'day', name=op.f('pk_journey_start'))
    )
    op.create_table('partner_scope',
    sa.Column('staff_user_id', sa.Integer(), nullable=False),
    sa.Column('collection_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['collection_id'], ['collection.id'], name=op.f('fk_partner_scope_collection_id_collection'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_user.id'], name=op.f('fk_partner_scope_staff_user_id_staff_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('staff_user_id', 'collection_id', name=op.f('pk_partner_scope'))
    )
    op.create_table('public_results',
    sa.Column('collection_id', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['collection_id'], ['collection.id'], name=op.f('fk_public_results_collection_id_collection'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('collection_id', name=op.f('pk_public_results'))
    )
    op.create_table('response_mix',
    sa.Column('collection_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('responses', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['collection_id'], ['collection.id'], name=op.f('fk_response_mix_collection_id_collection'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('collection_id', 'language', 'channel', name=op.f('pk_response_mix'))
    )
    op.create_table('response_tally',
    sa.Column('collection_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('responses', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['collection_id'], ['collection.id'], name=op.f('fk_response_tally_collection_id_collection'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('collection_id', 'day', name=op.f('pk_response_tally'))
    )

def downgrade():
    op.drop_table('response_tally')
    op.drop_table('response_mix')
    op.drop_table('public_results')
    op.drop_table('partner_scope')
    op.drop_table('journey_start')
    op.drop_table('indicator_tally')
    op.drop_table('answer_tally')
