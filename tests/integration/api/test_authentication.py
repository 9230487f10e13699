"""Who may use the API: Basic credentials or a token, confirmed accounts only, never a session cookie."""

import pytest

from tests.factories import UserFactory

from .conftest import basic_auth, token_auth


def test_email_and_password_get_a_token(client, user, app):
    response = client.post("/api/v1/tokens/", headers=basic_auth(user.email, "cat"))

    assert response.status_code == 200
    assert response.json["expiration"] == app.config["FLASKY_API_TOKEN_EXPIRATION"]
    assert client.get("/api/v1/posts/", headers=basic_auth(response.json["token"])).status_code == 200


def test_email_is_matched_whatever_its_case(client, user):
    response = client.post("/api/v1/tokens/", headers=basic_auth(user.email.upper(), "cat"))

    assert response.status_code == 200


def test_a_token_cannot_get_a_token(client, headers):
    response = client.post("/api/v1/tokens/", headers=headers)

    assert response.status_code == 401
    assert "email and password" in response.json["message"]
    assert response.headers["WWW-Authenticate"].startswith("Basic")


@pytest.mark.parametrize(
    "credentials",
    [
        pytest.param(("user@example.com", "dog"), id="wrong password"),
        pytest.param(("nobody@example.com", "cat"), id="unknown email"),
        pytest.param(("not-a-token", ""), id="bad token"),
        pytest.param(("", ""), id="empty"),
        pytest.param(("nul\x00@example.com", "cat"), id="NUL in email"),
    ],
)
def test_bad_credentials_get_401_with_a_challenge(client, db, credentials):
    UserFactory(email="user@example.com")

    response = client.get("/api/v1/posts/", headers=basic_auth(*credentials))

    assert response.status_code == 401
    assert response.json["error"] == "unauthorized"
    assert response.headers["WWW-Authenticate"] == 'Basic realm="Flasky API"'


def test_no_credentials_get_401(client, db):
    response = client.get("/api/v1/posts/")

    assert response.status_code == 401
    assert "WWW-Authenticate" in response.headers


def test_expired_token_is_refused(client, user):
    token = user.generate_auth_token(expiration=-1)

    assert client.get("/api/v1/posts/", headers=basic_auth(token)).status_code == 401


def test_unconfirmed_account_gets_403(client, db):
    user = UserFactory(unconfirmed=True)

    by_password = client.post("/api/v1/tokens/", headers=basic_auth(user.email, "cat"))
    by_token = client.get("/api/v1/posts/", headers=token_auth(user))

    assert by_password.status_code == 403
    assert "not confirmed" in by_password.json["message"]
    assert by_token.status_code == 403


def test_a_logged_in_browser_session_is_not_enough(client, auth, user):
    login = auth.login(email=user.email)

    response = client.get("/api/v1/posts/")

    assert login.status_code == 302
    assert response.status_code == 401


def test_api_writes_need_no_csrf_token(app, client, headers):
    app.config["WTF_CSRF_ENABLED"] = True

    response = client.post("/api/v1/posts/", json={"body": "no CSRF token here"}, headers=headers)

    assert response.status_code == 201


def test_options_answers_without_credentials(client, db):
    response = client.options("/api/v1/posts/")

    assert response.status_code == 200
    assert "POST" in response.headers["Allow"]
