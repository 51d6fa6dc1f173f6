"""moderation: held posts, pins, merges, scopes

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('moderator_categories',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_moderator_categories_category_id_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_moderator_categories_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'category_id', name=op.f('pk_moderator_categories'))
    )
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review', sa.String(length=16), server_default='', nullable=False))
        batch_op.add_column(sa.Column('held_reason', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('edited_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('edit_reason', sa.Text(), server_default='', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_posts_edited_by_id_users'), 'users', ['edited_by_id'], ['id'])
        batch_op.create_index('ix_posts_not_shown', ['author_id'], unique=False,
                              sqlite_where=sa.text("review != ''"), postgresql_where=sa.text("review != ''"))

    with op.batch_alter_table('practices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refresh_requested_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pinned', sa.String(length=16), server_default='', nullable=False))
        batch_op.add_column(sa.Column('pinned_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_threads_merged_into_id_threads'), 'threads', ['merged_into_id'], ['id'])
        batch_op.create_index('ix_threads_pinned', ['pinned_at'], unique=False,
                              sqlite_where=sa.text("pinned != ''"), postgresql_where=sa.text("pinned != ''"))



def downgrade():
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_index('ix_threads_pinned')
        batch_op.drop_constraint(batch_op.f('fk_threads_merged_into_id_threads'), type_='foreignkey')
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('pinned_at')
        batch_op.drop_column('pinned')

    with op.batch_alter_table('practices', schema=None) as batch_op:
        batch_op.drop_column('refresh_requested_at')

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index('ix_posts_not_shown')
        batch_op.drop_constraint(batch_op.f('fk_posts_edited_by_id_users'), type_='foreignkey')
        batch_op.drop_column('edit_reason')
        batch_op.drop_column('edited_by_id')
        batch_op.drop_column('held_reason')
        batch_op.drop_column('review')

    op.drop_table('moderator_categories')
