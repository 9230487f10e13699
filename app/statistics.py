"""The query planner's statistics, brought up to date after a bulk load.

PostgreSQL plans each query from what ``ANALYZE`` last saw of a table: a table filled by COPY since then looks empty
or small, and the planner picks plans for that size (a post page at a million posts then took 22 s instead of
milliseconds). Autovacuum analyses a table only after enough changes and a while, so whatever loads rows in bulk
analyses the tables it loaded itself. SQLite's planner reads the same kind of figures from ``sqlite_stat1``.
"""

from collections.abc import Iterable

from sqlalchemy import Table, text

from .extensions import db


def analyze(tables: Iterable[Table] | None = None) -> None:
    """``ANALYZE`` ``tables`` (every table when none are named), and commit."""
    connection = db.session.connection()
    quote = connection.dialect.identifier_preparer.quote
    names = [quote(table.name) for table in tables] if tables is not None else []
    if not names:
        connection.execute(text("ANALYZE"))
    elif connection.dialect.name == "postgresql":
        connection.execute(text(f"ANALYZE {', '.join(names)}"))
    else:
        # SQLite analyses one table (or schema) per statement.
        for name in names:
            connection.execute(text(f"ANALYZE {name}"))
    db.session.commit()
