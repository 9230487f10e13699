"""Logging in and out: credentials, remember me, the ``next`` redirect and CSRF protection."""

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from app.auth.redirects import is_safe_next
from tests.apps import csrf_token
from tests.factories import UserFactory
from tests.login import forget_current_user
from tests.mailserver import finish_deliveries

UNSAFE_NEXT = [
    "//evil.example",
    "//evil.example/path",
    "////evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https:evil.example",
    "https://evil.example",
    "http://localhost/auth/change-password",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "/\t/evil.example",
    "/\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/\x00/evil.example",
    "/\u200b/evil.example",
    "evil.example",
    "",
]

# A shared corpus of open-redirect payloads, one a line (leading spaces and tabs are part of the payload).
REDIRECT_CORPUS = (Path(__file__).parents[1] / "security_data" / "open_redirects.txt").read_text().splitlines()


def test_login_page_has_the_login_form(client):
    response = client.get("/auth/login")
    assert response.status_code == 200
    for field in ("email", "password", "remember_me", "submit"):
        assert f'id="{field}"' in response.text
    assert 'href="/auth/reset"' in response.text
    assert 'href="/auth/register"' in response.text


def test_login_with_right_credentials_goes_home_logged_in(client, auth):
    UserFactory(email="john@example.com", username="john")
    response = auth.login()
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert "Log Out" in home.text
    assert "john" in home.text


def test_login_ignores_the_case_of_the_email(client, auth):
    UserFactory(email="john@example.com")
    response = auth.login(email="John@Example.COM")
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    ("email", "password"), [("john@example.com", "dog"), ("nobody@example.com", "cat")], ids=["password", "email"]
)
def test_wrong_credentials_say_invalid_email_or_password(client, auth, email, password):
    UserFactory(email="john@example.com")
    response = auth.login(email=email, password=password)
    assert response.status_code == 200
    assert "Invalid email or password." in response.text
    assert "Log Out" not in response.text


def test_login_form_shows_each_field_error(client):
    response = client.post("/auth/login", data={"email": "", "password": ""})
    assert response.status_code == 200
    assert response.text.count("This field is required.") == 2
    assert 'class="form-control is-invalid"' in response.text


def test_a_login_with_no_address_at_all_says_invalid_email_or_password(client):
    response = client.post("/auth/login", data={"email": "not-an-email", "password": "cat"})
    assert response.status_code == 200
    assert "Invalid email or password." in response.text


def test_without_remember_me_no_lasting_cookie_is_set(client, auth):
    UserFactory(email="john@example.com")
    auth.login()
    assert client.get_cookie("remember_token") is None


def test_remember_me_keeps_the_user_logged_in_without_the_session(app, client, auth):
    UserFactory(email="john@example.com", username="john")
    auth.login(remember=True)
    remember = client.get_cookie("remember_token")
    assert remember is not None
    assert remember.expires is not None

    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember.value)
    forget_current_user()
    assert "Log Out" in fresh.get("/").text


def test_login_redirects_to_a_safe_next(client, auth):
    UserFactory(email="john@example.com")
    response = auth.login(next="/auth/change-password?tab=1")
    assert response.headers["Location"] == "/auth/change-password?tab=1"


@pytest.mark.parametrize("target", UNSAFE_NEXT)
def test_login_refuses_an_unsafe_next_and_goes_home(client, auth, target):
    UserFactory(email="john@example.com")
    response = auth.login(next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", REDIRECT_CORPUS)
def test_login_never_redirects_off_the_site(client, auth, target):
    UserFactory(email="john@example.com")
    location = urljoin("http://localhost/auth/login", auth.login(next=target).headers["Location"])
    assert urlsplit(location)[:2] == ("http", "localhost")


@pytest.mark.parametrize("target", UNSAFE_NEXT + [None])
def test_is_safe_next_refuses_schemes_hosts_and_tricks(target):
    assert not is_safe_next(target)


@pytest.mark.parametrize("target", ["/", "/user/john", "/post/3?page=2#comments", "/auth/confirm/abc.def-ghi_"])
def test_is_safe_next_accepts_paths_on_this_site(target):
    assert is_safe_next(target)


def test_a_protected_page_sends_to_login_and_back(client, auth):
    UserFactory(email="john@example.com")
    response = client.get("/auth/change-password")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=%2Fauth%2Fchange-password"
    assert auth.login(next="/auth/change-password").headers["Location"] == "/auth/change-password"


def test_logout_by_get_is_not_allowed(client, auth):
    UserFactory(email="john@example.com")
    auth.login()
    assert client.get("/auth/logout").status_code == 405
    assert "Log Out" in client.get("/").text


def test_logout_logs_out_and_clears_the_session(client, auth):
    UserFactory(email="john@example.com")
    auth.login()
    with client.session_transaction() as before:
        before["draft"] = "kept until logout"
    response = auth.logout()
    assert response.headers["Location"] == "/"
    with client.session_transaction() as after:
        assert "_user_id" not in after
        assert "draft" not in after
    home = client.get("/")
    assert "You have been logged out." in home.text
    assert "Log In" in home.text


def test_logout_forgets_the_remember_me_cookie(client, auth):
    UserFactory(email="john@example.com")
    auth.login(remember=True)
    auth.logout()
    assert client.get_cookie("remember_token") is None


def test_logout_when_logged_out_asks_to_log_in(client, auth):
    response = auth.logout()
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_account_menu_logs_out_by_post_with_a_csrf_token(client, auth):
    UserFactory(email="john@example.com")
    auth.login()
    menu = client.get("/").text
    assert re.search(r'<form action="/auth/logout" method="post"', menu)
    assert 'name="csrf_token"' in menu


def test_login_without_a_csrf_token_is_refused(csrf_client):
    UserFactory(email="john@example.com")
    response = csrf_client.post("/auth/login", data={"email": "john@example.com", "password": "cat"})
    assert response.status_code == 400
    assert "reload the page and try again" in response.text


def test_login_with_the_form_csrf_token_succeeds(csrf_client):
    UserFactory(email="john@example.com")
    token = csrf_token(csrf_client.get("/auth/login").text)
    data = {"email": "john@example.com", "password": "cat", "csrf_token": token}
    assert csrf_client.post("/auth/login", data=data).headers["Location"] == "/"


def test_register_without_a_csrf_token_is_refused(csrf_client):
    data = {"email": "new@example.com", "username": "new", "password": "cat", "password2": "cat"}
    assert csrf_client.post("/auth/register", data=data).status_code == 400


def test_logout_without_a_csrf_token_is_refused_and_with_it_works(csrf_client):
    UserFactory(email="john@example.com")
    token = csrf_token(csrf_client.get("/auth/login").text)
    csrf_client.post("/auth/login", data={"email": "john@example.com", "password": "cat", "csrf_token": token})
    assert csrf_client.post("/auth/logout").status_code == 400
    with csrf_client.session_transaction() as still:
        assert "_user_id" in still
    menu_token = csrf_token(csrf_client.get("/").text)
    assert csrf_client.post("/auth/logout", data={"csrf_token": menu_token}).headers["Location"] == "/"


def test_resend_confirmation_without_a_csrf_token_is_refused(csrf_client, smtp_server):
    UserFactory(email="john@example.com", unconfirmed=True)
    token = csrf_token(csrf_client.get("/auth/login").text)
    csrf_client.post("/auth/login", data={"email": "john@example.com", "password": "cat", "csrf_token": token})
    assert csrf_client.post("/auth/confirm").status_code == 400
    finish_deliveries()
    assert smtp_server.messages == []
