"""A post's own page, with its comments and the comment form."""

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement

from .base import Page


class PostPage(Page):
    path = "/post/{id}"
    marker = (By.ID, "comments")

    def add_comment(self, body: str) -> "PostPage":
        self.fill(body=body)
        return self.submit_to(PostPage)

    @property
    def comments(self) -> list[WebElement]:
        return self.elements((By.CSS_SELECTOR, "ul.comments > li.comment"))

    @property
    def comment_bodies(self) -> list[str]:
        return [comment.find_element(By.CSS_SELECTOR, ".comment-body").text for comment in self.comments]
