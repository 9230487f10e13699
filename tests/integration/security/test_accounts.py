"""Account mail and tokens under attack: forged Host headers, enumeration, and tampered or misused tokens."""

import pytest
from sqlalchemy import select

from app.models import User
from app.tokens import generate_token
from tests.factories import UserFactory
from tests.integration.api.conftest import basic_auth
from tests.login import log_in_as
from tests.mailserver import finish_deliveries, free_port, link_path, links, use_mail_server

CONFIGURED_BASE = "http://localhost/"
FORGED_HOSTS = [{"Host": "evil.example"}, {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}]


@pytest.mark.parametrize("forged", FORGED_HOSTS, ids=["host", "x-forwarded-host"])
def test_a_forged_host_cannot_poison_the_reset_link(client, smtp_server, forged):
    UserFactory(email="john@example.com")

    client.post("/auth/reset", data={"email": "john@example.com"}, headers=forged)

    mailed = links(smtp_server.latest_to("john@example.com"))
    assert mailed
    assert all(link.startswith(f"{CONFIGURED_BASE}auth/reset/") for link in mailed)


def test_a_forged_host_cannot_poison_the_confirmation_or_email_change_links(client, smtp_server):
    data = {"email": "ann@example.com", "username": "ann", "password": "ann-secret", "password2": "ann-secret"}
    client.post("/auth/register", data=data, headers=FORGED_HOSTS[0])
    client.post(
        "/auth/change-email", data={"email": "new@example.com", "password": "ann-secret"}, headers=FORGED_HOSTS[0]
    )

    confirmation = links(smtp_server.latest_to("ann@example.com"))
    change = links(smtp_server.latest_to("new@example.com"))
    assert all(link.startswith(f"{CONFIGURED_BASE}auth/confirm/") for link in confirmation)
    assert all(link.startswith(f"{CONFIGURED_BASE}auth/change-email/") for link in change)


def test_a_reset_request_answers_the_same_for_known_and_unknown_addresses(client, smtp_server):
    UserFactory(email="john@example.com")

    known = client.post("/auth/reset", data={"email": "john@example.com"})
    known_page = client.get(known.headers["Location"]).text
    unknown = client.post("/auth/reset", data={"email": "nobody@example.com"})
    unknown_page = client.get(unknown.headers["Location"]).text

    assert (known.status_code, known.headers["Location"]) == (unknown.status_code, unknown.headers["Location"])
    assert known_page == unknown_page
    assert len(smtp_server.wait_for(1)) == 1


def test_a_reset_asked_again_once_mail_is_back_delivers_a_working_link(app, client, auth, smtp_server):
    UserFactory(email="john@example.com")
    use_mail_server(app, "127.0.0.1", free_port())
    client.post("/auth/reset", data={"email": "john@example.com"})
    finish_deliveries()
    use_mail_server(app, smtp_server.host, smtp_server.port)

    client.post("/auth/reset", data={"email": "john@example.com"})
    reset = link_path(smtp_server.latest_to("john@example.com"))
    client.post(reset, data={"password": "dog-kennel", "password2": "dog-kennel"})

    assert len(smtp_server.messages) == 1
    assert auth.login(password="dog-kennel").headers["Location"] == "/"


def tampered(token: str) -> str:
    """``token`` with the first character of its signature changed.

    Not the last: base64 of a 20-byte signature ends in a character whose low bits are padding, so changing the
    last character can leave the signature, and the token, as valid as before.
    """
    signed, _, signature = token.rpartition(".")
    return f"{signed}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"


def bad_tokens(user: User, purpose: str, payload: dict) -> dict[str, str]:
    """Tokens that must not work for ``purpose``: tampered, expired, another purpose's, another user's."""
    good = generate_token(purpose, payload, 3600)
    other_purposes = {"confirm", "reset", "change-email", "auth"} - {purpose}
    tokens = {
        "tampered": tampered(good),
        "expired": generate_token(purpose, payload, -1),
        "another user's": generate_token(purpose, {**payload, **dict.fromkeys(payload, user.id + 1000)}, 3600),
        "truncated": good[: len(good) // 2],
    }
    for other in other_purposes:
        tokens[f"{other} token"] = generate_token(other, payload, 3600)
    return tokens


def test_confirmation_links_with_bad_tokens_confirm_nothing(client, db):
    user = UserFactory(unconfirmed=True)
    log_in_as(client, user)

    for kind, token in bad_tokens(user, "confirm", {"confirm": user.id}).items():
        response = client.get(f"/auth/confirm/{token}", follow_redirects=True)

        assert "The confirmation link is invalid or has expired." in response.text, kind
    db.session.refresh(user)
    assert not user.confirmed


def test_reset_links_with_bad_tokens_change_no_password(client, db, auth):
    user = UserFactory(email="john@example.com")

    for kind, token in bad_tokens(user, "reset", {"reset": user.id}).items():
        response = client.post(f"/auth/reset/{token}", data={"password": "dog-kennel", "password2": "dog-kennel"})

        assert response.headers["Location"] == "/auth/reset", kind
    assert auth.login(password="dog-kennel").status_code == 200
    assert auth.login(password="cat").headers["Location"] == "/"


def test_email_change_links_with_bad_tokens_change_no_address(client, db):
    user = UserFactory(email="john@example.com")
    log_in_as(client, user)
    payload = {"change_email": user.id, "new_email": "new@example.com"}

    for kind, token in bad_tokens(user, "change-email", payload).items():
        response = client.get(f"/auth/change-email/{token}", follow_redirects=True)

        assert "The email change link is invalid or has expired." in response.text, kind
    assert db.session.scalar(select(User.email).where(User.id == user.id)) == "john@example.com"


def test_api_requests_with_bad_tokens_are_refused(client, db):
    user = UserFactory()

    for kind, token in bad_tokens(user, "auth", {"id": user.id}).items():
        response = client.get("/api/v1/posts/", headers=basic_auth(token))

        assert response.status_code == 401, kind
    assert client.get("/api/v1/posts/", headers=basic_auth(user.generate_auth_token())).status_code == 200
