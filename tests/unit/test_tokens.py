"""The token layer itself: signed payloads it still refuses."""

import pytest
from itsdangerous import URLSafeTimedSerializer

from app.tokens import generate_token, load_token


def signed(app, payload) -> str:
    """A token signed with the application's key for "auth", whatever its payload."""
    return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="flasky.auth").dumps(payload)


@pytest.mark.parametrize("payload", [[1, 2], "id", {"id": 1}, {"id": 1, "exp": "3600"}, {"id": 1, "exp": None}])
def test_signed_payload_without_a_whole_number_expiry_is_refused(app, payload):
    assert load_token("auth", signed(app, payload)) is None


def test_token_carries_its_payload_and_expiry(app):
    assert load_token("auth", generate_token("auth", {"id": 7}, 60)) == {"id": 7, "exp": 60}


@pytest.mark.parametrize("token", [None, "", b""])
def test_missing_token_is_refused(app, token):
    assert load_token("auth", token) is None
