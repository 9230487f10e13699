"""A visitor switches the site to Spanish in the footer, dates included, and back to English."""

import pytest
from selenium.webdriver.common.by import By

from tests.e2e.pages import HomePage, ProfilePage
from tests.e2e.pages.language import LanguageSwitch, page_language
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.e2e

HEADING = (By.CSS_SELECTOR, "main h1")
POST_DATE = (By.CSS_SELECTOR, "li.post .post-date span")


def test_a_visitor_switches_to_spanish_in_the_footer_and_back(browser, site):
    PostFactory(body="Recién salido")
    home = HomePage(browser, site.url).open()
    assert page_language(home) == "en"
    assert home.text_of(HEADING) == "Hello, Stranger!"

    home = LanguageSwitch(home).choose("Español", lands_on=HomePage)

    assert page_language(home) == "es"
    assert home.text_of(HEADING) == "¡Hola, desconocido!"
    assert home.text_of(POST_DATE) == "hace unos segundos"

    home = LanguageSwitch(home).choose("English", lands_on=HomePage)

    assert page_language(home) == "en"
    assert home.text_of(HEADING) == "Hello, Stranger!"
    assert home.text_of(POST_DATE) == "a few seconds ago"


def test_the_switch_stays_on_the_page_it_was_used_on(browser, site):
    UserFactory(username="ana")
    profile = ProfilePage(browser, site.url).open(username="ana")

    profile = LanguageSwitch(profile).choose("Español", lands_on=ProfilePage)

    assert browser.current_url == f"{site.url}/user/ana"
    assert page_language(profile) == "es"
    assert "Publicaciones de ana" in profile.text_of((By.CSS_SELECTOR, "main h2"))
