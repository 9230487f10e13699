"""Counting the SQL statements a block of code sends, to hold pages to a fixed query budget."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from app.extensions import db
from tests.login import forget_current_user


class StatementLog:
    """The SQL statements sent while the block ran."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def __repr__(self) -> str:
        return f"<{self.count} statements:\n" + "\n".join(self.statements) + ">"


@contextmanager
def count_queries() -> Iterator[StatementLog]:
    """Record every statement sent to ``db.engine`` inside the block, starting from a fresh session.

    The session and the cached current user are dropped first so that nothing left by the test's own
    setup hides a query, as in a real request served by a new session.
    """
    db.session.remove()
    forget_current_user()
    log = StatementLog()

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        log.statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield log
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
