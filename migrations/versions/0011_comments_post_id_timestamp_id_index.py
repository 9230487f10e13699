"""comments: index on (post_id, timestamp, id); drop ix_comments_post_id, now its prefix

A post's comments are listed oldest first, by (timestamp, id), on the post page and in
/api/v1/posts/<id>/comments/: with this index a page of them, its cursor and its count are read in index order
instead of sorting every comment on the post.

Revision ID: 9a4f1c7e2b58
Revises: 7c2d9a4e6b13
Create Date: 2026-12-01 16:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "9a4f1c7e2b58"
down_revision = "7c2d9a4e6b13"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_comments_post_id_timestamp_id", "comments", ["post_id", "timestamp", "id"], unique=False)
    op.drop_index("ix_comments_post_id", table_name="comments")


def downgrade():
    op.create_index("ix_comments_post_id", "comments", ["post_id"], unique=False)
    op.drop_index("ix_comments_post_id_timestamp_id", table_name="comments")
