"""Registration, login and the current user."""

from datetime import datetime

import pytest

from app.models import User
from tests.clock import set_clock
from tests.factories import UserFactory

from .shapes import default_image, errors


def register(api, **fields):
    user = {"username": "jake", "email": "jake@jake.jake", "password": "jakejake", **fields}
    return api.post("/api/users", json={"user": user})


def test_registration_returns_the_user_and_a_token_that_works_at_once(api, db):
    response = register(api)

    assert response.status_code == 201
    user = response.get_json()["user"]
    assert user["username"] == "jake"
    assert user["email"] == "jake@jake.jake"
    assert user["bio"] is None
    assert user["image"] == default_image("jake@jake.jake")
    current = api.get("/api/user", token=user["token"])
    assert current.status_code == 200
    assert current.get_json()["user"]["username"] == "jake"


def test_registration_makes_a_confirmed_user_with_the_default_role(api, db):
    register(api)

    user = db.session.scalar(db.select(User).filter_by(username="jake"))
    assert user.confirmed
    assert user.role.name == "User"
    assert user.verify_password("jakejake")


def test_registration_can_be_closed_by_configuration(app, api, db):
    app.config["FLASKY_CONDUIT_REGISTRATION"] = "closed"

    response = register(api)

    assert response.status_code == 403
    assert errors(response) == {"registration": ["is closed: register on the web site"]}
    assert db.session.scalar(db.select(User).filter_by(username="jake")) is None


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"username": "Jake"}, {"username": ["has already been taken"]}),
        ({"email": "JAKE@example.com"}, {"email": ["has already been taken"]}),
    ],
)
def test_registration_refuses_a_taken_username_or_email(api, user, fields, expected):
    response = register(api, **{"username": "other", "email": "other@example.com", **fields})

    assert response.status_code == 409
    assert errors(response) == expected


def test_registration_reports_every_blank_field(api, db):
    response = api.post("/api/users", json={"user": {"username": " ", "email": None}})

    assert response.status_code == 422
    assert errors(response) == {
        "username": ["can't be blank"],
        "email": ["can't be blank"],
        "password": ["can't be blank"],
    }


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"password": "x" * 7}, {"password": ["is too short (minimum is 8 characters)"]}),
        ({"password": "x" * 129}, {"password": ["is too long (maximum is 128 characters)"]}),
        ({"email": "not-an-address"}, {"email": ["is invalid"]}),
        ({"email": "a" * 110 + "@example.com"}, {"email": ["is too long (maximum is 120 characters)"]}),
        (
            {"username": "1jake"},
            {"username": ["must start with a letter and have only letters, numbers, dots or underscores"]},
        ),
        ({"username": 42}, {"username": ["must be a string"]}),
        ({"username": "ja\x00ke"}, {"username": ["is invalid"]}),
    ],
)
def test_registration_refuses_invalid_fields(api, db, fields, expected):
    response = register(api, **fields)

    assert response.status_code == 422
    assert errors(response) == expected


@pytest.mark.parametrize("length", [8, 128])
def test_registration_accepts_passwords_of_8_to_128_characters(api, db, length):
    assert register(api, password="p" * length).status_code == 201


def test_registration_refuses_the_administrators_address(app, api, db):
    app.config["FLASKY_ADMIN"] = "Boss@Example.com"

    response = register(api, email="boss@example.com")

    assert response.status_code == 422
    assert errors(response) == {"email": ["is reserved: register on the web site and confirm it by mail"]}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, {"user": ["can't be blank"]}),
        ({"user": "jake"}, {"user": ["must be an object"]}),
        ([1, 2], {"user": ["can't be blank"]}),
    ],
)
def test_registration_needs_a_user_object(api, db, body, expected):
    response = api.post("/api/users", json=body)

    assert response.status_code == 422
    assert errors(response) == expected


def test_registration_needs_a_json_body(api, db):
    response = api.post("/api/users", data="user=jake")

    assert response.status_code == 422
    assert errors(response) == {"user": ["can't be blank"]}


def test_registration_works_with_csrf_protection_on(app, api, db):
    app.config["WTF_CSRF_ENABLED"] = True

    assert register(api).status_code == 201


def test_login_returns_the_user_with_a_token(api, user):
    response = api.post("/api/users/login", json={"user": {"email": "Jake@Example.com", "password": "cat"}})

    assert response.status_code == 200
    body = response.get_json()["user"]
    assert body["username"] == "jake"
    assert body["bio"] == "I work at statefarm"
    assert api.get("/api/user", token=body["token"]).status_code == 200


@pytest.mark.parametrize("email", ["jake@example.com", "nobody@example.com"])
def test_login_with_wrong_credentials_is_refused(api, user, email):
    response = api.post("/api/users/login", json={"user": {"email": email, "password": "dog"}})

    assert response.status_code == 401
    assert errors(response) == {"credentials": ["invalid"]}


def test_login_of_an_unconfirmed_user_is_refused(api, db):
    UserFactory(email="new@example.com", unconfirmed=True)

    response = api.post("/api/users/login", json={"user": {"email": "new@example.com", "password": "cat"}})

    assert response.status_code == 401
    assert errors(response) == {"email": ["is not confirmed"]}


def test_login_needs_email_and_password(api, db):
    response = api.post("/api/users/login", json={"user": {"email": ""}})

    assert response.status_code == 422
    assert errors(response) == {"email": ["can't be blank"], "password": ["can't be blank"]}


def test_current_user_is_the_token_holder(api, user):
    token = user.generate_auth_token()

    response = api.get("/api/user", token=token)

    assert response.status_code == 200
    body = response.get_json()["user"]
    assert body["email"] == "jake@example.com"
    assert body["token"] == token


@pytest.mark.parametrize("header", [None, "Bearer abc", "Token ", "Basic amFrZTpjYXQ="])
def test_current_user_without_a_token_is_refused(api, user, header):
    headers = {} if header is None else {"Authorization": header}

    response = api.get("/api/user", headers=headers)

    assert response.status_code == 401
    assert errors(response) == {"token": ["is missing"]}


def test_current_user_with_a_forged_token_is_refused(api, user):
    response = api.get("/api/user", token="not.a.token")

    assert response.status_code == 401
    assert errors(response) == {"token": ["is invalid or expired"]}


def test_an_expired_token_is_refused(api, user):
    token = user.generate_auth_token(expiration=-1)

    response = api.get("/api/user", token=token)

    assert response.status_code == 401
    assert errors(response) == {"token": ["is invalid or expired"]}


def test_a_token_of_a_user_no_longer_confirmed_is_refused(api, user, db):
    token = user.generate_auth_token()
    user.confirmed = False
    db.session.commit()

    response = api.get("/api/user", token=token)

    assert response.status_code == 401
    assert errors(response) == {"email": ["is not confirmed"]}


def test_the_token_scheme_is_case_insensitive(api, user):
    token = user.generate_auth_token()

    assert api.get("/api/user", headers={"Authorization": f"token {token}"}).status_code == 200


def test_update_changes_what_was_sent_and_keeps_the_token_valid(api, user):
    token = user.generate_auth_token()

    response = api.put(
        "/api/user",
        token=token,
        json={
            "user": {
                "username": "jacob",
                "email": "Jacob@Example.com",
                "bio": "New bio",
                "image": "https://i.example/j.png",
            }
        },
    )

    assert response.status_code == 200
    body = response.get_json()["user"]
    # The address as every interface stores it: the domain lower-cased, the mailbox as typed.
    assert body == {
        "username": "jacob",
        "email": "Jacob@example.com",
        "bio": "New bio",
        "image": "https://i.example/j.png",
        "token": token,
    }
    assert api.get("/api/user", token=token).get_json()["user"]["username"] == "jacob"


def test_update_of_the_password_lets_the_user_log_in_with_it(api, user):
    assert api.put("/api/user", user=user, json={"user": {"password": "newpassword"}}).status_code == 200

    login = api.post("/api/users/login", json={"user": {"email": "jake@example.com", "password": "newpassword"}})
    assert login.status_code == 200


def test_a_password_update_keeps_the_token_that_made_it_and_ends_the_others(api, user):
    """The RealWorld suite's errors-auth/20: the token that changed the password is used again at once."""
    token, other_token = user.generate_auth_token(), user.generate_auth_token()

    response = api.put("/api/user", token=token, json={"user": {"password": "newpassword"}})

    assert response.status_code == 200
    assert response.json["user"]["token"] == token
    assert api.get("/api/user", token=token).status_code == 200
    assert api.get("/api/user", token=other_token).status_code == 401


def test_a_token_survives_a_username_and_email_update(api, user):
    token = user.generate_auth_token()

    response = api.put("/api/user", token=token, json={"user": {"username": "jacob", "email": "jacob@example.com"}})

    assert response.json["user"]["token"] == token
    assert api.get("/api/user", token=token).json["user"]["username"] == "jacob"


@pytest.mark.parametrize("blank", ["", None, "   "])
def test_update_stores_a_blank_bio_or_image_as_null(api, user, db, blank):
    user.image = "https://i.example/j.png"
    db.session.commit()

    response = api.put("/api/user", user=user, json={"user": {"bio": blank, "image": blank}})

    assert response.status_code == 200
    body = response.get_json()["user"]
    assert body["bio"] is None
    assert body["image"] == default_image(user.email)
    assert db.session.get(User, user.id).about_me is None
    assert db.session.get(User, user.id).image is None


def test_update_refuses_an_image_that_is_not_a_web_address(api, user):
    response = api.put("/api/user", user=user, json={"user": {"image": "javascript:alert(1)"}})

    assert response.status_code == 422
    assert errors(response) == {"image": ["must be an http or https URL"]}


def test_update_refuses_another_users_username_or_email(api, user):
    UserFactory(username="other", email="other@example.com")

    taken_name = api.put("/api/user", user=user, json={"user": {"username": "OTHER"}})
    taken_email = api.put("/api/user", user=user, json={"user": {"email": "other@example.com"}})

    assert taken_name.status_code == taken_email.status_code == 409
    assert errors(taken_name) == {"username": ["has already been taken"]}
    assert errors(taken_email) == {"email": ["has already been taken"]}


def test_update_accepts_the_users_own_username_and_email(api, user):
    response = api.put("/api/user", user=user, json={"user": {"username": "jake", "email": "jake@example.com"}})

    assert response.status_code == 200


def test_update_needs_a_field(api, user):
    response = api.put("/api/user", user=user, json={"user": {}})

    assert response.status_code == 422
    assert errors(response) == {"user": ["must have at least one field to change"]}


def test_update_needs_a_token(api, user):
    response = api.put("/api/user", json={"user": {"bio": "x"}})

    assert response.status_code == 401
    assert errors(response) == {"token": ["is missing"]}


def test_update_of_the_email_is_refused_when_registration_is_closed(app, api, user):
    app.config["FLASKY_CONDUIT_REGISTRATION"] = "closed"

    changed = api.put("/api/user", user=user, json={"user": {"email": "new@example.com"}})
    same = api.put("/api/user", user=user, json={"user": {"email": "JAKE@example.com", "bio": "x"}})

    assert changed.status_code == 422
    assert errors(changed) == {"email": ["can only be changed on the web site, with confirmation by mail"]}
    assert same.status_code == 200


def test_registration_reports_a_taken_username_and_a_taken_email_at_once(api, user):
    response = register(api, username="JAKE", email="jake@example.com")

    assert response.status_code == 409
    assert errors(response) == {"username": ["has already been taken"], "email": ["has already been taken"]}


def test_a_new_password_needs_a_login_in_the_last_ten_minutes(api, user, monkeypatch):
    clock = set_clock(monkeypatch, datetime(2030, 1, 1, 12, 0, 0))
    token = user.generate_auth_token()
    clock.advance(minutes=11)

    refused = api.put("/api/user", token=token, json={"user": {"password": "newpassword"}})

    assert refused.status_code == 403
    assert list(errors(refused)) == ["password"]
    assert api.put("/api/user", token=token, json={"user": {"bio": "Still mine"}}).status_code == 200
    login = api.post("/api/users/login", json={"user": {"email": "jake@example.com", "password": "cat"}})
    fresh = login.json["user"]["token"]
    assert api.put("/api/user", token=fresh, json={"user": {"password": "newpassword"}}).status_code == 200
