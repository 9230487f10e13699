"""The navigation bar every page has: Home, Profile, Moderate Comments and the account menu."""

from selenium.webdriver.common.by import By

from .base import Page
from .home import HomePage
from .moderation import ModerationPage
from .profile import ProfilePage


class Navbar(Page):
    marker = (By.CSS_SELECTOR, "nav.navbar")

    @property
    def links(self) -> list[str]:
        return [link.text for link in self.elements((By.CSS_SELECTOR, "nav.navbar .nav-link")) if link.text]

    def profile(self) -> ProfilePage:
        return self.go_to(ProfilePage, (By.LINK_TEXT, "Profile"))

    def moderate_comments(self) -> ModerationPage:
        return self.go_to(ModerationPage, (By.LINK_TEXT, "Moderate Comments"))

    def log_out(self) -> HomePage:
        """Open the account menu and log out; the browser lands on the home page."""
        self.element((By.ID, "account-menu")).click()
        return self.go_to(HomePage, (By.CSS_SELECTOR, "#logout-form button"))
