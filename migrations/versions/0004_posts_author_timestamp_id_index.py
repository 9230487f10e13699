"""posts: index on (author_id, timestamp, id); drop ix_posts_timestamp and ix_posts_author_id, now its prefixes

Revision ID: 5b8e0c4f2a17
Revises: 7d3c2a9e41b5
Create Date: 2026-11-26 10:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '5b8e0c4f2a17'
down_revision = '7d3c2a9e41b5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index('ix_posts_author_id_timestamp_id', ['author_id', 'timestamp', 'id'], unique=False)
        batch_op.drop_index('ix_posts_timestamp')
        batch_op.drop_index('ix_posts_author_id')


def downgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index('ix_posts_author_id', ['author_id'], unique=False)
        batch_op.create_index('ix_posts_timestamp', ['timestamp'], unique=False)
        batch_op.drop_index('ix_posts_author_id_timestamp_id')
