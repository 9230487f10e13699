"""Fixtures for the security tests: visitors of every role, CSRF switched on, the rate limiter switched on."""

import re
from collections.abc import Iterator

import pytest
from flask import Flask

from app import create_app
from app.extensions import db
from config import TestingConfig
from tests.factories import UserFactory
from tests.login import log_in_as

VISITORS = ("anonymous", "unconfirmed", "user", "moderator", "administrator")
TRAITS = {
    "unconfirmed": {"unconfirmed": True},
    "user": {},
    "moderator": {"moderator": True},
    "administrator": {"administrator": True},
}
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def make_visitor(visitor: str):
    """A user of the kind ``visitor`` names, or ``None`` for an anonymous visitor."""
    return None if visitor == "anonymous" else UserFactory(**TRAITS[visitor])


def log_in_visitor(client, visitor: str):
    """Make ``client`` a visitor of that kind; returns the user, or ``None`` for an anonymous visitor."""
    user = make_visitor(visitor)
    if user is not None:
        log_in_as(client, user)
    return user


def csrf_token(page: str) -> str:
    """The CSRF token of the first form on ``page``."""
    return CSRF_FIELD.search(page).group(1)


@pytest.fixture
def csrf_client(app, db):
    """A client of an app that checks CSRF tokens, as production does."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


def limited_app(monkeypatch: pytest.MonkeyPatch, storage: str, limit: str) -> Iterator[Flask]:
    """The application with the rate limiter on, ``limit`` per client address, counted in ``storage``."""
    monkeypatch.setattr(TestingConfig, "RATELIMIT_ENABLED", True)
    monkeypatch.setattr(TestingConfig, "RATELIMIT_STORAGE_URI", storage)
    monkeypatch.setattr(TestingConfig, "FLASKY_AUTH_RATE_LIMIT", limit)
    app = create_app("testing")
    with app.app_context():
        yield app
        db.engine.dispose()
