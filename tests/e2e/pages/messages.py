"""The conversations list, and one conversation with its reply form."""

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement

from .base import Page


class ConversationsPage(Page):
    path = "/messages"
    marker = (By.CSS_SELECTOR, "main ul.conversations")

    @property
    def rows(self) -> list[WebElement]:
        return self.elements((By.CSS_SELECTOR, "ul.conversations > li.conversation"))

    @property
    def correspondents(self) -> list[str]:
        return [row.find_element(By.CSS_SELECTOR, ".conversation-with").text for row in self.rows]

    def unread_from(self, username: str) -> int:
        """The unread badge of the conversation with ``username``; 0 when it shows none."""
        row = self.row_with(username)
        badges = row.find_elements(By.CSS_SELECTOR, ".conversation-unread")
        return int(badges[0].text) if badges else 0

    def open_conversation(self, username: str) -> "ConversationPage":
        return self.go_to(ConversationPage, self.row_with(username).find_element(By.CSS_SELECTOR, ".conversation-with"))

    def row_with(self, username: str) -> WebElement:
        return next(
            row for row in self.rows if row.find_element(By.CSS_SELECTOR, ".conversation-with").text == username
        )


class ConversationPage(Page):
    path = "/messages/{username}"
    marker = (By.CSS_SELECTOR, "main ul.messages")

    def send(self, body: str) -> "ConversationPage":
        """Write ``body`` in the reply form and send it; the browser comes back to the conversation."""
        self.fill(body=body)
        return self.submit_to(ConversationPage)

    @property
    def exchange(self) -> list[tuple[str, str]]:
        """Each message as (its sender, its text), oldest first."""
        return [
            (
                message.find_element(By.CSS_SELECTOR, ".message-sender").text,
                message.find_element(By.CSS_SELECTOR, ".message-body").text,
            )
            for message in self.elements((By.CSS_SELECTOR, "ul.messages > li.message"))
        ]
