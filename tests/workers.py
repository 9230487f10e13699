"""Workers of a parallel run (pytest-xdist, ``-n``) kept apart: each its own PostgreSQL database and Redis databases.

Two workers sharing one database would empty each other's tables and keys mid-test. Under xdist, worker ``gwN`` runs
on ``<test database>_gwN`` beside the one ``TEST_DATABASE_URL`` names (created when missing) and shifts every Redis
database number it uses by ``REDIS_DATABASES_PER_WORKER * N``. Outside xdist nothing changes.

``tests/conftest.py`` imports this module before anything reads ``TEST_DATABASE_URL`` (``config.py`` does when it is
imported), and the servers the tests start inherit the worker's environment.
"""

import os
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tests.load.harness import create_database_if_missing

# Worker gw0 keeps the numbers the tests name (5 for the task queue, 6 for the rate limits), gw1 takes 7 and 8...
REDIS_DATABASES_PER_WORKER = 2
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def worker_number(worker: str = WORKER) -> int:
    """N for xdist's worker ``gwN``; 0 outside xdist."""
    return int(worker.removeprefix("gw")) if worker.startswith("gw") else 0


def own_redis_url(url: str, worker: str = WORKER) -> str:
    """``url`` with its database number shifted to this worker's own."""
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0) + REDIS_DATABASES_PER_WORKER * worker_number(worker)
    return urlunsplit(parts._replace(path=f"/{database}"))


def own_database_url(url: str, worker: str = WORKER) -> str:
    """The URL of this worker's own database beside the PostgreSQL database of ``url``."""
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


def create_database(url: str) -> None:
    """Create the PostgreSQL database of ``url`` when missing; a server that does not answer is left to the tests,
    which say so in one line (or fail with ``CI=true``) when they reach it."""
    try:
        create_database_if_missing(url)
    except OperationalError:
        return


def use_own_database() -> None:
    """Point ``TEST_DATABASE_URL`` at this worker's own database, when under xdist on PostgreSQL."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if WORKER and url.startswith(("postgres://", "postgresql")):
        os.environ["TEST_DATABASE_URL"] = own_database_url(url)
        create_database(os.environ["TEST_DATABASE_URL"])


use_own_database()
