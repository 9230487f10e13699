"""The navbar's bell, and the notifications page."""

from selenium.webdriver.common.by import By

from .base import Page

BADGE = (By.CSS_SELECTOR, "#notification-bell .notification-count")


class Bell(Page):
    """The bell on whatever page the browser shows; its badge is hidden while nothing is unread."""

    marker = (By.ID, "notification-bell")

    @property
    def count(self) -> int:
        badge = self.browser.find_element(*BADGE)
        return int(badge.text) if badge.is_displayed() else 0

    def shows(self, count: int) -> "Bell":
        """Wait until the badge shows ``count``, as the bell's script updates it."""
        self.wait.until(lambda _browser: self.count == count)
        return self

    def open(self) -> "NotificationsPage":
        return self.go_to(NotificationsPage, self.marker)


class NotificationsPage(Page):
    path = "/notifications"
    marker = (By.CSS_SELECTOR, "main ul.notifications")

    @property
    def summaries(self) -> list[str]:
        return [link.text for link in self.elements((By.CSS_SELECTOR, "ul.notifications .notification-summary"))]

    @property
    def new(self) -> int:
        """How many of them the page marks new: they were unread until it showed them."""
        return len(self.elements((By.CSS_SELECTOR, "ul.notifications .notification-new")))
