"""Properties of every signed token kind: round trips, tampering, crossed purposes and users, expiry, damage.

API tokens are no signed tokens but rows (``tests/unit/test_sessions.py``); damaged ones are refused here too.
"""

import string
import time
from collections.abc import Sequence
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import DataObject

from app.extensions import db as _db
from app.models import User
from app.tokens import load_token
from tests.factories import UserFactory

# The fixtures are set up once per test, not per example: each example makes its own users.
bounded = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

BASE64_URL_ALPHABET = string.ascii_letters + string.digits + "-_"
new_emails = st.from_regex(r"[a-z0-9]{1,20}\.[a-z0-9]{1,10}@[a-z]{1,12}\.(com|org|net)", fullmatch=True)


PURPOSES = ["confirm", "reset", "change-email"]
purposes = st.sampled_from(PURPOSES)


def make_token(purpose: str, user: User, new_email: str, expiration: int = 3600) -> str:
    """A token of ``purpose`` for ``user``, made the way the application makes it."""
    match purpose:
        case "confirm":
            return user.generate_confirmation_token(expiration)
        case "reset":
            return user.generate_reset_token(expiration)
        case "change-email":
            return user.generate_email_change_token(new_email, expiration)
    raise AssertionError(purpose)


def accepted(purpose: str, user: User, token, new_email: str) -> bool:
    """Whether the application acts on ``token`` for ``user`` the way a ``purpose`` token asks."""
    match purpose:
        case "confirm":
            return user.confirm(token) and user.confirmed
        case "reset":
            return User.reset_password(token, "a new password") and user.verify_password("a new password")
        case "change-email":
            return user.change_email(token) and user.email == new_email
    raise AssertionError(purpose)


def fresh_user() -> User:
    """An unconfirmed user whose password is "cat", so every kind of token has something to change."""
    return UserFactory(unconfirmed=True)


# A token changes with the clock, the user's id and the salt of the password hash, so nothing an example draws may
# depend on it: Hypothesis replays examples and refuses draws whose bounds or filters differ (FlakyStrategyDefinition).
# A draw picks an index in fixed bounds, and the token's own length maps it to a place.
INDICES = st.integers(min_value=0, max_value=2**16 - 1)
T = TypeVar("T")


def choose(data: DataObject, options: Sequence[T], label: str) -> T:
    """One of ``options``, drawn the same way whatever they are."""
    return options[data.draw(INDICES, label=label) % len(options)]


def tamper(token: str, data: DataObject) -> str:
    """Change one character of the payload or the timestamp, never the signature."""
    payload, timestamp, _signature = token.rsplit(".", 2)
    segment = data.draw(st.sampled_from(["payload", "timestamp"]), label="segment")
    start = 0 if segment == "payload" else len(payload) + 1
    end = len(payload) if segment == "payload" else len(payload) + 1 + len(timestamp)
    position = choose(data, [i for i in range(start, end) if token[i] != "."], label="position")
    # Every other character of the alphabet is one shift away, so no draw is ever filtered out.
    shift = data.draw(st.integers(1, len(BASE64_URL_ALPHABET) - 1), label="shift")
    replacement = BASE64_URL_ALPHABET[(BASE64_URL_ALPHABET.index(token[position]) + shift) % len(BASE64_URL_ALPHABET)]
    return token[:position] + replacement + token[position + 1 :]


@bounded
@given(purpose=purposes, new_email=new_emails)
def test_every_token_round_trips_for_any_user(db, purpose, new_email):
    user = fresh_user()
    token = make_token(purpose, user, new_email)
    assert load_token(purpose, token) is not None
    assert accepted(purpose, user, token, new_email)


@bounded
@given(purpose=purposes, new_email=new_emails, data=st.data())
def test_changed_payload_or_timestamp_is_refused(db, purpose, new_email, data):
    user = fresh_user()
    tampered = tamper(make_token(purpose, user, new_email), data)
    assert load_token(purpose, tampered) is None
    assert not accepted(purpose, user, tampered, new_email)


@bounded
@given(pair=st.permutations(PURPOSES).map(lambda shuffled: shuffled[:2]), new_email=new_emails)
def test_token_of_one_purpose_serves_no_other(db, pair, new_email):
    purpose, other = pair
    user = fresh_user()
    token = make_token(purpose, user, new_email)
    assert load_token(other, token) is None
    assert not accepted(other, user, token, new_email)


@bounded
@given(purpose=st.sampled_from(["confirm", "change-email"]), new_email=new_emails)
def test_token_of_one_user_is_refused_by_another(db, purpose, new_email):
    owner, other = fresh_user(), fresh_user()
    assert not accepted(purpose, other, make_token(purpose, owner, new_email), new_email)


@bounded
@given(new_email=new_emails)
def test_reset_and_auth_tokens_act_only_for_their_own_user(db, new_email):
    owner, other = fresh_user(), fresh_user()
    assert User.verify_auth_token(owner.generate_auth_token()) == owner
    assert User.reset_password(owner.generate_reset_token(), "a new password")
    assert owner.verify_password("a new password")
    assert other.verify_password("cat")
    assert not other.verify_password("a new password")


@bounded
@given(purpose=purposes, new_email=new_emails, start=st.integers(1_000_000_000, 4_000_000_000))
def test_token_made_with_expiration_1_is_refused_after_2_seconds(db, purpose, new_email, start):
    user = fresh_user()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(time, "time", lambda: start)
        token = make_token(purpose, user, new_email, expiration=1)
        patch.setattr(time, "time", lambda: start + 1)
        assert load_token(purpose, token) is not None
        patch.setattr(time, "time", lambda: start + 2)
        assert load_token(purpose, token) is None
        assert not accepted(purpose, user, token, new_email)


damaged_tokens = st.one_of(
    st.none(),
    st.text(),
    st.binary(),
    st.text(alphabet=BASE64_URL_ALPHABET + ".", max_size=200),
)


@bounded
@given(token=damaged_tokens)
def test_damaged_tokens_never_raise(db, token):
    user = fresh_user()
    for purpose in PURPOSES:
        assert load_token(purpose, token) is None
    assert user.confirm(token) is False
    assert User.reset_password(token, "dog") is False
    assert user.change_email(token) is False
    assert User.verify_auth_token(token) is None
    _db.session.rollback()


@bounded
@given(purpose=purposes, new_email=new_emails, data=st.data())
def test_truncated_tokens_are_refused_without_raising(db, purpose, new_email, data):
    user = fresh_user()
    token = make_token(purpose, user, new_email)
    cut = choose(data, range(len(token)), label="cut")
    assert load_token(purpose, token[:cut]) is None
    assert not accepted(purpose, user, token[:cut], new_email)


def test_token_signed_with_another_secret_key_is_refused(app, db):
    user = fresh_user()
    token = user.generate_reset_token()
    app.config["SECRET_KEY"] = "a different key"
    assert User.user_for_reset_token(token) is None
