"""site state: the content version behind the fragment cache

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'site_state',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('content_version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_site_state')),
    )
    op.bulk_insert(table, [{'id': 1, 'content_version': 0}])


def downgrade():
    op.drop_table('site_state')
