"""Emptying the test database between tests, examples and browser sessions, the schema kept."""

from sqlalchemy import text

from app.extensions import db


def empty_tables() -> None:
    """Delete every row, keeping the schema, and number new rows from 1 again, as in a new database."""
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        # Children first; the search index follows by its triggers. Rebuilding the schema would cost more: SQLite
        # numbers rows from 1 again in an empty table, and from sqlite_sequence where it keeps one.
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        if db.session.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'")):
            db.session.execute(text("DELETE FROM sqlite_sequence"))
    db.session.commit()
