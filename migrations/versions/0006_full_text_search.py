"""full-text search: posts and users indexed by generated tsvectors and GIN (PostgreSQL) or FTS5 and triggers (SQLite)

PostgreSQL: posts.search_vector, generated from the title (weight A) and body (weight B) with the 'english'
configuration, and users.search_vector, from the username and name with the 'simple' one (every word as written,
punctuation taken for spaces), so the database keeps them up to date on every write; a GIN index on each. Adding
the columns computes them for every existing row (each table is rewritten, under an exclusive lock).

SQLite: posts_fts over posts' title and body (Porter stemmer) and users_fts over users' username and name, FTS5
tables with external content (they store only the index); three triggers on each table keep its index in step,
and the upgrade indexes the existing rows.

The statements are the ones app/models/search_index.py runs after create_all, written out here so that this
revision builds the same objects however that module changes later.

Revision ID: c07619a06040
Revises: 86acb9b42c31
Create Date: 2026-11-28 10:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c07619a06040'
down_revision = '86acb9b42c31'
branch_labels = None
depends_on = None

UPGRADE = {
    "postgresql": (
        "ALTER TABLE posts ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
        "setweight(to_tsvector('english', coalesce(body, '')), 'B')) STORED",
        "CREATE INDEX ix_posts_search_vector ON posts USING gin (search_vector)",
        "ALTER TABLE users ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', "
        "regexp_replace(coalesce(username, '') || ' ' || coalesce(name, ''), '[^[:alnum:]]+', ' ', 'g'))) STORED",
        "CREATE INDEX ix_users_search_vector ON users USING gin (search_vector)",
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
        "INSERT INTO posts_fts (posts_fts) VALUES ('rebuild')",
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
        "INSERT INTO users_fts (users_fts) VALUES ('rebuild')",
    ),
}

DOWNGRADE = {
    "postgresql": (
        "DROP INDEX ix_users_search_vector",
        "ALTER TABLE users DROP COLUMN search_vector",
        "DROP INDEX ix_posts_search_vector",
        "ALTER TABLE posts DROP COLUMN search_vector",
    ),
    "sqlite": (
        "DROP TRIGGER users_fts_after_update",
        "DROP TRIGGER users_fts_after_delete",
        "DROP TRIGGER users_fts_after_insert",
        "DROP TABLE users_fts",
        "DROP TRIGGER posts_fts_after_update",
        "DROP TRIGGER posts_fts_after_delete",
        "DROP TRIGGER posts_fts_after_insert",
        "DROP TABLE posts_fts",
    ),
}


def upgrade():
    for statement in UPGRADE[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade():
    for statement in DOWNGRADE[op.get_bind().dialect.name]:
        op.execute(statement)
