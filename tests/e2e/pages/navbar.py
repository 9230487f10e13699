"""The navigation bar every page has: Home, Profile, Moderate Comments, the search box and the account menu."""

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC  # noqa: N812 - Selenium's own idiom

from .base import Page
from .home import HomePage
from .messages import ConversationsPage
from .moderation import ModerationPage
from .profile import ProfilePage
from .search import SearchPage


class Navbar(Page):
    marker = (By.CSS_SELECTOR, "nav.navbar")

    @property
    def links(self) -> list[str]:
        return [link.text for link in self.elements((By.CSS_SELECTOR, "nav.navbar .nav-link")) if link.text]

    def profile(self) -> ProfilePage:
        return self.go_to(ProfilePage, (By.LINK_TEXT, "Profile"))

    def messages(self) -> ConversationsPage:
        return self.go_to(ConversationsPage, (By.LINK_TEXT, "Messages"))

    def moderate_comments(self) -> ModerationPage:
        return self.go_to(ModerationPage, (By.LINK_TEXT, "Moderate Comments"))

    def search(self, text: str) -> SearchPage:
        """Type ``text`` in the search box and press Enter; the browser lands on the search page."""
        current = self.browser.find_element(By.TAG_NAME, "html")
        self.fill(**{"navbar-search": text})
        self.element((By.ID, "navbar-search")).send_keys(Keys.ENTER)
        self.wait.until(EC.staleness_of(current))
        return SearchPage(self.browser, self.base_url).loaded()

    def log_out(self) -> HomePage:
        """Open the account menu and log out; the browser lands on the home page."""
        self.element((By.ID, "account-menu")).click()
        return self.go_to(HomePage, (By.CSS_SELECTOR, "#logout-form button"))
