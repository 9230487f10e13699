"""users: email and username unique regardless of letter case

The application already looks addresses and usernames up ignoring case, but the unique indexes compared them
exactly, so 'A@x.com' and 'a@x.com' registered at once made two accounts. Unique indexes on lower(email) and
lower(username) now hold that rule in the database; ix_users_email, which only an exact look-up could use, goes, and
ix_users_username stays as a plain index for exact look-ups.

The upgrade refuses, changing nothing, while existing users collide; the operator renames or merges them first.

Revision ID: 86acb9b42c31
Revises: 5b8e0c4f2a17
Create Date: 2026-11-27 10:00:00

"""

from collections import defaultdict

import sqlalchemy as sa
from alembic import op
from alembic.util import CommandError

# revision identifiers, used by Alembic.
revision = "86acb9b42c31"
down_revision = "5b8e0c4f2a17"
branch_labels = None
depends_on = None

users = sa.table(
    "users",
    sa.column("id", sa.Integer()),
    sa.column("email", sa.String()),
    sa.column("username", sa.String()),
)


def upgrade():
    refuse_colliding_users()
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index("ix_users_email")
        batch_op.drop_index("ix_users_username")
        batch_op.create_index("ix_users_username", ["username"], unique=False)
        batch_op.create_index("uq_users_email_lower", [sa.text("lower(email)")], unique=True)
        batch_op.create_index("uq_users_username_lower", [sa.text("lower(username)")], unique=True)


def downgrade():
    # Values unique ignoring case are unique exactly, so the old indexes always fit the data.
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index("uq_users_username_lower")
        batch_op.drop_index("uq_users_email_lower")
        batch_op.drop_index("ix_users_username")
        batch_op.create_index("ix_users_username", ["username"], unique=True)
        batch_op.create_index("ix_users_email", ["email"], unique=True)


def collisions(connection, column):
    """``{lower(value): [(user id, value), ...]}`` for the values of ``column`` that two or more users share, ignoring
    case. The database's own lower() decides, the function the new index uses (SQLite's folds only ASCII letters)."""
    key = sa.func.lower(column)
    shared = sa.select(key).where(column.is_not(None)).group_by(key).having(sa.func.count() > 1)
    rows = connection.execute(sa.select(key, users.c.id, column).where(key.in_(shared)).order_by(key, users.c.id)).all()
    found = defaultdict(list)
    for folded, user_id, value in rows:
        found[folded].append((user_id, value))
    return found


def refuse_colliding_users():
    connection = op.get_bind()
    lines = []
    for label, column in (("email", users.c.email), ("username", users.c.username)):
        for folded, holders in collisions(connection, column).items():
            accounts = ", ".join(f"{value!r} (user id {user_id})" for user_id, value in holders)
            lines.append(f"  {label} {folded!r}: {accounts}")
    if lines:
        raise CommandError(
            "Cannot add the case-insensitive unique indexes on users.email and users.username: these users' values "
            "differ only in letter case.\n"
            + "\n".join(lines)
            + "\nRename or merge these accounts so that no two share an email address or a username ignoring case, "
            "then run the upgrade again. This revision changed nothing."
        )
