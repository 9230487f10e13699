"""The home page: the post form, the All and Followed tabs, and the posts."""

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement

from .base import Page

POSTS = (By.CSS_SELECTOR, "ul.posts > li.post")


class HomePage(Page):
    path = "/"
    marker = (By.CSS_SELECTOR, "main ul.posts")

    def write_post(self, body: str) -> "HomePage":
        """Publish a post through the form at the top of the page."""
        self.fill(body=body)
        return self.submit_to(HomePage)

    def show_all(self) -> "HomePage":
        return self.go_to(HomePage, self.tab("All"))

    def show_followed(self) -> "HomePage":
        return self.go_to(HomePage, self.tab("Followed"))

    def tab(self, label: str) -> WebElement:
        return self.element((By.XPATH, f"//ul[contains(@class, 'nav-tabs')]//button[normalize-space()='{label}']"))

    @property
    def active_tab(self) -> str:
        return self.text_of((By.CSS_SELECTOR, "ul.nav-tabs .nav-link.active"))

    @property
    def posts(self) -> list[WebElement]:
        return self.elements(POSTS)

    @property
    def post_bodies(self) -> list[str]:
        return [post.find_element(By.CSS_SELECTOR, ".post-body").text for post in self.posts]

    def newest_post_body(self) -> WebElement:
        return self.element((By.CSS_SELECTOR, "ul.posts > li.post:first-child .post-body"))
