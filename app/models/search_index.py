"""The full-text indexes of posts (title and body) and of people (username and name), kept up to date by the
database itself on each engine.

PostgreSQL: generated ``tsvector`` columns, ``posts.search_vector`` ('english': stemmed, without stop words; the
title weighted above the body) and ``users.search_vector`` ('simple': every word as written, punctuation taken for
spaces), each with a GIN index.
SQLite: external-content FTS5 tables, ``posts_fts`` (Porter stemmer) and ``users_fts``, which triggers on ``posts``
and ``users`` keep in step with every insert, update and delete.

The models do not map these objects: they are created here after ``create_all`` makes each table (so every test
database has them) and by migration 0006, which must build the same ones; ``include_name`` keeps Alembic's
comparison (``flask db migrate``) from proposing to drop them. A batch migration on SQLite recreates its table and
drops the table's triggers with it: such a migration must create them again (``tests/integration/test_migrations.py``
fails until it does), or ``flask search reindex`` must be run after it.
"""

from typing import Any

from sqlalchemy import DDL, Connection, Table, event, func, select, text

from .post import Post
from .user import User

SEARCH_COLUMN = "search_vector"
SEARCH_INDEXES = {"ix_posts_search_vector", "ix_users_search_vector"}
POSTS_FTS, USERS_FTS = "posts_fts", "users_fts"
FTS_TABLES = (POSTS_FTS, USERS_FTS)

CREATE_STATEMENTS: dict[Table, dict[str, tuple[str, ...]]] = {
    Post.__table__: {
        "postgresql": (
            "ALTER TABLE posts ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
            "setweight(to_tsvector('english', coalesce(body, '')), 'B')) STORED",
            "CREATE INDEX ix_posts_search_vector ON posts USING gin (search_vector)",
        ),
        "sqlite": (
            "CREATE VIRTUAL TABLE posts_fts USING fts5("
            "title, body, content='posts', content_rowid='id', tokenize='porter unicode61')",
            "CREATE TRIGGER posts_fts_after_insert AFTER INSERT ON posts BEGIN "
            "INSERT INTO posts_fts (rowid, title, body) VALUES (new.id, new.title, new.body); END",
            "CREATE TRIGGER posts_fts_after_delete AFTER DELETE ON posts BEGIN "
            "INSERT INTO posts_fts (posts_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); END",
            "CREATE TRIGGER posts_fts_after_update AFTER UPDATE OF title, body ON posts BEGIN "
            "INSERT INTO posts_fts (posts_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); "
            "INSERT INTO posts_fts (rowid, title, body) VALUES (new.id, new.title, new.body); END",
        ),
    },
    User.__table__: {
        "postgresql": (
            "ALTER TABLE users ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', "
            "regexp_replace(coalesce(username, '') || ' ' || coalesce(name, ''), '[^[:alnum:]]+', ' ', 'g'))) STORED",
            "CREATE INDEX ix_users_search_vector ON users USING gin (search_vector)",
        ),
        "sqlite": (
            "CREATE VIRTUAL TABLE users_fts USING fts5("
            "username, name, content='users', content_rowid='id', tokenize='unicode61')",
            "CREATE TRIGGER users_fts_after_insert AFTER INSERT ON users BEGIN "
            "INSERT INTO users_fts (rowid, username, name) VALUES (new.id, new.username, new.name); END",
            "CREATE TRIGGER users_fts_after_delete AFTER DELETE ON users BEGIN "
            "INSERT INTO users_fts (users_fts, rowid, username, name) "
            "VALUES ('delete', old.id, old.username, old.name); END",
            "CREATE TRIGGER users_fts_after_update AFTER UPDATE OF username, name ON users BEGIN "
            "INSERT INTO users_fts (users_fts, rowid, username, name) "
            "VALUES ('delete', old.id, old.username, old.name); "
            "INSERT INTO users_fts (rowid, username, name) VALUES (new.id, new.username, new.name); END",
        ),
    },
}
DROP_STATEMENTS = {
    "postgresql": (
        "ALTER TABLE posts DROP COLUMN IF EXISTS search_vector",
        "ALTER TABLE users DROP COLUMN IF EXISTS search_vector",
    ),
    "sqlite": (
        "DROP TRIGGER IF EXISTS posts_fts_after_insert",
        "DROP TRIGGER IF EXISTS posts_fts_after_delete",
        "DROP TRIGGER IF EXISTS posts_fts_after_update",
        "DROP TABLE IF EXISTS posts_fts",
        "DROP TRIGGER IF EXISTS users_fts_after_insert",
        "DROP TRIGGER IF EXISTS users_fts_after_delete",
        "DROP TRIGGER IF EXISTS users_fts_after_update",
        "DROP TABLE IF EXISTS users_fts",
    ),
}
# An external-content FTS5 table holds no text of its own: 'rebuild' reads every row of its table again.
FILL_STATEMENTS = {
    "postgresql": (),
    "sqlite": (
        "INSERT INTO posts_fts (posts_fts) VALUES ('rebuild')",
        "INSERT INTO users_fts (users_fts) VALUES ('rebuild')",
    ),
}


def include_name(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    """Alembic's ``include_name`` hook: leave the search indexes out of autogenerate's comparison.

    FTS5 keeps its index in shadow tables named after its own (``posts_fts_data``, ``posts_fts_idx``...).
    """
    if type_ == "table":
        return not (name or "").startswith(FTS_TABLES)
    if type_ == "column":
        return not (parent_names.get("table_name") in ("posts", "users") and name == SEARCH_COLUMN)
    return not (type_ == "index" and name in SEARCH_INDEXES)


def rebuild_search_index(connection: Connection) -> tuple[int, int]:
    """Drop the search indexes if they exist and build them again from every post and user; return how many posts
    and users they hold."""
    dialect = connection.dialect.name
    creates = [statement for statements in CREATE_STATEMENTS.values() for statement in statements[dialect]]
    for statement in (*DROP_STATEMENTS[dialect], *creates, *FILL_STATEMENTS[dialect]):
        connection.execute(text(statement))
    return (
        connection.scalar(select(func.count()).select_from(Post)),
        connection.scalar(select(func.count()).select_from(User)),
    )


for _table, _dialects in CREATE_STATEMENTS.items():
    for _dialect, _statements in _dialects.items():
        for _statement in _statements:
            event.listen(_table, "after_create", DDL(_statement).execute_if(dialect=_dialect))
    # drop_all drops the table, and its triggers with it, but leaves its FTS5 table behind, which would make a later
    # create_all fail.
    event.listen(_table, "before_drop", DDL(f"DROP TABLE IF EXISTS {_table.name}_fts").execute_if(dialect="sqlite"))
