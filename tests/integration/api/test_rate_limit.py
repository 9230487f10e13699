"""Getting tokens is rate limited per client address, like logging in."""

import pytest

from app import create_app
from config import TestingConfig

from .conftest import basic_auth


@pytest.fixture
def app(monkeypatch):
    """The application with rate limiting on, which the test configuration turns off."""
    monkeypatch.setattr(TestingConfig, "RATELIMIT_ENABLED", True)
    monkeypatch.setattr(TestingConfig, "FLASKY_AUTH_RATE_LIMIT", "2 per minute")
    app = create_app("testing")
    with app.app_context():
        yield app


def test_token_requests_past_the_limit_get_json_429(client, user):
    statuses = [client.post("/api/v1/tokens/", headers=basic_auth(user.email, "cat")).status_code for _ in range(2)]

    refused = client.post("/api/v1/tokens/", headers=basic_auth(user.email, "cat"))

    assert statuses == [200, 200]
    assert refused.status_code == 429
    assert refused.json["error"] == "too many requests"
    assert "Retry-After" in refused.headers
