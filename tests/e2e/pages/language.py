"""The footer's language switch, on every page a signed-out visitor sees."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from .base import P, Page

SWITCH = (By.ID, "language-switch")


class LanguageSwitch:
    """The switch in the footer of ``page``: choose a language, and land on the same page in it."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def choose(self, name: str, lands_on: type[P]) -> P:
        """Pick the language called ``name`` (such as "Español") and press the switch's button."""
        Select(self.page.element((By.ID, "language-choice"))).select_by_visible_text(name)
        button = self.page.element((By.CSS_SELECTOR, "#language-switch button[type='submit']"))
        return self.page.go_to(lands_on, button)


def page_language(page: Page) -> str:
    """The language the page says it is in: ``<html lang>``."""
    return page.run_script("return document.documentElement.lang")
