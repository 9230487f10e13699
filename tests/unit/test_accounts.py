"""The accounts service as each interface calls it: every field's problem at once, and nothing written on a refusal."""

from datetime import datetime

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.exceptions import Conflict, Invalid, NotAllowed, ReauthenticationRequired
from app.extensions import db as _db
from app.models import Role, User, UserSession
from app.services import accounts, sessions
from app.services.accounts import NOT_YOUR_PASSWORD, TAKEN
from app.validation import STORABLE_RULE, USERNAME_RULE
from tests.clock import set_clock
from tests.factories import UserFactory
from tests.mailserver import MailServer, finish_deliveries

GOOD_PASSWORD = "correct horse"  # noqa: S105
BLANK = "can't be blank"


def mails_to(server: MailServer, address: str) -> list[str]:
    """The subjects of the mails the SMTP server received for ``address``, once every delivery is done."""
    finish_deliveries()
    return [message["Subject"] for message in server.to(address)]


def user_count() -> int:
    return _db.session.scalar(select(func.count()).select_from(User))


def test_register_keeps_the_address_normalised_and_mails_a_confirmation(db, smtp_server: MailServer):
    registration = accounts.register("  Ann@EXAMPLE.com ", " ann ", GOOD_PASSWORD)
    user = _db.session.get(User, registration.user.id)
    assert (user.email, user.username, user.confirmed) == ("Ann@example.com", "ann", False)
    assert user.verify_password(GOOD_PASSWORD)
    assert registration.confirmation is not None
    assert mails_to(smtp_server, "Ann@example.com") == ["[Flasky] Confirm Your Account"]


def test_a_confirmed_registration_mails_no_confirmation(db, smtp_server: MailServer):
    registration = accounts.register("ann@example.com", "ann", GOOD_PASSWORD, confirmed=True)
    assert registration.confirmation is None
    assert _db.session.get(User, registration.user.id).confirmed
    assert mails_to(smtp_server, "ann@example.com") == []


def test_register_reports_every_field_at_once_and_writes_nothing(db):
    with pytest.raises(Invalid) as refused:
        accounts.register("not an address", "9lives", "short")
    assert refused.value.errors == {
        "email": ["is invalid"],
        "username": [USERNAME_RULE],
        "password": ["is too short (minimum is 8 characters)"],
    }
    assert user_count() == 0


@pytest.mark.parametrize("value", [None, "", 42])
def test_register_refuses_missing_fields(db, value):
    with pytest.raises(Invalid) as refused:
        accounts.register(value, value, value)
    assert set(refused.value.errors) == {"email", "username", "password"}
    assert refused.value.errors["password"] == [BLANK]


def test_register_refuses_an_unstorable_password(db):
    with pytest.raises(Invalid) as refused:
        accounts.register("ann@example.com", "ann", "pass\x00word")
    assert refused.value.errors == {"password": [STORABLE_RULE]}


def test_register_refuses_a_too_long_username(db):
    with pytest.raises(Invalid) as refused:
        accounts.register("ann@example.com", "a" * 65, GOOD_PASSWORD)
    assert refused.value.errors == {"username": ["is too long (maximum is 64 characters)"]}


def test_register_names_every_field_another_account_has_in_any_case(db):
    UserFactory(email="ann@example.com", username="ann")
    with pytest.raises(Conflict) as refused:
        accounts.register("ANN@example.com", "ANN", GOOD_PASSWORD)
    assert refused.value.errors == {"email": [TAKEN], "username": [TAKEN]}
    with pytest.raises(Conflict) as refused:
        accounts.register("bob@example.com", "Ann", GOOD_PASSWORD)
    assert refused.value.errors == {"username": [TAKEN]}
    assert user_count() == 1


def test_open_registration_cannot_take_the_administrators_address(app: Flask, db, smtp_server: MailServer):
    app.config["FLASKY_ADMIN"] = "Boss@example.com"
    with pytest.raises(Invalid) as refused:
        accounts.register(" boss@EXAMPLE.com", "boss", GOOD_PASSWORD, confirmed=True)
    assert list(refused.value.errors) == ["email"]
    assert user_count() == 0
    user = accounts.register("boss@example.com", "boss", GOOD_PASSWORD).user
    assert user.is_administrator()
    assert sorted(mails_to(smtp_server, "Boss@example.com")) == ["[Flasky] Confirm Your Account", "[Flasky] New User"]


def test_with_no_administrator_configured_no_address_is_reserved(app: Flask, db):
    app.config["FLASKY_ADMIN"] = ""
    assert not accounts.is_admin_address("")
    assert accounts.register("ann@example.com", "ann", GOOD_PASSWORD, confirmed=True).user.confirmed


def test_authenticate_needs_the_right_address_and_password(db):
    user = UserFactory(email="ann@example.com", password=GOOD_PASSWORD)
    assert accounts.authenticate("ann@example.com", GOOD_PASSWORD) == user
    assert accounts.authenticate("ann@example.com", "wrong password") is None
    assert accounts.authenticate("bob@example.com", GOOD_PASSWORD) is None
    assert accounts.authenticate(None, GOOD_PASSWORD) is None
    assert accounts.authenticate("ann@example.com", None) is None


def test_confirm_takes_only_the_users_own_token(db):
    ann, bob = UserFactory(confirmed=False), UserFactory(confirmed=False)
    assert not accounts.confirm(ann, bob.generate_confirmation_token())
    assert accounts.confirm(ann, ann.generate_confirmation_token())
    _db.session.rollback()
    assert _db.session.get(User, ann.id).confirmed
    assert not _db.session.get(User, bob.id).confirmed


def test_resend_confirmation_mails_the_user(db, smtp_server: MailServer):
    user = UserFactory(email="ann@example.com", confirmed=False)
    accounts.resend_confirmation(user)
    _db.session.rollback()
    assert mails_to(smtp_server, "ann@example.com") == ["[Flasky] Confirm Your Account"]


def test_change_password_needs_the_current_one_and_reports_both_fields(db):
    user = UserFactory(password=GOOD_PASSWORD)
    with pytest.raises(Invalid) as refused:
        accounts.change_password(user, "wrong password", "short")
    assert refused.value.errors == {
        "old_password": [NOT_YOUR_PASSWORD],
        "password": ["is too short (minimum is 8 characters)"],
    }
    with pytest.raises(Invalid) as refused:
        accounts.change_password(user, None, "another good one")
    assert refused.value.errors == {"old_password": [NOT_YOUR_PASSWORD]}
    _db.session.rollback()
    assert _db.session.get(User, user.id).verify_password(GOOD_PASSWORD)


def test_change_password_sets_the_new_one(db):
    user = UserFactory(password=GOOD_PASSWORD)
    accounts.change_password(user, GOOD_PASSWORD, "another good one")
    _db.session.rollback()
    assert _db.session.get(User, user.id).verify_password("another good one")
    assert not user.verify_password(GOOD_PASSWORD)


def test_a_reset_request_mails_only_an_account_that_has_the_address(db, smtp_server: MailServer):
    UserFactory(email="ann@example.com")
    accounts.request_password_reset(" ann@example.com ")
    accounts.request_password_reset("bob@example.com")
    _db.session.rollback()
    assert mails_to(smtp_server, "ann@example.com") == ["[Flasky] Reset Your Password"]
    assert mails_to(smtp_server, "bob@example.com") == []
    with pytest.raises(Invalid) as refused:
        accounts.request_password_reset("no address")
    assert refused.value.errors == {"email": ["is invalid"]}


def test_reset_password_checks_the_password_then_the_token(db):
    user = UserFactory(password=GOOD_PASSWORD)
    with pytest.raises(Invalid) as refused:
        accounts.reset_password(user.generate_reset_token(), "short")
    assert refused.value.errors == {"password": ["is too short (minimum is 8 characters)"]}
    with pytest.raises(Invalid) as refused:
        accounts.reset_password("not a token", "another good one")
    assert refused.value.errors == {"token": ["is invalid or has expired"]}
    assert refused.value.message == "The password reset link is invalid or has expired."
    accounts.reset_password(user.generate_reset_token(), "another good one")
    _db.session.rollback()
    assert _db.session.get(User, user.id).verify_password("another good one")


def test_an_email_change_needs_the_password_and_a_free_address(db, smtp_server: MailServer):
    user = UserFactory(email="ann@example.com", password=GOOD_PASSWORD)
    UserFactory(email="bob@example.com")
    with pytest.raises(Invalid) as refused:
        accounts.request_email_change(user, "no address", "wrong password")
    assert refused.value.errors == {"email": ["is invalid"], "password": [NOT_YOUR_PASSWORD]}
    with pytest.raises(Invalid) as refused:
        accounts.request_email_change(user, "new@example.com", None)
    assert refused.value.errors == {"password": [NOT_YOUR_PASSWORD]}
    with pytest.raises(Conflict) as refused:
        accounts.request_email_change(user, "BOB@example.com", GOOD_PASSWORD)
    assert refused.value.errors == {"email": [TAKEN]}
    accounts.request_email_change(user, " new@EXAMPLE.com", GOOD_PASSWORD)
    accounts.request_email_change(user, "ANN@example.com", GOOD_PASSWORD)
    _db.session.rollback()
    assert mails_to(smtp_server, "new@example.com") == ["[Flasky] Confirm Your Email Address"]
    assert mails_to(smtp_server, "ANN@example.com") == ["[Flasky] Confirm Your Email Address"]
    assert _db.session.get(User, user.id).email == "ann@example.com"


def test_change_email_moves_the_account_only_with_its_own_token(db):
    ann, bob = UserFactory(email="ann@example.com"), UserFactory(email="bob@example.com")
    assert not accounts.change_email(ann, bob.generate_email_change_token("new@example.com"))
    assert accounts.change_email(ann, ann.generate_email_change_token("new@example.com"))
    _db.session.rollback()
    assert _db.session.get(User, ann.id).email == "new@example.com"


def test_update_account_sets_profile_fields_and_clears_blank_ones(app: Flask, db):
    user = UserFactory(name="Ann", location="Paris")
    accounts.update_account(user, user, {"image": "http://example.com/a.png"})
    assert _db.session.get(User, user.id).image == "http://example.com/a.png"
    accounts.update_account(
        user,
        user,
        {"name": "Ann Smith", "location": "  ", "image": "HTTPS://example.com/a.png", "locale": "es"},
    )
    _db.session.rollback()
    saved = _db.session.get(User, user.id)
    assert (saved.name, saved.location, saved.image, saved.locale) == (
        "Ann Smith",
        None,
        "HTTPS://example.com/a.png",
        "es",
    )
    accounts.update_account(user, user, {"locale": ""})
    assert _db.session.get(User, user.id).locale is None


def test_update_account_reports_every_bad_field(app: Flask, db):
    user = UserFactory()
    with pytest.raises(Invalid) as refused:
        accounts.update_account(
            user,
            user,
            {"image": "javascript:alert(1)", "locale": "xx", "username": "9lives", "email": "no", "password": "x"},
        )
    assert refused.value.errors == {
        "email": ["is invalid"],
        "username": [USERNAME_RULE],
        "password": ["is too short (minimum is 8 characters)"],
        "image": ["must be an http or https URL"],
        "locale": ["is not a language this site speaks"],
    }
    with pytest.raises(Invalid) as refused:
        accounts.update_account(user, user, {"name": "x" * 65})
    assert refused.value.errors == {"name": ["is too long (maximum is 64 characters)"]}


def test_only_administrators_change_other_accounts_roles_and_confirmations(db):
    user, other = UserFactory(), UserFactory(confirmed=False)
    with pytest.raises(NotAllowed) as refused:
        accounts.update_account(user, other, {"name": "Mallory"})
    assert (refused.value.message, refused.value.errors) == (
        "Only administrators change other users' accounts.",
        {"user": ["forbidden"]},
    )
    for field, value in (("confirmed", True), ("role_id", 1)):
        with pytest.raises(NotAllowed) as refused:
            accounts.update_account(user, user, {field: value})
        assert (refused.value.message, refused.value.errors) == (
            "Only administrators change roles and confirmations.",
            {"user": ["forbidden"]},
        )
    admin = UserFactory(role=Role.query.filter_by(name="Administrator").one())
    moderator = Role.query.filter_by(name="Moderator").one()
    accounts.update_account(admin, other, {"confirmed": 1, "role_id": moderator.id, "name": "Renamed"})
    _db.session.rollback()
    saved = _db.session.get(User, other.id)
    assert (saved.confirmed, saved.role, saved.name) == (True, moderator, "Renamed")
    with pytest.raises(Invalid) as refused:
        accounts.update_account(admin, other, {"role_id": 999})
    assert refused.value.errors == {"role_id": ["is not a role"]}


def test_only_the_administrators_account_takes_the_administrators_address(app: Flask, db):
    app.config["FLASKY_ADMIN"] = "boss@example.com"
    user = UserFactory()
    with pytest.raises(Invalid) as refused:
        accounts.update_account(user, user, {"email": "BOSS@example.com"})
    assert refused.value.errors == {"email": ["is reserved: only the administrator's own account can have it"]}
    admin = UserFactory(role=Role.query.filter_by(name="Administrator").one())
    accounts.update_account(admin, user, {"email": "boss@example.com"})
    assert _db.session.get(User, user.id).email == "boss@example.com"


def test_update_account_refuses_what_another_account_has_but_not_the_users_own(db):
    user = UserFactory(email="ann@example.com", username="ann")
    UserFactory(email="bob@example.com", username="bob")
    with pytest.raises(Conflict) as refused:
        accounts.update_account(user, user, {"email": "Bob@example.com", "username": "BOB"})
    assert refused.value.errors == {"email": [TAKEN], "username": [TAKEN]}
    accounts.update_account(user, user, {"email": "ANN@example.com", "username": "Ann"})
    _db.session.rollback()
    saved = _db.session.get(User, user.id)
    assert (saved.email, saved.username) == ("ANN@example.com", "Ann")


def test_a_new_address_or_password_ends_the_other_sessions_and_needs_a_recent_sign_in(app: Flask, db, monkeypatch):
    clock = set_clock(monkeypatch, datetime(2030, 1, 1, 12, 0, 0))
    user = UserFactory(email="ann@example.com")
    current = sessions.sign_in(user)
    token = user.generate_auth_token()
    accounts.update_account(user, user, {"email": "ANN@example.com", "name": "Ann"})
    assert User.verify_auth_token(token) == user
    accounts.update_account(user, user, {"email": "new@example.com"})
    assert User.verify_auth_token(token) is None
    token = user.generate_auth_token()
    accounts.update_account(user, user, {"password": "another good one"})
    assert User.verify_auth_token(token) is None
    assert _db.session.get(UserSession, current.id).revoked_at is None
    clock.advance(seconds=app.config["FLASKY_REAUTHENTICATE_AFTER"] + 1)
    accounts.update_account(user, user, {"email": "NEW@example.com"})
    for changes in ({"email": "other@example.com"}, {"password": "a third good one"}):
        with pytest.raises(ReauthenticationRequired):
            accounts.update_account(user, user, changes)
    admin = UserFactory(role=Role.query.filter_by(name="Administrator").one())
    accounts.update_account(admin, user, {"email": "other@example.com"})
    assert _db.session.get(User, user.id).email == "other@example.com"


def test_authenticate_reads_the_role_and_two_step_settings_in_its_one_query(db, count_queries):
    """A sign-in reads both next: one statement for the lot keeps every login to a fixed number of queries."""
    UserFactory(email="ann@example.com", password=GOOD_PASSWORD)
    with count_queries() as log:
        user = accounts.authenticate("ann@example.com", GOOD_PASSWORD)
        assert (user.role.name, user.two_factor) == ("User", None)
    assert log.count == 1
