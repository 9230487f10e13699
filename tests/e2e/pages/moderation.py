"""The moderators' page: every comment, each with an Enable or Disable button."""

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement

from .base import Page


class ModerationPage(Page):
    path = "/moderate"
    marker = (By.CSS_SELECTOR, "main ul.comments")

    def comment(self, text: str) -> WebElement:
        """The comment whose body contains ``text``."""
        return self.element(
            (
                By.XPATH,
                f"//li[contains(@class, 'comment')][.//div[contains(@class, 'comment-body')][contains(., '{text}')]]",
            )
        )

    def disable(self, text: str) -> "ModerationPage":
        return self.go_to(ModerationPage, self.button_of(text, "Disable"))

    def button_of(self, text: str, label: str) -> WebElement:
        return self.comment(text).find_element(By.XPATH, f".//button[normalize-space()='{label}']")

    def buttons_of(self, text: str) -> list[str]:
        return [button.text for button in self.comment(text).find_elements(By.TAG_NAME, "button")]
