"""Emptying the test database between tests, examples and browser sessions, the schema kept."""

from sqlalchemy import text

from app.extensions import db

# Every sequence of the schema back to 1, in one statement.
RESTART_SEQUENCES = text(
    "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false)"
    " FROM pg_sequences WHERE schemaname = current_schema()"
)


def empty_tables() -> None:
    """Delete every row, keeping the schema, and number new rows from 1 again, as in a new database.

    Row by row, children first, on both engines: a test leaves a few rows, and ``DELETE`` of a few rows costs
    little, where PostgreSQL's ``TRUNCATE`` makes new files for every table and waits for them to reach the disk
    (400 ms a test on a machine here, against 16) and for every other session's lock on them. SQLite's search
    index follows by its triggers. Rebuilding the schema would cost more: SQLite numbers rows from 1 again in an
    empty table, and from ``sqlite_sequence`` where it keeps one; PostgreSQL's sequences are set back.
    """
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    if db.engine.dialect.name == "postgresql":
        db.session.execute(RESTART_SEQUENCES)
    elif db.session.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'")):
        db.session.execute(text("DELETE FROM sqlite_sequence"))
    db.session.commit()
