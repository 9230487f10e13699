"""posts: index on (timestamp, id) for newest-first pages

Revision ID: 7d3c2a9e41b5
Revises: 2f899d5cda5e
Create Date: 2026-11-25 16:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '7d3c2a9e41b5'
down_revision = '2f899d5cda5e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index('ix_posts_timestamp_id', ['timestamp', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index('ix_posts_timestamp_id')
