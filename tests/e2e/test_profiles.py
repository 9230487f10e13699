"""Profiles in a browser: users edit their own, administrators edit anyone's role."""

import pytest
from selenium.webdriver.common.by import By

from tests.e2e.pages import Navbar, ProfilePage
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e


def test_a_user_edits_their_profile_and_sees_it(browser, site, log_in):
    log_in(UserFactory(username="ada", name=None, location=None, about_me=None))

    editor = Navbar(browser, site.url).profile().edit_profile()
    profile = editor.save(name="Ada Lovelace", location="London", about_me="I write *programs*.")

    assert "Your profile has been updated." in profile.flashes[0]
    assert profile.name == "Ada Lovelace"
    assert profile.location == "London"
    assert profile.about_me.find_element(By.TAG_NAME, "em").text == "programs"


def test_an_administrator_makes_a_user_a_moderator(browser, site, log_in):
    user = UserFactory(username="promoted")
    log_in(UserFactory(username="admin", administrator=True))

    editor = ProfilePage(browser, site.url).open(username="promoted").edit_profile_as_administrator()
    assert editor.role == "User"
    profile = editor.save(role="Moderator")

    assert "The profile has been updated." in profile.flashes[0]
    assert profile.edit_profile_as_administrator().role == "Moderator"
    Navbar(browser, site.url).log_out()
    log_in(user)
    assert "Moderate Comments" in Navbar(browser, site.url).links
