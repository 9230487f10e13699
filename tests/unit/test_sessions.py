"""Sessions and tokens as rows: opaque credentials, expiry, revocation, kinds, last use, recent sign-ins, purging."""

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.converters import LARGEST_ID
from app.exceptions import Invalid, NotFound, ReauthenticationRequired
from app.extensions import db as _db
from app.models import SessionKind, User, UserSession
from app.models.session import TOKEN_KINDS, WEB_KINDS, parse_credential, secret_digest
from app.services import sessions
from app.services.accounts import NOT_YOUR_PASSWORD
from tests.clock import set_clock
from tests.factories import UserFactory

bounded = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@pytest.fixture
def clock(monkeypatch):
    return set_clock(monkeypatch, datetime(2030, 1, 1, 12, 0, 0))


def session_count() -> int:
    return _db.session.scalar(select(func.count()).select_from(UserSession))


def test_a_credential_names_its_row_which_keeps_only_a_digest_of_the_secret(db):
    user = UserFactory()
    row = sessions.sign_in(user)
    session_id, _, secret = user.get_id().partition(".")
    assert int(session_id) == row.id
    assert row.secret_hash == secret_digest(secret) != secret
    assert UserSession.find(user.get_id(), WEB_KINDS) is row


def test_an_api_token_is_an_open_row_that_expires_when_asked(db, clock):
    user = UserFactory()
    token = user.generate_auth_token(expiration=60)
    row = UserSession.find(token, TOKEN_KINDS)
    assert (row.kind, row.user, row.expires_at) == (SessionKind.API, user, clock.now.replace(minute=1))
    assert row.created_at == row.signed_in_at == row.last_used_at == clock.now
    clock.advance(seconds=60)
    assert UserSession.find(token, TOKEN_KINDS) is None


def test_a_revoked_session_is_refused_at_once(db):
    user = UserFactory()
    token = user.generate_auth_token()
    sessions.revoke(user, UserSession.find(token, TOKEN_KINDS).id)
    assert User.verify_auth_token(token) is None


def test_a_revocation_made_elsewhere_is_seen_though_the_row_was_loaded(db):
    user = UserFactory()
    token = user.generate_auth_token()
    row = UserSession.find(token, TOKEN_KINDS)
    _db.session.execute(UserSession.__table__.update().values(revoked_at=datetime(2000, 1, 1)))
    assert row.revoked_at is None
    assert UserSession.find(token, TOKEN_KINDS) is None


def test_a_web_session_is_no_token_and_a_token_no_web_session(db):
    user = UserFactory()
    token = user.generate_auth_token()
    sessions.sign_in(user)
    assert UserSession.find(token, WEB_KINDS) is None
    assert UserSession.find(user.get_id(), TOKEN_KINDS) is None


def test_nobody_may_revoke_another_users_session(db):
    owner, other = UserFactory(), UserFactory()
    token = owner.generate_auth_token()
    with pytest.raises(NotFound):
        sessions.revoke(other, UserSession.find(token, TOKEN_KINDS).id)
    assert User.verify_auth_token(token) == owner


@bounded
@given(index=st.integers(0, 2**16 - 1), shift=st.integers(1, len(URL_SAFE) - 1))
def test_a_changed_character_of_the_secret_is_refused(db, index, shift):
    # The draws have fixed bounds: each token differs, and Hypothesis refuses draws whose bounds change.
    token = UserFactory().generate_auth_token()
    secret_start = token.index(".") + 1
    position = secret_start + index % (len(token) - secret_start)
    replacement = URL_SAFE[(URL_SAFE.index(token[position]) + shift) % len(URL_SAFE)]
    assert User.verify_auth_token(token[:position] + replacement + token[position + 1 :]) is None


@bounded
@given(credential=st.one_of(st.none(), st.integers(), st.text(), st.text(alphabet="0123456789." + URL_SAFE)))
def test_damaged_credentials_are_refused_without_raising(db, credential):
    assert UserSession.find(credential, TOKEN_KINDS | WEB_KINDS) is None


@pytest.mark.parametrize("credential", ["", ".", "1.", ".secret", "１.secret", "99999999999.secret", "1." + "a" * 65])
def test_credentials_no_row_could_have_made_are_not_parsed(credential):
    assert parse_credential(credential) is None


@pytest.mark.parametrize("secret", ["a", "a" * 64])
def test_the_largest_id_and_secrets_of_one_to_64_characters_are_parsed(secret):
    assert parse_credential(f"{LARGEST_ID}.{secret}") == (LARGEST_ID, secret)
    assert parse_credential(f"{LARGEST_ID + 1}.{secret}") is None


def test_a_row_is_touched_once_a_minute(db, clock):
    row = UserSession.find(UserFactory().generate_auth_token(), TOKEN_KINDS)
    clock.advance(seconds=59)
    assert row.touch() is False
    clock.advance(seconds=1)
    assert row.touch() is True
    assert row.last_used_at == clock.now


@pytest.mark.parametrize("kinds", [TOKEN_KINDS, WEB_KINDS])
def test_finding_a_session_loads_its_user_and_role_in_one_statement(db, count_queries, kinds):
    user = UserFactory()
    credential = user.generate_auth_token() if kinds == TOKEN_KINDS else sessions.sign_in(user).user.get_id()
    with count_queries() as log:
        assert UserSession.find(credential, kinds).user.role.name == "User"
    assert log.count == 1, log


def test_last_use_is_written_at_most_once_a_minute(db, clock):
    user = UserFactory()
    token = user.generate_auth_token()
    clock.advance(seconds=59)
    assert sessions.resume(token, TOKEN_KINDS).last_used_at == clock.now.replace(second=0)
    clock.advance(seconds=1)
    assert sessions.resume(token, TOKEN_KINDS).last_used_at == clock.now


def test_a_row_notes_the_user_agent_and_address_of_the_request_that_opened_it(app, db):
    user = UserFactory()
    with app.test_request_context(
        headers={"User-Agent": "Firefox/140 " + "x" * 300}, environ_base={"REMOTE_ADDR": "192.0.2.7"}
    ):
        row = UserSession.find(user.generate_auth_token(), TOKEN_KINDS)
    assert row.user_agent.startswith("Firefox/140 ")
    assert len(row.user_agent) == 256
    assert row.client_address == "192.0.2.7"


def test_an_address_too_long_for_its_column_is_clipped(app, db):
    with app.test_request_context(environ_base={"REMOTE_ADDR": "2001:db8::" + "f" * 60}):
        row = UserSession.find(UserFactory().generate_auth_token(), TOKEN_KINDS)
    assert row.client_address == ("2001:db8::" + "f" * 60)[:45]


def test_active_sessions_lists_open_rows_most_recently_used_first(db, clock):
    user = UserFactory()
    older = UserSession.find(user.generate_auth_token(), TOKEN_KINDS).id
    clock.advance(minutes=2)
    newer = sessions.sign_in(user).id
    sessions.revoke(user, UserSession.find(user.generate_auth_token(), TOKEN_KINDS).id)
    UserFactory().generate_auth_token()
    assert [row.id for row in sessions.active_sessions(user)] == [newer, older]


def test_a_sign_in_is_recent_for_ten_minutes_then_the_password_renews_it(db, clock):
    user = UserFactory(password="cat")
    sessions.sign_in(user)
    clock.advance(minutes=10)
    sessions.require_recent_sign_in(user)
    clock.advance(seconds=1)
    with pytest.raises(ReauthenticationRequired) as refused:
        sessions.require_recent_sign_in(user)
    assert "password" in refused.value.errors
    with pytest.raises(Invalid):
        sessions.reauthenticate(user, "dog")
    sessions.reauthenticate(user, "cat")
    sessions.require_recent_sign_in(user)


def test_ending_the_others_keeps_the_current_session_only(db, clock):
    user = UserFactory()
    token = user.generate_auth_token()
    sessions.sign_in(user)
    assert sessions.revoke_others(user) == 1
    assert User.verify_auth_token(token) is None
    assert [row.id for row in sessions.active_sessions(user)] == [sessions.current().id]


def test_purge_deletes_expired_and_revoked_rows_and_keeps_open_ones(db, clock):
    user = UserFactory()
    user.generate_auth_token(expiration=1)
    sessions.revoke(user, UserSession.find(user.generate_auth_token(), TOKEN_KINDS).id)
    kept = user.generate_auth_token()
    clock.advance(seconds=1)
    assert sessions.purge() == 2
    assert session_count() == 1
    assert User.verify_auth_token(kept) == user


def test_deleting_a_user_deletes_their_sessions(db):
    user = UserFactory()
    user.generate_auth_token()
    sessions.sign_in(user)
    _db.session.delete(user)
    _db.session.commit()
    assert session_count() == 0


@pytest.mark.parametrize(
    ("options", "kind", "lifetime"),
    [({}, SessionKind.WEB, timedelta(days=31)), ({"remember": True}, SessionKind.REMEMBER, timedelta(days=365))],
)
def test_a_sign_in_opens_a_web_session_or_with_remember_me_a_longer_one(db, clock, options, kind, lifetime):
    row = sessions.sign_in(UserFactory(), **options)
    assert (row.kind, row.expires_at, row.created_at) == (kind, clock.now + lifetime, clock.now)


@pytest.mark.parametrize(
    ("kind", "expiration", "lifetime"),
    [
        (SessionKind.API, None, timedelta(hours=1)),
        (SessionKind.CONDUIT, None, timedelta(days=1)),
        (SessionKind.API, 90, timedelta(seconds=90)),
    ],
)
def test_an_issued_token_lasts_the_configured_time_or_the_time_asked(db, clock, kind, expiration, lifetime):
    user = UserFactory()
    row = UserSession.find(sessions.issue_token(user, kind, expiration), frozenset({kind}))
    assert (row.user, row.expires_at) == (user, clock.now + lifetime)


def test_a_resumed_credential_is_the_requests_current_session_and_the_users_id(db):
    user = UserFactory()
    token = user.generate_auth_token()
    row = sessions.resume(token, TOKEN_KINDS)
    assert sessions.current() is row
    assert user.get_id() == token


def test_signing_out_ends_the_current_session_only(db):
    user = UserFactory()
    token = user.generate_auth_token()
    sessions.sign_in(user)
    credential = user.get_id()
    sessions.sign_out()
    assert sessions.current() is None
    assert UserSession.find(credential, WEB_KINDS) is None
    assert User.verify_auth_token(token) == user


def test_active_sessions_order_by_last_use_then_newest(db, clock):
    user = UserFactory()
    first, second, third = (user.generate_auth_token() for _ in range(3))
    clock.advance(minutes=2)
    sessions.resume(first, TOKEN_KINDS)
    ids = [UserSession.find(token, TOKEN_KINDS).id for token in (first, third, second)]
    assert [row.id for row in sessions.active_sessions(user)] == ids


def test_revoking_an_ended_session_says_so(db):
    user = UserFactory()
    row = UserSession.find(user.generate_auth_token(), TOKEN_KINDS)
    sessions.revoke(user, row.id)
    with pytest.raises(NotFound) as refused:
        sessions.revoke(user, row.id)
    assert str(refused.value) == "That session has ended already, or is not yours."
    assert refused.value.errors == {"session": ["not found"]}


def test_ending_the_others_leaves_other_users_and_counts_only_open_sessions(db):
    user, other = UserFactory(), UserFactory()
    others_token = other.generate_auth_token()
    sessions.revoke(user, UserSession.find(user.generate_auth_token(), TOKEN_KINDS).id)
    user.generate_auth_token()
    sessions.sign_in(user)
    assert sessions.revoke_others(user) == 1
    assert User.verify_auth_token(others_token) == other


def test_without_a_current_session_of_the_user_every_session_of_theirs_ends(db):
    user, other = UserFactory(), UserFactory()
    tokens = [user.generate_auth_token(), user.generate_auth_token()]
    assert sessions.end_other_sessions(user) == 2
    sessions.sign_in(other)
    assert sessions.end_other_sessions(other) == 0
    assert [User.verify_auth_token(token) for token in tokens] == [None, None]


def test_ending_all_sessions_ends_the_current_one_too_and_no_one_elses(db):
    user, other = UserFactory(), UserFactory()
    others_token = other.generate_auth_token()
    user.generate_auth_token()
    sessions.sign_in(user)
    assert sessions.end_all_sessions(user) == 2
    assert sessions.active_sessions(user) == []
    assert User.verify_auth_token(others_token) == other


def test_a_request_that_sent_the_password_or_is_anothers_session_counts_as_a_recent_sign_in(db, clock):
    user, admin = UserFactory(), UserFactory()
    sessions.require_recent_sign_in(user)
    sessions.sign_in(admin)
    clock.advance(hours=1)
    sessions.require_recent_sign_in(user)
    with pytest.raises(ReauthenticationRequired):
        sessions.require_recent_sign_in(admin)


def test_an_old_sign_in_is_refused_with_how_long_a_sign_in_stays_recent(db, clock):
    user = UserFactory(password="cat")
    sessions.sign_in(user)
    clock.advance(minutes=11)
    with pytest.raises(ReauthenticationRequired) as refused:
        sessions.require_recent_sign_in(user)
    assert str(refused.value) == "Confirm your password first: you signed in more than 10 minutes ago."
    assert refused.value.errors == {"password": ["must be given again: you signed in more than 10 minutes ago"]}
    with pytest.raises(Invalid) as wrong:
        sessions.reauthenticate(user, "dog")
    assert wrong.value.errors == {"password": [NOT_YOUR_PASSWORD]}
