"""Two-step sign-in: set-up, codes with drift, replays refused, recovery codes used once, turning it off."""

import base64
import re
from datetime import UTC, datetime

import pyotp
import pytest
from sqlalchemy import select

from app.exceptions import Conflict, Invalid, NotAuthenticated, NotFound, ReauthenticationRequired
from app.extensions import db as _db
from app.models import RecoveryCode
from app.services import sessions, two_factor
from tests.clock import set_clock
from tests.factories import UserFactory

STEP = 30


@pytest.fixture
def clock(monkeypatch):
    return set_clock(monkeypatch, datetime(2030, 1, 1, 12, 0, 5))


def code_at(secret: str, clock, steps: int = 0) -> str:
    """The code an authenticator app shows ``steps`` time steps from the clock's now."""
    return pyotp.TOTP(secret).at(clock.now.replace(tzinfo=UTC), counter_offset=steps)


@pytest.fixture
def user(db):
    return UserFactory(email="ann@example.com", password="cat")


@pytest.fixture
def enrolled(user, clock):
    """``user`` with two-step sign-in on; returns the secret and the recovery codes shown at set-up."""
    secret = two_factor.setup(user).secret
    codes = two_factor.turn_on(user, code_at(secret, clock))
    clock.advance(seconds=STEP)
    return secret, codes


def test_setup_shows_the_secret_a_uri_for_the_app_and_a_local_svg_qr_code(user, app):
    app.config["FLASKY_TOTP_ISSUER"] = "Flasky Test"
    setup = two_factor.setup(user)
    assert len(setup.secret) == 32
    assert setup.uri == pyotp.TOTP(setup.secret).provisioning_uri(name="ann@example.com", issuer_name="Flasky Test")
    qr_svg = setup.qr_svg("QR code for your app")
    assert qr_svg.startswith("<svg")
    assert "<title>QR code for your app</title>" in qr_svg
    assert "http" not in qr_svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_setup_asked_again_shows_the_same_pending_secret(user):
    assert two_factor.setup(user).secret == two_factor.setup(user).secret
    assert not two_factor.is_on(user)


def test_a_wrong_first_code_leaves_it_off(user, clock):
    secret = two_factor.setup(user).secret
    with pytest.raises(Invalid) as refused:
        two_factor.turn_on(user, code_at(secret, clock, steps=5))
    assert "code" in refused.value.errors
    assert not two_factor.is_on(user)


def test_the_first_code_turns_it_on_with_ten_different_recovery_codes_stored_hashed(user, enrolled):
    _secret, codes = enrolled
    assert two_factor.is_on(user)
    assert len(set(codes)) == 10
    stored = set(_db.session.scalars(select(RecoveryCode.code_hash)))
    assert len(stored) == 10
    assert not any(code in digest or code.replace("-", "") in digest for code in codes for digest in stored)
    assert two_factor.recovery_codes_left(user) == 10


def test_setup_when_it_is_on_is_refused(user, enrolled):
    with pytest.raises(Conflict) as refused:
        two_factor.setup(user)
    assert (str(refused.value), refused.value.errors) == (
        "Two-step sign-in is on already.",
        {"two_factor": ["is on already"]},
    )


def test_a_current_code_signs_in_once(user, enrolled, clock):
    secret, _codes = enrolled
    code = code_at(secret, clock)
    assert two_factor.verify(user, code)
    assert not two_factor.verify(user, code)


def test_the_set_up_code_cannot_be_replayed(user, clock):
    secret = two_factor.setup(user).secret
    code = code_at(secret, clock)
    two_factor.turn_on(user, code)
    assert not two_factor.verify(user, code)


@pytest.mark.parametrize(("steps", "accepted"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)])
def test_one_time_step_of_drift_either_way_is_accepted(user, enrolled, clock, steps, accepted):
    secret, _codes = enrolled
    clock.advance(seconds=STEP)
    assert two_factor.verify(user, code_at(secret, clock, steps)) is accepted


def test_after_a_code_no_code_of_an_earlier_step_is_accepted(user, enrolled, clock):
    secret, _codes = enrolled
    assert two_factor.verify(user, code_at(secret, clock, steps=1))
    assert not two_factor.verify(user, code_at(secret, clock))


def test_a_code_is_accepted_with_spaces_as_apps_show_it(user, enrolled, clock):
    secret, _codes = enrolled
    code = code_at(secret, clock)
    assert two_factor.verify(user, f" {code[:3]} {code[3:]} ")


def test_a_recovery_code_signs_in_once_however_it_is_typed(user, enrolled):
    _secret, codes = enrolled
    assert two_factor.verify(user, codes[0].upper().replace("-", " "))
    assert not two_factor.verify(user, codes[0])
    assert two_factor.verify(user, codes[1])
    assert two_factor.recovery_codes_left(user) == 8


@pytest.mark.parametrize("code", [None, "", "12345", "1234567", "abcdef", "١٢٣٤٥٦", 123456, "aaaa-bbbb-cccc-dddd"])
def test_no_code_of_another_shape_signs_in(user, enrolled, code):
    assert not two_factor.verify(user, code)


def test_nothing_signs_in_a_user_who_has_it_off(user, clock):
    secret = two_factor.setup(user).secret
    assert not two_factor.verify(user, code_at(secret, clock))


def test_a_password_sign_in_needs_a_right_code_once_it_is_on(user, enrolled, clock):
    secret, _codes = enrolled
    with pytest.raises(NotAuthenticated) as missing:
        two_factor.require_second_step(user, None)
    assert "code" in missing.value.errors
    with pytest.raises(NotAuthenticated):
        two_factor.require_second_step(user, code_at(secret, clock, steps=3))
    two_factor.require_second_step(user, code_at(secret, clock))


def test_a_password_alone_signs_in_a_user_who_has_it_off(user):
    two_factor.require_second_step(user, None)
    assert two_factor.password_suffices(user)


def test_a_role_that_must_use_it_cannot_sign_in_by_password_until_it_is_on(app, db, clock):
    app.config["FLASKY_REQUIRE_2FA_FOR"] = ["administrator"]
    admin, user = UserFactory(administrator=True), UserFactory()
    assert two_factor.must_set_up(admin)
    assert not two_factor.must_set_up(user)
    with pytest.raises(NotAuthenticated) as refused:
        two_factor.require_second_step(admin, None)
    assert "two_factor" in refused.value.errors
    secret = two_factor.setup(admin).secret
    two_factor.turn_on(admin, code_at(secret, clock))
    assert not two_factor.must_set_up(admin)


def test_turning_it_off_needs_a_recent_sign_in_and_forgets_the_codes(user, enrolled, clock):
    sessions.sign_in(user)
    clock.advance(minutes=11)
    with pytest.raises(ReauthenticationRequired):
        two_factor.turn_off(user)
    assert two_factor.is_on(user)
    sessions.reauthenticate(user, "cat")
    two_factor.turn_off(user)
    assert not two_factor.is_on(user)
    assert two_factor.recovery_codes_left(user) == 0
    assert two_factor.setup(user).secret != enrolled[0]


@pytest.mark.parametrize("set_up", [False, True], ids=["never set up", "on already"])
def test_a_first_code_without_a_pending_secret_asks_to_start_again(user, clock, set_up):
    if set_up:
        two_factor.turn_on(user, code_at(two_factor.setup(user).secret, clock))
    with pytest.raises(NotFound) as refused:
        two_factor.turn_on(user, "123456")
    assert (str(refused.value), refused.value.errors) == (
        "Start the set-up again: no secret awaits its first code.",
        {"two_factor": ["not pending"]},
    )


def test_a_wrong_first_code_says_to_check_the_phones_clock(user, clock):
    secret = two_factor.setup(user).secret
    with pytest.raises(Invalid) as refused:
        two_factor.turn_on(user, code_at(secret, clock, steps=3))
    assert refused.value.errors == {
        "code": ["is not the code your app shows now: check the phone's clock and try again"]
    }


@pytest.mark.parametrize(("code", "problem"), [(None, two_factor.CODE_NEEDED), ("000000", two_factor.CODE_REFUSED)])
def test_a_password_sign_in_says_whether_the_code_is_missing_or_wrong(user, enrolled, code, problem):
    with pytest.raises(NotAuthenticated) as refused:
        two_factor.require_second_step(user, code)
    assert refused.value.errors == {"code": [problem]}


def test_recovery_codes_are_four_groups_of_four_base32_characters(user, enrolled):
    _secret, codes = enrolled
    assert all(re.fullmatch(r"[a-z2-7]{4}(-[a-z2-7]{4}){3}", code) for code in codes)


def test_each_user_signs_in_with_their_own_codes_only(user, enrolled, clock):
    secret, codes = enrolled
    other = UserFactory(email="bob@example.com")
    other_secret = two_factor.setup(other).secret
    other_codes = two_factor.turn_on(other, code_at(other_secret, clock))
    assert not two_factor.verify(other, codes[0])
    assert not two_factor.verify(user, other_codes[0])
    assert two_factor.verify(user, codes[0])
    clock.advance(seconds=STEP)
    assert two_factor.verify(user, code_at(secret, clock))
    assert two_factor.verify(other, code_at(other_secret, clock))
    assert two_factor.recovery_codes_left(other) == 10


def test_a_recovery_code_shows_each_of_its_random_characters_once_in_groups_of_four():
    assert two_factor.format_code(base64.b32decode("ABCDEFGHIJKLMNOP")) == "abcd-efgh-ijkl-mnop"


def test_a_password_alone_does_not_sign_in_a_user_who_has_it_on(user, enrolled):
    assert not two_factor.password_suffices(user)
