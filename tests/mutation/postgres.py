"""The PostgreSQL databases a mutation run's second pass uses, for the modules of ``modules.toml`` marked
``postgresql = true``: one per mutant run at once, created for the run on ``MUTATION_POSTGRES_SERVER`` and dropped
after it."""

import os
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from sqlalchemy.engine import make_url

SERVER_VARIABLE = "MUTATION_POSTGRES_SERVER"
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
# The database's name when the server URL names none; the run's process id follows it.
DEFAULT_NAME = "flasky_mutation"


def required() -> bool:
    """In CI (``CI=true``) a PostgreSQL server that does not answer fails the run; elsewhere it is said and skipped."""
    return os.environ.get("CI", "").lower() == "true"


def database_name(server: str, pid: int, number: int = 0) -> str:
    """The run's ``number``-th database: the one the server URL names (or ``flasky_mutation``), with the process id
    and the number."""
    return f"{make_url(server).database or DEFAULT_NAME}_{pid}_{number}"


@contextmanager
def postgres_databases(count: int, server: str | None = None) -> Iterator[tuple[list[str], str]]:
    """Yield the URLs of ``count`` new, empty databases on ``server`` (default: ``$MUTATION_POSTGRES_SERVER``, else
    the local server) and what they are, and drop them afterwards; no URL, and the text says why, when the server
    cannot be reached."""
    server = server or os.environ.get(SERVER_VARIABLE) or DEFAULT_SERVER
    url = make_url(server.replace("postgres://", "postgresql://", 1)).set(drivername="postgresql+psycopg")
    names = [database_name(server, os.getpid(), number) for number in range(count)]
    admin_url = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        yield [], f"PostgreSQL at {url.render_as_string()} did not answer ({error.__class__.__name__})"
        return
    with admin:
        try:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{name}"')
            urls = [url.set(database=name).render_as_string(hide_password=False) for name in names]
            yield urls, f"database{'s' if count > 1 else ''} {', '.join(names)}"
        finally:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
