"""Fixtures shared by every test layer: the app, an isolated database, a client, a CLI runner, a query counter."""

# isort: off
from tests import workers  # noqa: F401  first: an xdist worker's own databases, before config.py reads their URLs

# isort: on
import os
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from app import tasks
from app.extensions import db as _db
from app.models import Role
from tests import querycount
from tests.apps import running_app
from tests.databases import empty_tables
from tests.mailserver import MailServer, finish_deliveries, use_mail_server
from tests.services import unavailable
from tests.taskqueue import empty_test_redis, finish_background_tasks

_prepared_schemas: set[str] = set()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "app_config(overrides={}, **settings): settings the app fixture sets on top of the testing configuration",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out the tests marked ``postgres`` unless the suite runs on PostgreSQL; they run in that pass."""
    if os.environ.get("TEST_DATABASE_URL", "").startswith(("postgres://", "postgresql")):
        return
    kept = [item for item in items if item.get_closest_marker("postgres") is None]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


@pytest.fixture
def app_config(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The settings the ``app`` fixture passes to ``create_app("testing", overrides)``; none by default.

    Mark a test, class or module ``@pytest.mark.app_config(FLASKY_CORS_ORIGINS=[...])`` (or with a mapping, such as
    ``tests.apps.rate_limited()``); the mark nearest the test wins. Override this fixture instead where the
    settings depend on other fixtures.
    """
    settings: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers("app_config"))):
        settings.update(*marker.args, **marker.kwargs)
    return settings


@pytest.fixture
def app(app_config):
    """The application in its testing configuration with ``app_config`` on top, its application context pushed."""
    with running_app("testing", app_config) as app:
        yield app


def _prepare_schema(url: str) -> None:
    """Build the schema once per run on a server database; an in-memory one is new each test."""
    if url in _prepared_schemas and not url.startswith("sqlite"):
        return
    try:
        _db.drop_all()
        _db.create_all()
    except OperationalError as error:
        unavailable("Database", f"{url} did not answer ({error.orig.__class__.__name__})")
    _prepared_schemas.add(url)


def _empty_tables() -> None:
    """An in-memory SQLite database goes with its schema; a server's keeps it for the next test."""
    if _db.engine.dialect.name == "postgresql":
        empty_tables()
    else:
        _db.drop_all()


@pytest.fixture
def db(app):
    """The database with the standard roles, emptied after the test."""
    _prepare_schema(app.config["SQLALCHEMY_DATABASE_URI"])
    Role.insert_roles()
    yield _db
    # A background task still running would meet the emptied tables (and, in memory, shares the connection).
    finish_background_tasks()
    _db.session.rollback()
    _db.session.remove()
    _empty_tables()


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


@pytest.fixture
def csrf_client(app, db):
    """A client of an app that checks CSRF tokens, as production does (``tests.apps.csrf_token`` reads them)."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


@pytest.fixture
def count_queries(app):
    """``with count_queries() as log:`` records the SQL statements sent in the block (``log.count``).

    See ``tests.querycount.count_queries``: it starts from a fresh session, as a real request does.
    """
    return querycount.count_queries


@pytest.fixture(scope="session")
def _mail_server():
    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp_server(app, _mail_server):
    """A real SMTP server on 127.0.0.1, emptied for this test, that the app sends its mail to."""
    _mail_server.clear()
    use_mail_server(app, _mail_server.host, _mail_server.port)
    yield _mail_server
    finish_deliveries()


class AuthActions:
    """Log a test client in and out through the real forms."""

    def __init__(self, client):
        self._client = client

    def login(self, email="john@example.com", password="cat", remember=False, next=None):  # noqa: S107
        query = {"next": next} if next is not None else {}
        data = {"email": email, "password": password}
        if remember:
            data["remember_me"] = "y"
        return self._client.post("/auth/login", query_string=query, data=data)

    def logout(self):
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client):
    """``auth.login(email=..., password="cat")`` and ``auth.logout()`` for the ``client`` fixture."""
    return AuthActions(client)


@pytest.fixture
def task_queue(app):
    """The app with ``REDIS_URL`` set to an emptied test Redis database; returns the app's task queue."""
    app.config["REDIS_URL"] = empty_test_redis()
    yield tasks.task_queue()
    app.extensions.pop("redis").connection_pool.disconnect()
    empty_test_redis()
