"""Registering, confirming by the mailed link, the unconfirmed page, resending, and mail failures."""

import logging

import pytest
from sqlalchemy import select

from app.auth.views import needs_confirmation
from app.extensions import db
from app.models import User
from tests.factories import UserFactory
from tests.mailserver import finish_deliveries, free_port, html_body, link_path, links, text_body, use_mail_server

NEW_USER = {"email": "susan@example.com", "username": "susan", "password": "dog-kennel", "password2": "dog-kennel"}


def register(client, **changes):
    return client.post("/auth/register", data={**NEW_USER, **changes})


def user_named(username: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).filter_by(username=username))


def test_register_page_has_the_registration_form(client):
    response = client.get("/auth/register")
    assert response.status_code == 200
    for field in ("email", "username", "password", "password2", "submit"):
        assert f'id="{field}"' in response.text


def test_registering_logs_in_an_unconfirmed_account_and_mails_a_confirmation(client, smtp_server):
    response = register(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/unconfirmed"
    susan = user_named("susan")
    assert susan.email == "susan@example.com"
    assert susan.verify_password("dog-kennel")
    assert not susan.confirmed

    page = client.get("/auth/unconfirmed")
    assert "A confirmation email has been sent to you by email." in page.text
    assert "You have not confirmed your account yet." in page.text

    mail = smtp_server.latest_to("susan@example.com")
    assert mail["Subject"] == "[Flasky] Confirm Your Account"
    assert mail["From"] == "Flasky Admin <flasky@example.com>"
    assert "Dear susan," in text_body(mail)
    assert links(mail)[0].startswith("http://localhost/auth/confirm/")
    assert f'href="{links(mail)[0]}"' in html_body(mail)


def test_following_the_mailed_link_confirms_the_account(client, smtp_server):
    register(client)
    response = client.get(link_path(smtp_server.latest_to("susan@example.com")), follow_redirects=True)
    assert "You have confirmed your account. Thanks!" in response.text
    assert response.request.path == "/"
    assert user_named("susan").confirmed


def test_the_confirmation_link_asks_a_logged_out_user_to_log_in_first(client, auth, smtp_server):
    register(client)
    path = link_path(smtp_server.latest_to("susan@example.com"))
    auth.logout()
    response = client.get(path)
    assert response.headers["Location"].startswith("/auth/login?next=")
    assert auth.login(email="susan@example.com", password="dog-kennel", next=path).headers["Location"] == path
    client.get(path)
    assert user_named("susan").confirmed


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "not-an-email"}, "Email is invalid."),
        (
            {"username": "2cool"},
            "Username must start with a letter and have only letters, numbers, dots or underscores.",
        ),
        ({"username": "su san"}, "Username must start with a letter"),
        ({"username": "susan!"}, "Username must start with a letter"),
        ({"password2": "cat"}, "Passwords must match."),
        ({"email": ""}, "This field is required."),
        ({"username": "s" * 65}, "Username is too long (maximum is 64 characters)."),
        ({"password": "seven77", "password2": "seven77"}, "Password is too short (minimum is 8 characters)."),
    ],
    ids=["email", "username-digit", "username-space", "username-punctuation", "mismatch", "missing", "long", "short"],
)
def test_registration_form_errors_are_shown_and_nothing_is_created(client, changes, message):
    response = register(client, **changes)
    assert response.status_code == 200
    assert message in response.text
    assert "is-invalid" in response.text
    assert db.session.scalar(select(User).filter_by(email="susan@example.com")) is None


def test_a_username_with_letters_digits_dots_and_underscores_is_accepted(client, smtp_server):
    assert register(client, username="Su_san.2").status_code == 302
    assert user_named("Su_san.2") is not None


@pytest.mark.parametrize("email", ["susan@example.com", "Susan@EXAMPLE.com"])
def test_an_email_already_registered_is_refused_whatever_its_case(client, email):
    UserFactory(email="susan@example.com")
    response = register(client, email=email, username="other")
    assert "Email has already been taken." in response.text
    assert user_named("other") is None


@pytest.mark.parametrize("username", ["susan", "SUSAN"])
def test_a_username_already_in_use_is_refused_whatever_its_case(client, username):
    UserFactory(username="susan")
    response = register(client, email="other@example.com", username=username)
    assert "Username has already been taken." in response.text


def test_a_taken_email_and_username_are_both_reported_at_once(client):
    UserFactory(email="susan@example.com", username="susan")
    response = register(client)
    assert "Email has already been taken." in response.text
    assert "Username has already been taken." in response.text


def test_spaces_around_email_and_username_are_ignored(client, smtp_server):
    register(client, email="  susan@example.com ", username=" susan ")
    assert user_named("susan").email == "susan@example.com"


def test_the_admin_is_told_of_each_new_user(app, client, smtp_server):
    app.config["FLASKY_ADMIN"] = "admin@example.com"
    register(client)
    notice = smtp_server.latest_to("admin@example.com")
    assert notice["Subject"] == "[Flasky] New User"
    assert "susan" in text_body(notice)
    assert "susan@example.com" in html_body(notice)


def test_without_an_admin_only_the_new_user_gets_mail(app, client, smtp_server):
    app.config["FLASKY_ADMIN"] = None
    register(client)
    finish_deliveries()
    assert [message["To"] for message in smtp_server.messages] == ["susan@example.com"]


def test_an_unconfirmed_user_is_kept_on_the_unconfirmed_page(client, auth):
    UserFactory(email="john@example.com", unconfirmed=True)
    auth.login()
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/unconfirmed"


def test_an_unconfirmed_user_may_still_use_account_pages_and_static_files(client, auth):
    UserFactory(email="john@example.com", unconfirmed=True)
    auth.login()
    assert client.get("/auth/change-password").status_code == 200
    assert client.get("/static/favicon.svg").status_code == 200
    assert client.get("/no-such-page").status_code == 404


def test_an_unconfirmed_user_asking_for_json_still_waits_for_confirmation(client, auth):
    UserFactory(email="john@example.com", unconfirmed=True)
    auth.login()
    response = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["error"] == "not found"
    assert client.get("/", headers={"Accept": "application/json"}).status_code == 302
    response = client.post("/", data={"body": "sneaked in"}, headers={"Accept": "application/json"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/auth/unconfirmed")


@pytest.mark.parametrize(
    ("endpoint", "blueprint", "kept_out"),
    [
        ("main.index", "main", True),
        ("auth.login", "auth", False),
        ("api.get_post", "api", False),
        ("conduit.get_current_user", "conduit", False),
        ("health.readyz", "health", False),
        ("static", None, False),
        (None, None, False),
    ],
)
def test_which_endpoints_wait_for_confirmation(app, endpoint, blueprint, kept_out):
    with app.test_request_context("/"):
        assert needs_confirmation(endpoint, blueprint) is kept_out


def test_a_confirmed_user_goes_where_they_asked(client, auth):
    UserFactory(email="john@example.com")
    auth.login()
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("confirmed", [True, None], ids=["confirmed", "anonymous"])
def test_the_unconfirmed_page_sends_others_home(client, auth, confirmed):
    if confirmed:
        UserFactory(email="john@example.com")
        auth.login()
    assert client.get("/auth/unconfirmed").headers["Location"] == "/"


def test_the_unconfirmed_page_offers_to_resend_by_post(client, auth):
    UserFactory(email="john@example.com", unconfirmed=True)
    auth.login()
    page = client.get("/auth/unconfirmed").text
    assert '<form action="/auth/confirm" method="post" id="resend-confirmation">' in page
    assert 'name="csrf_token"' in page
    assert "john@example.com" in page


def test_resending_mails_a_new_link_that_works(client, auth, smtp_server):
    UserFactory(email="john@example.com", username="john", unconfirmed=True)
    auth.login()
    response = client.post("/auth/confirm", follow_redirects=True)
    assert "A new confirmation email has been sent to you by email." in response.text
    mail = smtp_server.latest_to("john@example.com")
    client.get(link_path(mail))
    assert user_named("john").confirmed


def test_resending_is_post_only(client, auth):
    UserFactory(email="john@example.com", unconfirmed=True)
    auth.login()
    assert client.get("/auth/confirm").status_code == 405


def test_resending_to_a_confirmed_user_sends_nothing(client, auth, smtp_server):
    UserFactory(email="john@example.com")
    auth.login()
    assert client.post("/auth/confirm").headers["Location"] == "/"
    finish_deliveries()
    assert smtp_server.messages == []


def test_a_confirmed_user_following_a_link_again_just_goes_home(client, auth):
    john = UserFactory(email="john@example.com")
    auth.login()
    response = client.get(f"/auth/confirm/{john.generate_confirmation_token()}")
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("kind", ["garbage", "expired", "someone-else"])
def test_a_bad_or_expired_link_says_so_and_offers_a_resend(client, auth, kind):
    john = UserFactory(email="john@example.com", username="john", unconfirmed=True)
    tokens = {
        "garbage": "not-a-token",
        "expired": john.generate_confirmation_token(expiration=-1),
        "someone-else": UserFactory(unconfirmed=True).generate_confirmation_token(),
    }
    auth.login()
    response = client.get(f"/auth/confirm/{tokens[kind]}", follow_redirects=True)
    assert response.request.path == "/auth/unconfirmed"
    assert "The confirmation link is invalid or has expired." in response.text
    assert 'id="resend-confirmation"' in response.text
    assert not user_named("john").confirmed


def test_when_smtp_is_down_the_account_is_kept_and_the_user_can_resend_later(app, client, smtp_server, caplog):
    use_mail_server(app, "127.0.0.1", free_port())
    with caplog.at_level(logging.ERROR, logger="app.email"):
        response = register(client, email="down@example.com", username="down")
    assert response.headers["Location"] == "/auth/unconfirmed"
    assert user_named("down") is not None
    assert "Could not send '[Flasky] Confirm Your Account' to down@example.com" in caplog.text

    page = client.get("/auth/unconfirmed").text
    assert "Your account has been created. We could not send the confirmation email." in page
    assert 'id="resend-confirmation"' in page

    still_down = client.post("/auth/confirm", follow_redirects=True)
    assert "We could not send the confirmation email." in still_down.text

    use_mail_server(app, smtp_server.host, smtp_server.port)
    back = client.post("/auth/confirm", follow_redirects=True)
    assert "A new confirmation email has been sent to you by email." in back.text
    client.get(link_path(smtp_server.latest_to("down@example.com")))
    assert user_named("down").confirmed
