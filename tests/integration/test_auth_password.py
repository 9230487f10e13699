"""Changing a password, and resetting a forgotten one by the mailed link."""

import logging

import pytest

from app.extensions import db
from tests.factories import UserFactory
from tests.mailserver import finish_deliveries, free_port, link_path, links, text_body, use_mail_server

SAME_ANSWER = "If that address has an account, an email with instructions to reset your password is on its way."


def change_password(client, old="cat", new="dog-kennel", again="dog-kennel"):
    return client.post("/auth/change-password", data={"old_password": old, "password": new, "password2": again})


def password_works(user, password: str) -> bool:
    db.session.refresh(user)
    return user.verify_password(password)


def test_change_password_page_has_the_form(client, auth):
    UserFactory(email="john@example.com")
    auth.login()
    response = client.get("/auth/change-password")
    for field in ("old_password", "password", "password2", "submit"):
        assert f'id="{field}"' in response.text


def test_change_password_needs_a_login(client):
    assert client.get("/auth/change-password").headers["Location"].startswith("/auth/login?next=")


def test_changing_the_password_lets_the_user_log_in_with_the_new_one(client, auth):
    john = UserFactory(email="john@example.com")
    auth.login()
    response = change_password(client)
    assert response.headers["Location"] == "/"
    assert "Your password has been updated." in client.get("/").text
    assert password_works(john, "dog-kennel")
    auth.logout()
    assert "Invalid email or password." in auth.login(password="cat").text
    assert auth.login(password="dog-kennel").headers["Location"] == "/"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"old": "wrong"}, "Old password is not your current password."),
        ({"again": "pig"}, "Passwords must match."),
        ({"new": "", "again": ""}, "This field is required."),
        ({"new": "seven77", "again": "seven77"}, "New password is too short (minimum is 8 characters)."),
    ],
    ids=["wrong-old", "mismatch", "missing", "short"],
)
def test_a_refused_password_change_says_why_and_keeps_the_old_password(client, auth, fields, message):
    john = UserFactory(email="john@example.com")
    auth.login()
    response = change_password(client, **fields)
    assert response.status_code == 200
    assert message in response.text
    assert password_works(john, "cat")


def test_reset_request_page_has_the_form(client):
    response = client.get("/auth/reset")
    assert response.status_code == 200
    assert 'id="email"' in response.text


def test_a_logged_in_user_is_not_offered_a_reset(client, auth):
    UserFactory(email="john@example.com")
    auth.login()
    assert client.get("/auth/reset").headers["Location"] == "/"
    assert client.get("/auth/reset/some-token").headers["Location"] == "/"


def test_a_reset_by_the_mailed_link_sets_a_new_password(client, auth, smtp_server):
    john = UserFactory(email="john@example.com", username="john")
    response = client.post("/auth/reset", data={"email": "John@Example.com"}, follow_redirects=True)
    assert response.request.path == "/auth/login"
    assert SAME_ANSWER in response.text

    mail = smtp_server.latest_to("john@example.com")
    assert mail["Subject"] == "[Flasky] Reset Your Password"
    assert "Dear john," in text_body(mail)
    assert links(mail)[0].startswith("http://localhost/auth/reset/")

    path = link_path(mail)
    assert 'id="password2"' in client.get(path).text
    done = client.post(path, data={"password": "dog-kennel", "password2": "dog-kennel"}, follow_redirects=True)
    assert done.request.path == "/auth/login"
    assert "Your password has been updated. You can log in with it now." in done.text
    assert password_works(john, "dog-kennel")
    assert auth.login(password="dog-kennel").headers["Location"] == "/"


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, smtp_server):
    response = client.post("/auth/reset", data={"email": "nobody@example.com"}, follow_redirects=True)
    assert SAME_ANSWER in response.text
    finish_deliveries()
    assert smtp_server.messages == []


def test_a_reset_request_when_smtp_is_down_gets_the_same_answer_and_is_logged(app, client, smtp_server, caplog):
    UserFactory(email="john@example.com")
    use_mail_server(app, "127.0.0.1", free_port())
    with caplog.at_level(logging.ERROR, logger="app.email"):
        response = client.post("/auth/reset", data={"email": "john@example.com"}, follow_redirects=True)
        finish_deliveries()
    assert SAME_ANSWER in response.text
    assert "Could not send '[Flasky] Reset Your Password' to john@example.com" in caplog.text


def test_a_reset_request_with_a_malformed_address_says_so(client):
    response = client.post("/auth/reset", data={"email": "john"})
    assert "Email is invalid." in response.text


@pytest.mark.parametrize("kind", ["garbage", "expired", "confirmation-token"])
def test_a_bad_or_expired_reset_link_is_refused_and_a_new_one_offered(client, kind):
    john = UserFactory(email="john@example.com")
    token = {
        "garbage": "not-a-token",
        "expired": john.generate_reset_token(expiration=-1),
        "confirmation-token": john.generate_confirmation_token(),
    }[kind]
    response = client.post(
        f"/auth/reset/{token}", data={"password": "dog-kennel", "password2": "dog-kennel"}, follow_redirects=True
    )
    assert response.request.path == "/auth/reset"
    assert "The password reset link is invalid or has expired. Please ask for a new one." in response.text
    assert password_works(john, "cat")


def test_a_reset_to_a_password_too_short_says_so_and_keeps_the_link(client):
    john = UserFactory(email="john@example.com")
    path = f"/auth/reset/{john.generate_reset_token()}"
    response = client.post(path, data={"password": "seven77", "password2": "seven77"})
    assert response.status_code == 200
    assert "New password is too short (minimum is 8 characters)." in response.text
    assert password_works(john, "cat")
    assert (
        client.post(path, data={"password": "eight888", "password2": "eight888"}).headers["Location"] == "/auth/login"
    )
    assert password_works(john, "eight888")


def test_a_reset_with_mismatched_passwords_says_so(client):
    john = UserFactory(email="john@example.com")
    response = client.post(
        f"/auth/reset/{john.generate_reset_token()}", data={"password": "dog-kennel", "password2": "x"}
    )
    assert "Passwords must match." in response.text
    assert password_works(john, "cat")
