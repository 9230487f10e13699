"""users.locale: the language a user chose for the site and its mail

A nullable column, added in place: no row needs a value (None follows the browser), and SQLite adds a column without
batch mode's copy of the table, which would drop the search index's triggers on users. The downgrade drops it in
place too (SQLite 3.35 and later).

Revision ID: 7c2d9a4e6b13
Revises: e3b8c41f7a09
Create Date: 2026-12-01 13:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c2d9a4e6b13'
down_revision = 'e3b8c41f7a09'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('locale', sa.String(length=8), nullable=True))


def downgrade():
    op.drop_column('users', 'locale')
