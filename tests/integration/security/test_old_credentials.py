"""Cookies and tokens made before sessions were rows (migration 0008) end cleanly: their users log in again."""

import hashlib

from app.tokens import generate_token
from tests.factories import UserFactory
from tests.integration.api.conftest import basic_auth


def old_fingerprint(user) -> str:
    """What ``User.get_id`` and API tokens carried before: a digest of the password hash."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def test_an_old_session_cookie_is_a_visitor_sent_to_log_in(client, db):
    user = UserFactory()
    with client.session_transaction() as session:
        session["_user_id"] = f"{user.id}:{old_fingerprint(user)}"
        session["_fresh"] = True

    response = client.get("/auth/change-password")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_an_old_api_token_is_refused_on_both_apis(client, db):
    user = UserFactory()
    token = generate_token("auth", {"id": user.id, "password": old_fingerprint(user)}, 3600)

    assert client.get("/api/v1/posts/", headers=basic_auth(token)).status_code == 401
    refused = client.get("/api/user", headers={"Authorization": f"Token {token}"})
    assert refused.status_code == 401
    assert refused.json == {"errors": {"token": ["is invalid or expired"]}}
