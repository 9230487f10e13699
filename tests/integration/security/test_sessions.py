"""Session and remember-me cookies: flags, a new session at every login, and a logout that forgets them."""

import pytest

from tests.factories import UserFactory

REMEMBER_EXPIRED = "remember_token=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0"


def set_cookie(response, name: str) -> str:
    """The ``Set-Cookie`` header ``response`` sends for cookie ``name``."""
    return next(header for header in response.headers.getlist("Set-Cookie") if header.startswith(f"{name}="))


def cookie_attributes(header: str) -> set[str]:
    return {part.strip() for part in header.split(";")[1:]}


@pytest.mark.parametrize("name", ["session", "remember_token"])
def test_login_cookies_are_http_only_and_same_site_lax(client, auth, name):
    UserFactory(email="john@example.com")
    attributes = cookie_attributes(set_cookie(auth.login(remember=True), name))
    assert {"HttpOnly", "SameSite=Lax"} <= attributes
    assert "Secure" not in attributes


def test_nothing_set_in_the_session_before_login_survives_it(client, auth):
    UserFactory(email="john@example.com")
    client.get("/auth/login")
    with client.session_transaction() as planted:
        planted["planted"] = "by an attacker"
        planted["csrf_token"] = "known to the attacker"
        planted["_fresh"] = False

    auth.login()

    with client.session_transaction() as after:
        assert "planted" not in after
        assert after.get("csrf_token") != "known to the attacker"
        assert after["_fresh"] is True
        assert after["_user_id"]


def test_a_new_account_starts_on_a_new_session(client, smtp_server):
    with client.session_transaction() as planted:
        planted["planted"] = "by an attacker"
    data = {"email": "ann@example.com", "username": "ann", "password": "ann-secret", "password2": "ann-secret"}

    assert client.post("/auth/register", data=data).headers["Location"] == "/auth/unconfirmed"

    with client.session_transaction() as after:
        assert "planted" not in after
        assert after["_user_id"]


def test_a_form_after_login_carries_a_token_the_new_session_backs(client, auth):
    UserFactory(email="john@example.com")
    client.get("/auth/login")

    auth.login()
    page = client.get("/auth/change-password").text

    with client.session_transaction() as after:
        assert "csrf_token" in after
    assert 'name="csrf_token"' in page


def test_logout_expires_the_remember_cookie(client, auth):
    UserFactory(email="john@example.com")
    auth.login(remember=True)

    response = auth.logout()

    assert set_cookie(response, "remember_token").startswith(REMEMBER_EXPIRED)
    assert client.get_cookie("remember_token") is None
    with client.session_transaction() as after:
        assert "_user_id" not in after
