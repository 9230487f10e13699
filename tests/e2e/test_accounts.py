"""Accounts in a browser: registering and confirming by mail, logging in and out, resetting a password."""

import pytest

from tests.e2e.pages import HomePage, LoginPage, Navbar, PasswordResetPage, RegisterPage, UnconfirmedPage
from tests.factories import UserFactory
from tests.mailserver import links

pytestmark = pytest.mark.e2e


def mailed_link(mail_server, address: str, path: str) -> str:
    """The link to ``path`` in the newest mail to ``address``, waiting for the mail to arrive."""
    message = mail_server.latest_to(address)
    return next(link for link in links(message) if path in link)


def test_a_new_account_is_confirmed_by_the_link_in_its_confirmation_mail(browser, site, mail_server):
    unconfirmed = RegisterPage(browser, site.url).open().register("ann@example.com", "ann", "correct horse")
    assert "You have not confirmed your account yet." in unconfirmed.text
    browser.get(site.url + "/")
    assert "You have not confirmed your account yet." in UnconfirmedPage(browser, site.url).loaded().text

    browser.get(mailed_link(mail_server, "ann@example.com", "/auth/confirm/"))

    home = HomePage(browser, site.url).loaded()
    assert "You have confirmed your account. Thanks!" in home.flashes[0]
    assert home.heading == "Hello, ann!"
    browser.get(site.url + UnconfirmedPage.path)
    assert HomePage(browser, site.url).loaded().heading == "Hello, ann!"
    assert browser.current_url == site.url + "/"


def test_remember_me_keeps_a_login_until_logout_and_a_wrong_password_is_refused(browser, site, log_in):
    user = UserFactory(username="bob", email="bob@example.com")

    home = log_in(user, remember_me=True)
    assert home.heading == "Hello, bob!"
    assert browser.get_cookie("remember_token") is not None
    browser.delete_cookie("session")
    assert HomePage(browser, site.url).open().heading == "Hello, bob!"

    home = Navbar(browser, site.url).log_out()
    assert "You have been logged out." in home.flashes[0]
    assert home.heading == "Hello, Stranger!"
    assert browser.get_cookie("remember_token") is None

    login = LoginPage(browser, site.url).open().log_in(LoginPage, "bob@example.com", "not my password")
    assert "Invalid email or password." in login.flashes[0]
    assert "Log In" in Navbar(browser, site.url).links


def test_a_forgotten_password_is_reset_through_the_mailed_link(browser, site, mail_server):
    user = UserFactory(username="carol", email="carol@example.com")

    login = LoginPage(browser, site.url).open().forgot_password().request_reset(user.email)
    assert "an email with instructions to reset your password is on its way" in login.flashes[0]
    browser.get(mailed_link(mail_server, "carol@example.com", "/auth/reset/"))
    login = PasswordResetPage(browser, site.url).loaded().choose_password("a brand new secret")

    assert "Your password has been updated." in login.flashes[0]
    login = login.log_in(LoginPage, "carol@example.com", "cat")
    assert "Invalid email or password." in login.flashes[0]
    home = login.log_in(HomePage, "carol@example.com", "a brand new secret")
    assert home.heading == "Hello, carol!"
