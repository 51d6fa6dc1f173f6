"""member directory: profile fields with per-field visibility, expertise, offers, contact requests

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contact_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('offer', sa.String(length=16), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_contact_requests_recipient_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sender_id'], ['users.id'], name=op.f('fk_contact_requests_sender_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_requests'))
    )
    with op.batch_alter_table('contact_requests', schema=None) as batch_op:
        batch_op.create_index('ix_contact_requests_recipient_created', ['recipient_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_requests_sender_id'), ['sender_id'], unique=False)

    op.create_table('member_expertise',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_member_expertise_tag_id_tags'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_member_expertise_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'tag_id', name=op.f('pk_member_expertise'))
    )
    with op.batch_alter_table('member_expertise', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_expertise_tag_id'), ['tag_id'], unique=False)

    op.create_table('member_offers',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('offer', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_member_offers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'offer', name=op.f('pk_member_offers'))
    )
    with op.batch_alter_table('member_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_offers_offer'), ['offer'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sector', sa.String(length=16), server_default='', nullable=False))
        batch_op.add_column(sa.Column('bio_source', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('bio_html', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('offer_capacity', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('show_headline', sa.String(length=8), server_default='members', nullable=False))
        batch_op.add_column(sa.Column('show_organisation', sa.String(length=8), server_default='members', nullable=False))
        batch_op.add_column(sa.Column('show_sector', sa.String(length=8), server_default='members', nullable=False))
        batch_op.add_column(sa.Column('show_affiliations', sa.String(length=8), server_default='members', nullable=False))
        batch_op.add_column(sa.Column('show_region', sa.String(length=8), server_default='members', nullable=False))
        batch_op.add_column(sa.Column('show_bio', sa.String(length=8), server_default='members', nullable=False))
        batch_op.add_column(sa.Column('show_expertise', sa.String(length=8), server_default='members', nullable=False))
        batch_op.add_column(sa.Column('show_offers', sa.String(length=8), server_default='members', nullable=False))
        batch_op.create_index('ix_users_status_display_name', ['status', 'display_name'], unique=False)



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_status_display_name')
        batch_op.drop_column('show_offers')
        batch_op.drop_column('show_expertise')
        batch_op.drop_column('show_bio')
        batch_op.drop_column('show_region')
        batch_op.drop_column('show_affiliations')
        batch_op.drop_column('show_sector')
        batch_op.drop_column('show_organisation')
        batch_op.drop_column('show_headline')
        batch_op.drop_column('offer_capacity')
        batch_op.drop_column('bio_html')
        batch_op.drop_column('bio_source')
        batch_op.drop_column('sector')

    with op.batch_alter_table('member_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_offers_offer'))

    op.drop_table('member_offers')
    with op.batch_alter_table('member_expertise', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_expertise_tag_id'))

    op.drop_table('member_expertise')
    with op.batch_alter_table('contact_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_requests_sender_id'))
        batch_op.drop_index('ix_contact_requests_recipient_created')

    op.drop_table('contact_requests')
