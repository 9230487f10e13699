"""The query planner's statistics, brought up to date after a bulk load.

PostgreSQL plans each query from what ``ANALYZE`` last saw of a table: a table filled by COPY since then looks empty
or small, and the planner picks plans for that size (a post page at a million posts then took 22 s instead of
milliseconds). Autovacuum analyses a table only after enough changes and a while, so whatever loads rows in bulk
analyses the tables it loaded itself. SQLite's planner reads the same kind of figures from ``sqlite_stat1``.

A bulk load also asks PostgreSQL to vacuum what it loaded: until a vacuum marks the new pages all-visible, an
index-only scan still reads each row's page from the table (the Followed feed's deep pages read 21,699 posts from
the table at a million posts, 415 ms, and 25 ms once vacuumed).
"""

from collections.abc import Iterable

from sqlalchemy import Table, text

from .extensions import db


def analyze(tables: Iterable[Table] | None = None, *, vacuum: bool = False) -> None:
    """``ANALYZE`` ``tables`` (every table when none are named), and commit; with ``vacuum``, on PostgreSQL, ``VACUUM
    (ANALYZE)`` them instead, after committing the session (a vacuum runs outside any transaction)."""
    quote = db.engine.dialect.identifier_preparer.quote
    names = [quote(table.name) for table in tables] if tables is not None else []
    if db.engine.dialect.name == "postgresql":
        statement = text(f"{'VACUUM (ANALYZE)' if vacuum else 'ANALYZE'} {', '.join(names)}".rstrip())
        if vacuum:
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(statement)
            return
        db.session.execute(statement)
    elif not names:
        db.session.execute(text("ANALYZE"))
    else:
        # SQLite analyses one table (or schema) per statement.
        for name in names:
            db.session.execute(text(f"ANALYZE {name}"))
    db.session.commit()
