"""What only the production configuration does: HSTS, Secure cookies, scrypt at ASVS strength."""

import pytest
from werkzeug.security import generate_password_hash

from config import ProductionConfig, config
from tests.apps import running_app
from tests.factories import UserFactory

from .test_headers import assert_security_headers
from .test_sessions import cookie_attributes, set_cookie


@pytest.fixture
def app(monkeypatch):
    """The production configuration on the test database, with a secret key, leaving the log setup alone."""
    monkeypatch.setattr("app.log.configure_logging", lambda _level: None)
    testing = config["testing"]
    overrides = {
        "SECRET_KEY": "a production secret",
        "FLASKY_BASE_URL": "https://flasky.example.com",
        "SQLALCHEMY_DATABASE_URI": testing.SQLALCHEMY_DATABASE_URI,
        "WTF_CSRF_ENABLED": False,
        # Production hashing costs 128 MiB and a fraction of a second a login; its strength is tested on its own.
        "FLASKY_PASSWORD_HASH_METHOD": testing.FLASKY_PASSWORD_HASH_METHOD,
    }
    with running_app("production", overrides) as app:
        yield app


def test_production_hashes_passwords_with_scrypt_at_n_2_to_the_17():
    method = ProductionConfig.FLASKY_PASSWORD_HASH_METHOD
    assert method == "scrypt:131072:8:1"
    assert generate_password_hash("correct horse", method=method).startswith("scrypt:131072:8:1$")


@pytest.mark.parametrize("url", ["/", "/api/v1/posts/", "/no-such-page"])
def test_production_responses_carry_hsts(client, url):
    response = client.get(url)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert_security_headers(response)


@pytest.mark.parametrize("name", ["session", "remember_token"])
def test_production_login_cookies_are_secure_http_only_and_same_site_lax(client, db, name):
    UserFactory(email="john@example.com", password="cat")
    data = {"email": "john@example.com", "password": "cat", "remember_me": "y"}
    response = client.post("/auth/login", data=data, base_url="https://localhost")
    assert {"Secure", "HttpOnly", "SameSite=Lax"} <= cookie_attributes(set_cookie(response, name))
