"""PostgreSQL through outages and fail-overs: bounded retries to connect, and commits whose answer was lost settled.

Connecting is retried ``FLASKY_DB_CONNECT_ATTEMPTS`` times with a doubling pause. A connection is made only when a
transaction needs one for its first statement, before anything of the request has been sent, so a retry never runs
anything twice; a statement that fails once sent is not retried, and the request answers 503 (``app/errors.py``).
``pool_pre_ping`` (config.py) finds the pooled connections an outage broke and replaces them unnoticed.

A commit is the one statement whose outcome can be unknown: the server may commit and the answer be lost with the
connection. Before it commits a transaction that wrote, ``SettlingConnection`` asks the server for the transaction's
id; when the answer to COMMIT is lost it asks again on a new connection, for up to ``FLASKY_DB_SETTLE_SECONDS``,
whether that transaction committed (``pg_xact_status``). Committed, the commit succeeded and the request goes on;
aborted, it failed, and nothing was saved; still unknown, ``CommitInDoubt`` makes the request answer a 503 that says
it cannot tell. No write ever answers success without having been saved, nor "not saved" after it was.
"""

import logging
import os
import time
import weakref
from collections.abc import Mapping
from functools import partial
from typing import Any

import psycopg
from flask import Flask, has_request_context, request
from psycopg.pq import TransactionStatus
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db
from .resilience import DATABASE

logger = logging.getLogger(__name__)

# Set in the WSGI environment of a request once its view runs, and once a commit of the view succeeded: what fails
# later has been saved all the same.
IN_VIEW_KEY = "flasky.in_view"
COMMITTED_KEY = "flasky.committed"
SETTLE_PAUSE = 0.2
CONNECT_SETTINGS = (
    "FLASKY_DB_CONNECT_ATTEMPTS",
    "FLASKY_DB_CONNECT_RETRY_DELAY",
    "FLASKY_DB_CONNECT_TIMEOUT",
    "FLASKY_DB_SETTLE_SECONDS",
)


class CommitInDoubt(psycopg.OperationalError):
    """The connection was lost during COMMIT and the server could not be asked whether the transaction committed."""


class SettlingConnection(psycopg.Connection):
    """A psycopg connection that, when the answer to its COMMIT is lost, finds out from the server what happened."""

    connect_arguments: tuple[tuple[Any, ...], dict[str, Any]] = ((), {})
    settle_seconds: float = 0.0

    def commit(self) -> None:
        transaction = self.written_transaction()
        try:
            super().commit()
        except psycopg.OperationalError as error:
            if transaction is None:
                raise
            outcome = self.settle(transaction)
            if outcome == "committed":
                logger.warning("The answer to COMMIT was lost; the server says transaction %s committed", transaction)
                return
            if outcome == "aborted":
                raise
            raise CommitInDoubt(f"could not learn whether transaction {transaction} committed: {error}") from error

    def rollback(self) -> None:
        """Roll back; on a connection lost before or during it there is nothing to do: the server rolls back the
        transaction of a connection that goes, and ``pool_pre_ping`` replaces the connection before its next use."""
        if self.broken or self.closed:
            return
        try:
            super().rollback()
        except psycopg.OperationalError:
            if not (self.broken or self.closed):
                raise

    def written_transaction(self) -> str | None:
        """The id of the open transaction if it wrote anything (only then does it have one), else ``None``."""
        if self.info.transaction_status != TransactionStatus.INTRANS:
            return None
        return self.execute("SELECT pg_current_xact_id_if_assigned()::text").fetchone()[0]

    def settle(self, transaction: str) -> str | None:
        """The outcome, "committed" or "aborted", asked on new connections for ``settle_seconds``; else ``None``."""
        arguments, parameters = self.connect_arguments
        deadline = time.monotonic() + self.settle_seconds
        while True:
            try:
                with psycopg.connect(*arguments, **parameters, autocommit=True) as connection:
                    status = connection.execute("SELECT pg_xact_status(%s::xid8)", (transaction,)).fetchone()[0]
            except psycopg.OperationalError:
                status = None
            # "in progress": the server has not yet noticed the connection is gone; it decides in a moment.
            if status in ("committed", "aborted"):
                return status
            if time.monotonic() + SETTLE_PAUSE > deadline:
                return None
            time.sleep(SETTLE_PAUSE)


def connect(
    settings: Mapping[str, Any], dialect, connection_record, arguments: tuple, parameters: dict
) -> SettlingConnection:
    """Open a ``SettlingConnection``, retrying a refused or failed attempt a bounded number of times."""
    parameters = {"connect_timeout": settings["FLASKY_DB_CONNECT_TIMEOUT"], **parameters}
    attempt = 1
    while True:
        try:
            connection = SettlingConnection.connect(*arguments, **parameters)
        except psycopg.OperationalError:
            if attempt >= settings["FLASKY_DB_CONNECT_ATTEMPTS"]:
                raise
            time.sleep(settings["FLASKY_DB_CONNECT_RETRY_DELAY"] * 2 ** (attempt - 1))
            attempt += 1
            continue
        connection.connect_arguments = (tuple(arguments), parameters)
        connection.settle_seconds = settings["FLASKY_DB_SETTLE_SECONDS"]
        return connection


def database_answered(dbapi_connection, connection_record) -> None:
    DATABASE.answered()


def note_view_started() -> None:
    """A before-request function registered after every other: commits from here on are the view's own writes, not
    a hook's bookkeeping (such as a user's last-seen time)."""
    request.environ[IN_VIEW_KEY] = True


def note_commit(session) -> None:
    """Remember that the view saved something, so a failure after it is not reported as "not saved"."""
    if has_request_context() and request.environ.get(IN_VIEW_KEY):
        request.environ[COMMITTED_KEY] = True


def committed_in_this_request() -> bool:
    return bool(request.environ.get(COMMITTED_KEY))


def shares_one_connection(engine: Engine) -> bool:
    """Whether the database is in-memory SQLite: one connection, which every thread and every fork shares."""
    return engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:")


def forget_inherited_connections(engine: weakref.ref) -> None:
    """In a process just forked (an RQ job's work horse): leave the parent's pooled connections to the parent."""
    alive = engine()
    if alive is not None:
        alive.dispose(close=False)


def init_database(app: Flask) -> None:
    """Connect the app's PostgreSQL engines through ``connect``; note new connections as the database answering."""
    with app.app_context():
        engines: list[Engine] = list(db.engines.values())
    for engine in engines:
        if engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg":
            settings = {name: app.config[name] for name in CONNECT_SETTINGS}
            event.listen(engine, "do_connect", partial(connect, settings))
        event.listen(engine, "connect", database_answered)
        # A forked process keeps its copy of an in-memory database; connections to any other are the parent's.
        if not shares_one_connection(engine):
            os.register_at_fork(after_in_child=partial(forget_inherited_connections, weakref.ref(engine)))


event.listen(db.session, "after_commit", note_commit)
