"""Two-step sign-in in a browser: turned on from the Security page, then asked for at the next login."""

import time

import pyotp
import pytest

from app.extensions import db
from app.models import TwoFactor
from tests.e2e.pages import HomePage, LoginCodePage, LoginPage, Navbar, SecurityPage
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e


def next_unused_code(secret: str, user_id: int) -> str:
    """The code of the current time step, or of the next one if the current one was used (as set-up may have)."""
    db.session.rollback()
    last_used = db.session.get(TwoFactor, user_id).last_used_step
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(max(totp.timecode(time.time()), last_used + 1))


def test_two_step_sign_in_is_turned_on_and_then_asked_for_after_the_password(browser, site, log_in):
    user = UserFactory(username="dana", email="dana@example.com")
    log_in(user)

    security = SecurityPage(browser, site.url).open()
    assert security.two_factor_status.startswith("Off")
    setup = security.set_up_two_factor()
    assert setup.shows_qr_code
    secret = setup.secret
    recovery = setup.turn_on(pyotp.TOTP(secret).now())
    assert len(recovery.codes) == 10
    security = recovery.saved_them()
    assert security.two_factor_status.startswith("On")
    assert len(security.marked_current) == 1

    Navbar(browser, site.url).log_out()
    code_page = LoginPage(browser, site.url).open().log_in(LoginCodePage, "dana@example.com", "cat")
    home = code_page.enter(HomePage, next_unused_code(secret, user.id))

    assert home.heading == "Hello, dana!"
