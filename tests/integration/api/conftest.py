"""Helpers for API tests: credentials as headers, and a client that sends them."""

from base64 import b64encode

import pytest

from tests.factories import UserFactory


def basic_auth(username: str, password: str = "") -> dict[str, str]:
    """The ``Authorization`` header for HTTP Basic; an empty password means ``username`` is a token."""
    credentials = b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {credentials}"}


def token_auth(user) -> dict[str, str]:
    return basic_auth(user.generate_auth_token())


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def headers(user):
    """Token credentials of the confirmed ``user``."""
    return token_auth(user)
