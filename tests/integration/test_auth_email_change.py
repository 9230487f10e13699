"""Changing the email address by a link mailed to the new address."""

import logging

import pytest

from app.extensions import db
from tests.factories import UserFactory
from tests.mailserver import free_port, link_path, links, text_body, use_mail_server


def request_change(client, email="new@example.com", password="cat"):  # noqa: S107
    return client.post("/auth/change-email", data={"email": email, "password": password})


def email_of(user) -> str:
    db.session.refresh(user)
    return user.email


def test_change_email_page_has_the_form(client, auth):
    UserFactory(email="john@example.com")
    auth.login()
    response = client.get("/auth/change-email")
    for field in ("email", "password", "submit"):
        assert f'id="{field}"' in response.text


def test_change_email_needs_a_login(client):
    assert client.get("/auth/change-email").headers["Location"].startswith("/auth/login?next=")


def test_the_link_goes_to_the_new_address_and_changes_the_email(client, auth, smtp_server):
    john = UserFactory(email="john@example.com", username="john")
    auth.login()
    response = request_change(client)
    assert response.headers["Location"] == "/"
    assert "An email with instructions to confirm your new email address has been sent to it." in client.get("/").text
    assert email_of(john) == "john@example.com"

    mail = smtp_server.latest_to("new@example.com")
    assert smtp_server.to("john@example.com") == []
    assert mail["Subject"] == "[Flasky] Confirm Your Email Address"
    assert "Dear john," in text_body(mail)
    assert links(mail)[0].startswith("http://localhost/auth/change-email/")

    done = client.get(link_path(mail), follow_redirects=True)
    assert "Your email address has been updated." in done.text
    assert email_of(john) == "new@example.com"
    auth.logout()
    assert auth.login(email="new@example.com").headers["Location"] == "/"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"password": "dog"}, "Password is not your current password."),
        ({"email": "taken@example.com"}, "New email has already been taken."),
        ({"email": "Taken@Example.COM"}, "New email has already been taken."),
        ({"email": "nonsense"}, "New email is invalid."),
    ],
    ids=["wrong-password", "taken", "taken-other-case", "invalid"],
)
def test_a_refused_email_change_says_why_and_sends_nothing(client, auth, smtp_server, fields, message):
    UserFactory(email="john@example.com")
    UserFactory(email="taken@example.com")
    auth.login()
    response = request_change(client, **fields)
    assert response.status_code == 200
    assert message in response.text
    assert smtp_server.messages == []


def test_a_bad_link_changes_nothing(client, auth):
    john = UserFactory(email="john@example.com")
    other = UserFactory()
    auth.login()
    for token in ("garbage", other.generate_email_change_token("new@example.com")):
        response = client.get(f"/auth/change-email/{token}", follow_redirects=True)
        assert "The email change link is invalid or has expired. Please ask for a new one." in response.text
    assert email_of(john) == "john@example.com"


def test_a_link_for_an_address_taken_since_is_refused(client, auth):
    john = UserFactory(email="john@example.com")
    token = john.generate_email_change_token("new@example.com")
    UserFactory(email="new@example.com")
    auth.login()
    response = client.get(f"/auth/change-email/{token}", follow_redirects=True)
    assert "The email change link is invalid or has expired." in response.text
    assert email_of(john) == "john@example.com"


def test_when_smtp_is_down_the_user_is_told_and_can_try_again(app, client, auth, smtp_server, caplog):
    john = UserFactory(email="john@example.com")
    auth.login()
    use_mail_server(app, "127.0.0.1", free_port())
    with caplog.at_level(logging.ERROR, logger="app.email"):
        response = request_change(client, email="new@example.com")
    assert response.headers["Location"] == "/auth/change-email"
    page = client.get("/auth/change-email").text
    assert "We could not send the email to your new address. Please try again." in page
    assert "Could not send '[Flasky] Confirm Your Email Address' to new@example.com" in caplog.text

    use_mail_server(app, smtp_server.host, smtp_server.port)
    request_change(client, email="new@example.com")
    client.get(link_path(smtp_server.latest_to("new@example.com")))
    assert email_of(john) == "new@example.com"
