"""Login and registration are rate limited per client address, like the web forms."""

import pytest

from app import create_app
from config import TestingConfig

from .shapes import errors


@pytest.fixture
def app(monkeypatch):
    """The application with rate limiting on, which the test configuration turns off."""
    monkeypatch.setattr(TestingConfig, "RATELIMIT_ENABLED", True)
    monkeypatch.setattr(TestingConfig, "FLASKY_AUTH_RATE_LIMIT", "2 per minute")
    app = create_app("testing")
    with app.app_context():
        yield app


def test_logins_past_the_limit_get_429_in_conduit_shape(api, user):
    login = {"user": {"email": "jake@example.com", "password": "wrong"}}
    statuses = [api.post("/api/users/login", json=login).status_code for _ in range(2)]

    refused = api.post("/api/users/login", json=login)

    assert statuses == [401, 401]
    assert refused.status_code == 429
    assert errors(refused) == {"request": ["too many; try again later"]}
    assert "Retry-After" in refused.headers
