"""Helpers for the security tests: visitors of every role, and the app served by a threaded live server."""

from collections.abc import Iterator

import pytest

from tests.appserver import serve_in_thread
from tests.factories import UserFactory
from tests.login import log_in_as

VISITORS = ("anonymous", "unconfirmed", "user", "moderator", "administrator")
TRAITS = {
    "unconfirmed": {"unconfirmed": True},
    "user": {},
    "moderator": {"moderator": True},
    "administrator": {"administrator": True},
}


def make_visitor(visitor: str):
    """A user of the kind ``visitor`` names, or ``None`` for an anonymous visitor."""
    return None if visitor == "anonymous" else UserFactory(**TRAITS[visitor])


def log_in_visitor(client, visitor: str):
    """Make ``client`` a visitor of that kind; returns the user, or ``None`` for an anonymous visitor."""
    user = make_visitor(visitor)
    if user is not None:
        log_in_as(client, user)
    return user


@pytest.fixture
def live_url(app, db) -> Iterator[str]:
    """The app served by a threaded server on a free port of 127.0.0.1 (on PostgreSQL: the races need a server)."""
    with serve_in_thread(app, name="security-live-server") as server:
        yield server.url
