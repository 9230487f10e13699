"""The Security page, two-step sign-in in the browser, and the password asked again for sensitive actions."""

from datetime import UTC, datetime

import pyotp
import pytest

from app.models import SessionKind, User, UserSession
from app.services import sessions, two_factor
from tests.clock import set_clock
from tests.factories import UserFactory

PASSWORD = "cat"  # noqa: S105 - the factories' password


@pytest.fixture
def clock(monkeypatch):
    return set_clock(monkeypatch, datetime(2030, 1, 1, 12, 0, 5))


@pytest.fixture
def code_at(clock):
    """``code_at(secret, steps=0)``: the code an authenticator app shows ``steps`` time steps from the clock's now."""
    return lambda secret, steps=0: pyotp.TOTP(secret).at(clock.now.replace(tzinfo=UTC), counter_offset=steps)


@pytest.fixture
def john(db):
    return UserFactory(email="john@example.com", username="john")


def turn_on(user: User, code_at) -> tuple[str, list[str]]:
    secret = two_factor.setup(user).secret
    return secret, two_factor.turn_on(user, code_at(secret, -1))


def test_the_security_page_lists_sessions_and_tokens_and_marks_this_one(client, auth, john):
    with client.application.test_request_context(headers={"User-Agent": "curl/8.5"}):
        john.generate_auth_token()
    auth.login()

    page = client.get("/auth/security").text

    assert "API v1 token" in page
    assert "curl/8.5" in page
    assert page.count("This session") == 1
    assert "Set up two-step sign-in" in page
    assert "/auth/security" in client.get("/").text


def test_logging_out_ends_the_session_on_the_server(client, auth, john):
    auth.login()
    cookie = client.get_cookie("session").value
    auth.logout()

    client.set_cookie("session", cookie)
    assert client.get("/auth/security").headers["Location"].startswith("/auth/login")
    assert sessions.active_sessions(john) == []


def test_ending_this_very_session_on_the_page_logs_out(client, auth, john):
    auth.login()
    current = sessions.active_sessions(john)[0]

    response = client.post(f"/auth/security/sessions/{current.id}/revoke", follow_redirects=True)

    assert response.request.path == "/auth/login"
    assert "You have been logged out." in response.text


def test_another_users_session_cannot_be_ended(client, auth, john):
    token = UserFactory().generate_auth_token()
    auth.login()
    other = UserSession.find(token, frozenset({SessionKind.API}))

    response = client.post(f"/auth/security/sessions/{other.id}/revoke", follow_redirects=True)

    assert "That session has ended already, or is not yours." in response.text
    assert User.verify_auth_token(token) is not None


def test_a_reset_by_mail_ends_every_session(client, auth, john):
    token = john.generate_auth_token()
    auth.login()
    browser = client.get_cookie("session").value
    auth.logout()

    reset = client.post(
        f"/auth/reset/{john.generate_reset_token()}", data={"password": "dog-kennel", "password2": "dog-kennel"}
    )

    assert reset.headers["Location"] == "/auth/login"
    assert User.verify_auth_token(token) is None
    client.set_cookie("session", browser)
    assert client.get("/auth/security").status_code == 302


def test_an_email_change_keeps_this_session_and_ends_the_others(client, auth, john):
    token = john.generate_auth_token()
    auth.login()

    response = client.get(f"/auth/change-email/{john.generate_email_change_token('johnny@example.com')}")

    assert response.headers["Location"] == "/"
    assert User.verify_auth_token(token) is None
    assert client.get("/auth/security").status_code == 200


def test_turning_it_on_shows_a_qr_code_and_the_secret_then_recovery_codes_once(client, auth, john, code_at):
    auth.login()
    page = client.get("/auth/two-factor").text
    secret = two_factor.setup(john).secret
    assert "<svg" in page
    assert secret in page

    wrong = client.post("/auth/two-factor", data={"code": code_at(secret, 3)})
    assert "Code from your app is not the code your app shows now" in wrong.text

    done = client.post("/auth/two-factor", data={"code": code_at(secret)})
    assert done.status_code == 200
    assert done.text.count("<li>") >= 10
    assert two_factor.is_on(john)
    assert "unused recovery codes left." in client.get("/auth/security").text
    assert client.get("/auth/two-factor").headers["Location"] == "/auth/security"


def test_login_asks_for_the_code_after_the_password_and_keeps_next_and_remember_me(client, john, code_at):
    secret, _codes = turn_on(john, code_at)
    data = {"email": "john@example.com", "password": PASSWORD, "remember_me": "y"}

    first = client.post("/auth/login", query_string={"next": "/auth/security"}, data=data)
    assert first.headers["Location"] == "/auth/login/code"
    assert client.get("/auth/security").status_code == 302
    assert 'autocomplete="one-time-code"' in client.get("/auth/login/code").text

    wrong = client.post("/auth/login/code", data={"code": code_at(secret, 3)})
    assert "That code is not right" in wrong.text

    done = client.post("/auth/login/code", data={"code": code_at(secret)})
    assert done.headers["Location"] == "/auth/security"
    assert client.get_cookie("remember_token") is not None
    assert [row.kind for row in sessions.active_sessions(john)] == [SessionKind.REMEMBER]


def test_a_password_step_waits_five_minutes_for_its_code(client, john, code_at):
    secret, _codes = turn_on(john, code_at)
    client.post("/auth/login", data={"email": "john@example.com", "password": PASSWORD})
    with client.session_transaction() as session:
        session["pending_sign_in"] = {**session["pending_sign_in"], "at": session["pending_sign_in"]["at"] - 301}

    response = client.post("/auth/login/code", data={"code": code_at(secret)}, follow_redirects=True)

    assert response.request.path == "/auth/login"
    assert "the login waited too long for its code" in response.text


@pytest.mark.parametrize("action", ["/auth/two-factor/disable", "/auth/security/revoke-others"])
def test_a_sensitive_action_after_ten_minutes_asks_for_the_password_first(client, john, code_at, clock, action):
    secret, _codes = turn_on(john, code_at)
    token = john.generate_auth_token()
    client.post("/auth/login", data={"email": "john@example.com", "password": PASSWORD})
    client.post("/auth/login/code", data={"code": code_at(secret)})
    clock.advance(minutes=11)

    refused = client.post(action, headers={"Referer": "http://localhost/auth/security"})
    assert refused.headers["Location"] == "/auth/reauthenticate?next=/auth/security"
    assert two_factor.is_on(john)
    assert User.verify_auth_token(token) is not None

    assert "is not your current password" in client.post(refused.headers["Location"], data={"password": "x"}).text
    again = client.post(refused.headers["Location"], data={"password": PASSWORD})
    assert again.headers["Location"] == "/auth/security"
    assert client.post(action).headers["Location"] == "/auth/security"
    if action == "/auth/two-factor/disable":
        assert not two_factor.is_on(john)
    else:
        assert User.verify_auth_token(token) is None


def test_a_role_that_must_use_it_is_sent_to_set_it_up(app, client, auth, db, code_at):
    app.config["FLASKY_REQUIRE_2FA_FOR"] = ["administrator"]
    admin = UserFactory(email="admin@example.com", administrator=True)
    client.post("/auth/login", data={"email": "admin@example.com", "password": PASSWORD})

    assert client.get("/").headers["Location"] == "/auth/two-factor"
    assert client.get("/auth/security").headers["Location"] == "/auth/two-factor"
    assert client.get("/auth/two-factor").status_code == 200
    secret = two_factor.setup(admin).secret
    client.post("/auth/two-factor", data={"code": code_at(secret)})
    assert client.get("/").status_code == 200
