"""One question, three interfaces: signing in, two-step codes and ending sessions answer alike on the web pages,
API v1 and Conduit, and a revocation made on one app instance holds on another at once.

Every test runs on a database two ``create_app`` instances share: a SQLite file, or the PostgreSQL test database.
The clock the codes and sessions read is frozen, so no code changes step while a test sends it.
"""

from base64 import b64encode
from collections.abc import Iterator
from datetime import UTC, datetime

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db as _db
from app.services import sessions, two_factor
from tests.apps import make_app, rate_limited
from tests.clock import set_clock
from tests.factories import UserFactory
from tests.integration.empty_databases import postgres_server_url

PASSWORD = "cat"  # noqa: S105 - the factories' password
INTERFACES = ("web", "api", "conduit")
LIMIT = 3


@pytest.fixture
def app_config(app_config, tmp_path) -> dict[str, object]:
    """The settings of the test's marks, on a database a second instance can open too."""
    return {**app_config, "SQLALCHEMY_DATABASE_URI": postgres_server_url() or f"sqlite:///{tmp_path / 'shared.sqlite'}"}


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    return set_clock(monkeypatch, datetime(2030, 1, 1, 12, 0, 5))


@pytest.fixture
def second_instance(app: Flask, db) -> Iterator[FlaskClient]:
    """A client of another app instance on the same database, with the same secret key."""
    other = make_app(
        "testing",
        {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": app.config["SECRET_KEY"]},
    )
    yield other.test_client()
    with other.app_context():
        _db.session.remove()
        _db.engine.dispose()


def basic(username: str, password: str = "") -> dict[str, str]:
    return {"Authorization": "Basic " + b64encode(f"{username}:{password}".encode()).decode()}


class Web:
    """A browser: signs in through the login form (and the code page), its credential is its session cookie."""

    def sign_in(self, client: FlaskClient, email: str, code: str | None = None) -> tuple[int, str | None]:
        response = client.post("/auth/login", data={"email": email, "password": PASSWORD})
        if response.status_code == 302 and response.headers["Location"].startswith("/auth/login/code"):
            response = client.post("/auth/login/code", data={"code": code or ""})
        signed_in = response.status_code == 302 and not response.headers["Location"].startswith("/auth/")
        cookie = client.get_cookie("session")
        return response.status_code, cookie.value if signed_in and cookie else None

    def works(self, client: FlaskClient, credential: str) -> bool:
        client.set_cookie("session", credential)
        return client.get("/auth/security").status_code == 200

    def change_password(self, client: FlaskClient, credential: str, new: str) -> int:
        client.set_cookie("session", credential)
        data = {"old_password": PASSWORD, "password": new, "password2": new}
        return client.post("/auth/change-password", data=data).status_code


class Api:
    """An API v1 client: a token from ``POST /api/v1/tokens/``, sent as the Basic username."""

    def sign_in(self, client: FlaskClient, email: str, code: str | None = None) -> tuple[int, str | None]:
        body = {} if code is None else {"json": {"code": code}}
        response = client.post("/api/v1/tokens/", headers=basic(email, PASSWORD), **body)
        return response.status_code, response.json.get("token")

    def works(self, client: FlaskClient, credential: str) -> bool:
        return client.get("/api/v1/posts/", headers=basic(credential)).status_code == 200


class Conduit:
    """A RealWorld client: a token from ``POST /api/users/login``, sent as ``Authorization: Token``."""

    def sign_in(self, client: FlaskClient, email: str, code: str | None = None) -> tuple[int, str | None]:
        user = {"email": email, "password": PASSWORD, **({} if code is None else {"code": code})}
        response = client.post("/api/users/login", json={"user": user})
        return response.status_code, (response.json.get("user") or {}).get("token")

    def works(self, client: FlaskClient, credential: str) -> bool:
        return client.get("/api/user", headers={"Authorization": f"Token {credential}"}).status_code == 200

    def change_password(self, client: FlaskClient, credential: str, new: str) -> int:
        headers = {"Authorization": f"Token {credential}"}
        return client.put("/api/user", json={"user": {"password": new}}, headers=headers).status_code


CLIENTS = {"web": Web(), "api": Api(), "conduit": Conduit()}
SIGNED_IN = {"web": 302, "api": 200, "conduit": 200}
# The answer to a sign-in whose code is missing or wrong: the web pages show the code form again.
CODE_REFUSED = {"web": 200, "api": 401, "conduit": 401}


@pytest.fixture
def code_now(clock):
    """``code_now(secret, steps=0)``: the code an authenticator app shows ``steps`` time steps from now."""
    return lambda secret, steps=0: pyotp.TOTP(secret).at(clock.now.replace(tzinfo=UTC), counter_offset=steps)


@pytest.fixture
def user(db):
    return UserFactory(email="ann@example.com")


@pytest.fixture
def secret(user, code_now) -> str:
    """Two-step sign-in turned on for ``user`` with a code of the step before, so the current one is unused."""
    secret = two_factor.setup(user).secret
    two_factor.turn_on(user, code_now(secret, -1))
    return secret


def credentials_on_every_interface(app: Flask, email: str) -> dict[str, str]:
    """A fresh sign-in on every interface, each by its own client."""
    signed_in = {}
    for interface, sender in CLIENTS.items():
        status, credential = sender.sign_in(app.test_client(), email)
        assert status == SIGNED_IN[interface]
        signed_in[interface] = credential
    return signed_in


def test_a_token_revoked_through_the_api_is_refused_by_another_instance_at_once(app, user, second_instance):
    credentials = credentials_on_every_interface(app, user.email)
    client = app.test_client()

    for interface in ("api", "conduit"):
        assert CLIENTS[interface].works(second_instance, credentials[interface])
        assert client.delete("/api/v1/tokens/", headers=basic(credentials[interface])).status_code == 204
        assert not CLIENTS[interface].works(second_instance, credentials[interface])
    assert CLIENTS["web"].works(second_instance, credentials["web"])


@pytest.mark.parametrize("interface", INTERFACES)
def test_a_session_ended_on_the_security_page_is_refused_by_another_instance_at_once(
    app, user, second_instance, interface
):
    credentials = credentials_on_every_interface(app, user.email)
    # One session of each kind so far: the web one is the browser's, the others the tokens.
    ended = next(row.id for row in sessions.active_sessions(user) if row.kind == interface)
    browser = app.test_client()
    _status, page_session = CLIENTS["web"].sign_in(browser, user.email)

    assert CLIENTS[interface].works(second_instance, credentials[interface])
    assert browser.post(f"/auth/security/sessions/{ended}/revoke").headers["Location"] == "/auth/security"

    for other, credential in credentials.items():
        assert CLIENTS[other].works(second_instance, credential) is (other != interface), other
    assert CLIENTS["web"].works(second_instance, page_session)


def test_signing_out_everywhere_else_keeps_only_the_page_session(app, user, second_instance):
    credentials = credentials_on_every_interface(app, user.email)
    browser = app.test_client()
    _status, page_session = CLIENTS["web"].sign_in(browser, user.email)

    assert browser.post("/auth/security/revoke-others").headers["Location"] == "/auth/security"

    assert not any(CLIENTS[name].works(second_instance, credential) for name, credential in credentials.items())
    assert CLIENTS["web"].works(second_instance, page_session)


def test_revoking_a_token_needs_the_token_itself(client, user):
    response = client.delete("/api/v1/tokens/", headers=basic(user.email, PASSWORD))
    assert response.status_code == 401
    assert "token to revoke" in response.json["message"]


@pytest.mark.parametrize("changed_on", ["web", "conduit"])
def test_a_password_change_keeps_only_the_session_that_made_it(app, user, second_instance, changed_on):
    credentials = credentials_on_every_interface(app, user.email)
    _status, other_browser = CLIENTS["web"].sign_in(app.test_client(), user.email)

    status = CLIENTS[changed_on].change_password(app.test_client(), credentials[changed_on], "dog-kennel")

    assert status == {"web": 302, "conduit": 200}[changed_on]
    for interface, credential in credentials.items():
        assert CLIENTS[interface].works(second_instance, credential) is (interface == changed_on), interface
    assert not CLIENTS["web"].works(second_instance, other_browser)


@pytest.mark.parametrize("interface", INTERFACES)
def test_with_two_step_sign_in_on_the_password_alone_signs_in_nowhere(app, user, secret, interface):
    status, credential = CLIENTS[interface].sign_in(app.test_client(), user.email)
    assert status == CODE_REFUSED[interface]
    assert credential is None


@pytest.mark.parametrize("interface", INTERFACES)
def test_a_current_code_signs_in_once_and_its_replay_is_refused(
    app, user, secret, code_now, second_instance, interface
):
    code = code_now(secret)
    status, credential = CLIENTS[interface].sign_in(app.test_client(), user.email, code)
    assert status == SIGNED_IN[interface]
    assert CLIENTS[interface].works(second_instance, credential)

    replayed, nothing = CLIENTS[interface].sign_in(app.test_client(), user.email, code)
    assert (replayed, nothing) == (CODE_REFUSED[interface], None)


@pytest.mark.parametrize("interface", INTERFACES)
def test_a_recovery_code_signs_in_once(app, user, code_now, interface):
    secret = two_factor.setup(user).secret
    recovery = two_factor.turn_on(user, code_now(secret))[0]

    assert CLIENTS[interface].sign_in(app.test_client(), user.email, recovery)[0] == SIGNED_IN[interface]
    assert CLIENTS[interface].sign_in(app.test_client(), user.email, recovery)[0] == CODE_REFUSED[interface]


@pytest.mark.parametrize("interface", INTERFACES)
def test_a_code_of_the_next_step_is_accepted_for_a_fast_clock_then_none_before_it(
    app, user, secret, code_now, interface
):
    assert CLIENTS[interface].sign_in(app.test_client(), user.email, code_now(secret, 1))[0] == SIGNED_IN[interface]
    assert CLIENTS[interface].sign_in(app.test_client(), user.email, code_now(secret))[0] == CODE_REFUSED[interface]


@pytest.mark.parametrize("interface", INTERFACES)
def test_a_code_two_steps_away_is_refused(app, user, secret, code_now, interface):
    status, credential = CLIENTS[interface].sign_in(app.test_client(), user.email, code_now(secret, 2))
    assert (status, credential) == (CODE_REFUSED[interface], None)


@pytest.mark.parametrize("interface", INTERFACES)
def test_tokens_and_sessions_made_before_it_was_turned_on_keep_working(app, user, code_now, interface):
    _status, credential = CLIENTS[interface].sign_in(app.test_client(), user.email)
    secret = two_factor.setup(user).secret
    two_factor.turn_on(user, code_now(secret))
    assert CLIENTS[interface].works(app.test_client(), credential)


@pytest.mark.parametrize("interface", ["api", "conduit"])
def test_a_missing_code_is_named_in_the_answer(app, user, secret, interface):
    client = app.test_client()
    if interface == "api":
        response = client.post("/api/v1/tokens/", headers=basic(user.email, PASSWORD))
        assert "code" in response.json["message"]
        assert "WWW-Authenticate" in response.headers
    else:
        response = client.post("/api/users/login", json={"user": {"email": user.email, "password": PASSWORD}})
        assert list(response.json["errors"]) == ["code"]


def test_with_two_step_sign_in_on_a_password_authenticates_only_the_token_request(client, user, secret):
    response = client.get("/api/v1/posts/", headers=basic(user.email, PASSWORD))
    assert response.status_code == 401
    assert "POST /api/v1/tokens/" in response.json["message"]


@pytest.mark.parametrize("interface", INTERFACES)
@pytest.mark.app_config(rate_limited(f"{LIMIT} per minute"))
def test_past_the_limit_of_wrong_codes_even_the_right_one_is_refused(app, user, secret, code_now, interface):
    client = app.test_client()
    wrong = code_now(secret, 3)
    statuses = [CLIENTS[interface].sign_in(client, user.email, wrong)[0] for _ in range(LIMIT + 1)]
    assert statuses[0] == CODE_REFUSED[interface]
    assert statuses[-1] == 429
    assert CLIENTS[interface].sign_in(client, user.email, code_now(secret))[0] == 429
