"""search: on PostgreSQL, adjacent word pairs beside the tsvector, so phrases are index lookups

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.add_column('search_documents', sa.Column('pairs', postgresql.TSVECTOR(), nullable=False,
                                                server_default=sa.text("''::tsvector")))
    op.create_index('ix_search_documents_pairs', 'search_documents', ['pairs'], postgresql_using='gin')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_search_documents_pairs', table_name='search_documents')
        op.drop_column('search_documents', 'pairs')
