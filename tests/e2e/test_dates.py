"""Dates in a browser: moment.js, served by the app itself, shows them in the reader's time zone."""

from datetime import datetime

import pytest
from selenium.webdriver.common.by import By

from tests.e2e.pages import HomePage, ProfilePage
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.e2e


def in_time_zone(browser, time_zone: str) -> None:
    """Make the browser believe it is somewhere else, as a reader there would see the site."""
    browser.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": time_zone})


def test_member_since_is_formatted_in_the_browsers_time_zone(browser, site):
    UserFactory(username="early", member_since=datetime(2024, 1, 1, 20, 30))
    in_time_zone(browser, "Asia/Tokyo")

    since = ProfilePage(browser, site.url).open(username="early").member_since

    assert since.get_attribute("data-timestamp") == "2024-01-01T20:30:00Z"
    assert since.text == "January 2, 2024 5:30 AM"


def test_a_new_posts_date_reads_as_moments_ago_with_moment_js_from_the_app(browser, site):
    PostFactory(body="Fresh off the press")

    home = HomePage(browser, site.url).open()

    assert home.element((By.CSS_SELECTOR, "li.post .post-date span")).text == "a few seconds ago"
    scripts = home.run_script("return Array.from(document.scripts, (script) => script.src).filter(Boolean)")
    assert len(scripts) == 3
    assert all(source.startswith(site.url + "/static/") for source in scripts)
    assert home.run_script("return typeof window.moment") == "function"
