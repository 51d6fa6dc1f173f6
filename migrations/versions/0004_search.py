"""search: the outbox of search intents; on PostgreSQL, the full-text documents table

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'search_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('doc_type', sa.String(length=16), nullable=False),
        sa.Column('doc_id', sa.Integer(), nullable=False),
        sa.Column('queued_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_outbox')),
    )
    if op.get_bind().dialect.name != 'postgresql':
        return
    # The PostgreSQL search backend's documents (search/postgres_backend.py); SQLite never uses it.
    op.create_table(
        'search_documents',
        sa.Column('key', sa.String(length=32), primary_key=True),
        sa.Column('doctype', sa.String(length=16), nullable=False),
        sa.Column('doc_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('tag_ids', postgresql.ARRAY(sa.Integer()), nullable=False),
        sa.Column('region_ids', postgresql.ARRAY(sa.Integer()), nullable=False),
        sa.Column('author_ids', postgresql.ARRAY(sa.Integer()), nullable=False),
        sa.Column('category_id', sa.Integer()),
        sa.Column('created', sa.DateTime(), nullable=False),
        sa.Column('tsv', postgresql.TSVECTOR(), nullable=False),
    )
    op.create_index('ix_search_documents_tsv', 'search_documents', ['tsv'], postgresql_using='gin')
    op.create_index('ix_search_documents_tag_ids', 'search_documents', ['tag_ids'], postgresql_using='gin')
    op.create_index('ix_search_documents_region_ids', 'search_documents', ['region_ids'], postgresql_using='gin')
    op.create_index('ix_search_documents_created', 'search_documents', ['doctype', 'created'])


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_table('search_documents')
    op.drop_table('search_outbox')
