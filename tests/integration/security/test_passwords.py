"""Passwords stored with an older hashing method move to the configured one at the next successful login."""

from sqlalchemy import select

from app.models import User
from app.passwords import hash_method_of
from tests.factories import UserFactory
from tests.integration.api.conftest import basic_auth
from tests.login import log_in_as

NEWER_METHOD = "scrypt:16384:8:1"


def stored_hash(db, email: str) -> str:
    """The hash the database holds, after dropping anything the request left uncommitted."""
    db.session.rollback()
    return db.session.scalar(select(User.password_hash).where(User.email == email))


def test_a_login_upgrades_a_hash_made_with_an_older_method(app, client, db, auth):
    UserFactory(email="john@example.com")
    old_hash = stored_hash(db, "john@example.com")
    app.config["FLASKY_PASSWORD_HASH_METHOD"] = NEWER_METHOD

    assert auth.login().headers["Location"] == "/"

    new_hash = stored_hash(db, "john@example.com")
    assert hash_method_of(old_hash) == "pbkdf2:sha256:1"
    assert new_hash.startswith(f"{NEWER_METHOD}$")
    auth.logout()
    assert auth.login().headers["Location"] == "/"


def test_an_api_request_upgrades_the_hash_and_its_token_keeps_working(app, client, db):
    UserFactory(email="john@example.com")
    app.config["FLASKY_PASSWORD_HASH_METHOD"] = NEWER_METHOD

    response = client.post("/api/v1/tokens/", headers=basic_auth("john@example.com", "cat"))

    assert stored_hash(db, "john@example.com").startswith(f"{NEWER_METHOD}$")
    token = response.json["token"]
    assert client.get("/api/v1/posts/", headers=basic_auth(token, "")).status_code == 200


def test_a_failed_login_leaves_the_old_hash(app, client, db, auth):
    UserFactory(email="john@example.com")
    old_hash = stored_hash(db, "john@example.com")
    app.config["FLASKY_PASSWORD_HASH_METHOD"] = NEWER_METHOD

    assert auth.login(password="dog").status_code == 200

    assert stored_hash(db, "john@example.com") == old_hash


def test_a_hash_already_made_with_the_configured_method_is_kept(client, db, auth):
    UserFactory(email="john@example.com")
    old_hash = stored_hash(db, "john@example.com")

    auth.login()

    assert stored_hash(db, "john@example.com") == old_hash


def test_an_email_change_request_saves_the_upgraded_hash_and_keeps_the_session(app, client, db, smtp_server):
    user = UserFactory(email="john@example.com")
    log_in_as(client, user)
    app.config["FLASKY_PASSWORD_HASH_METHOD"] = NEWER_METHOD

    response = client.post("/auth/change-email", data={"email": "new@example.com", "password": "cat"})

    assert response.headers["Location"] == "/"
    assert stored_hash(db, "john@example.com").startswith(f"{NEWER_METHOD}$")
    assert client.get("/auth/change-email").status_code == 200
