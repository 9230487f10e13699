"""Brand-new, empty databases for tests that must start from nothing: migrations and ``flask deploy``."""

import os
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from sqlalchemy.engine import make_url

from tests.services import unavailable


def postgres_server_url() -> str | None:
    """The PostgreSQL URL the suite runs against, or ``None`` when this run uses SQLite."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql")) else None


@contextmanager
def throwaway_postgres_database(server_url: str, purpose: str = "migrations") -> Iterator[str]:
    """Create ``<test database>_<purpose>_<pid>`` beside the test database, yield its URL, then drop it.

    The process id keeps two suites run at once on one server (several checkouts, say) apart.
    """
    url = make_url(server_url.replace("postgres://", "postgresql://", 1)).set(drivername="postgresql+psycopg")
    name = f"{url.database}_{purpose}_{os.getpid()}"
    admin_url = url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        admin = psycopg.connect(admin_url, autocommit=True)
    except psycopg.OperationalError as error:
        unavailable("PostgreSQL", f"{url.render_as_string()} did not answer ({error.__class__.__name__})")
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield url.set(database=name).render_as_string(hide_password=False)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
