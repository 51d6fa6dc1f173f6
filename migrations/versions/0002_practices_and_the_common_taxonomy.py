"""practices and the common taxonomy

Revision ID: 0002
Revises: 0001

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('tag_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('single_choice', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tag_groups')),
    sa.UniqueConstraint('slug', name=op.f('uq_tag_groups_slug'))
    )
    op.create_table('tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('guidance', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['tag_groups.id'], name=op.f('fk_tags_group_id_tag_groups')),
    sa.ForeignKeyConstraint(['parent_id'], ['tags.id'], name=op.f('fk_tags_parent_id_tags')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tags')),
    sa.UniqueConstraint('slug', name=op.f('uq_tags_slug'))
    )
    with op.batch_alter_table('tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tags_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tags_parent_id'), ['parent_id'], unique=False)

    op.create_table('tag_aliases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_tag_aliases_program_id_programs')),
    sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_tag_aliases_tag_id_tags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tag_aliases')),
    sa.UniqueConstraint('slug', name=op.f('uq_tag_aliases_slug'))
    )
    with op.batch_alter_table('tag_aliases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tag_aliases_tag_id'), ['tag_id'], unique=False)

    op.create_table('helpful_marks',
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_helpful_marks_thread_id_threads'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_helpful_marks_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('thread_id', 'user_id', name=op.f('pk_helpful_marks'))
    )
    op.create_table('tag_proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('proposer_id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=True),
    sa.Column('tag_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_tag_proposals_decided_by_id_users')),
    sa.ForeignKeyConstraint(['proposer_id'], ['users.id'], name=op.f('fk_tag_proposals_proposer_id_users')),
    sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_tag_proposals_tag_id_tags'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_tag_proposals_thread_id_threads'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tag_proposals'))
    )
    with op.batch_alter_table('tag_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tag_proposals_slug'), ['slug'], unique=False)
        batch_op.create_index(batch_op.f('ix_tag_proposals_status'), ['status'], unique=False)

    op.create_table('thread_tags',
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.Column('implied', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_thread_tags_tag_id_tags'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_thread_tags_thread_id_threads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('thread_id', 'tag_id', name=op.f('pk_thread_tags'))
    )
    with op.batch_alter_table('thread_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_thread_tags_tag_id'), ['tag_id'], unique=False)

    op.create_table('practices',
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('summary_html', sa.Text(), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('problem_html', sa.Text(), nullable=False),
    sa.Column('context', sa.Text(), nullable=False),
    sa.Column('context_html', sa.Text(), nullable=False),
    sa.Column('steps', sa.Text(), nullable=False),
    sa.Column('steps_html', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('evidence_html', sa.Text(), nullable=False),
    sa.Column('resources', sa.Text(), nullable=False),
    sa.Column('resources_html', sa.Text(), nullable=False),
    sa.Column('contact', sa.Text(), nullable=False),
    sa.Column('contact_html', sa.Text(), nullable=False),
    sa.Column('setting', sa.String(length=32), nullable=False),
    sa.Column('size', sa.String(length=120), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('helpful_count', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('source_post_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_practices_region_id_regions')),
    sa.ForeignKeyConstraint(['source_post_id'], ['posts.id'], name=op.f('fk_practices_source_post_id_posts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_practices_thread_id_threads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('thread_id', name=op.f('pk_practices'))
    )
    with op.batch_alter_table('practices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practices_published_at'), ['published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_practices_region_id'), ['region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_practices_setting'), ['setting'], unique=False)

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_hidden', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), server_default='published', nullable=False))

    


def downgrade():
    
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_column('status')

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_column('is_hidden')

    with op.batch_alter_table('practices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practices_setting'))
        batch_op.drop_index(batch_op.f('ix_practices_region_id'))
        batch_op.drop_index(batch_op.f('ix_practices_published_at'))

    op.drop_table('practices')
    with op.batch_alter_table('thread_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_thread_tags_tag_id'))

    op.drop_table('thread_tags')
    with op.batch_alter_table('tag_proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tag_proposals_status'))
        batch_op.drop_index(batch_op.f('ix_tag_proposals_slug'))

    op.drop_table('tag_proposals')
    op.drop_table('helpful_marks')
    with op.batch_alter_table('tag_aliases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tag_aliases_tag_id'))

    op.drop_table('tag_aliases')
    with op.batch_alter_table('tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tags_parent_id'))
        batch_op.drop_index(batch_op.f('ix_tags_group_id'))

    op.drop_table('tags')
    op.drop_table('tag_groups')
    
