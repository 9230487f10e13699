"""The search page: its form, the people found and the posts found, with their highlighted words."""

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement

from .base import Page

RESULTS = (By.CSS_SELECTOR, "ul.search-results > li.search-result")


class SearchPage(Page):
    path = "/search"
    marker = (By.CSS_SELECTOR, "main form.search-form")

    def search(self, text: str) -> "SearchPage":
        """Search again with the form at the top of the page."""
        self.fill(**{"search-q": text})
        return self.submit_to(SearchPage, "search-submit")

    @property
    def results(self) -> list[WebElement]:
        return self.elements(RESULTS)

    @property
    def result_titles(self) -> list[str]:
        return [result.find_element(By.CSS_SELECTOR, ".post-title").text for result in self.results]

    @property
    def title_highlights(self) -> list[list[str]]:
        """For each post found, the words its title shows in <mark>."""
        return self.marked(".post-title")

    @property
    def snippet_highlights(self) -> list[list[str]]:
        """For each post found, the words the snippet of its body shows in <mark>."""
        return self.marked(".post-snippet")

    def marked(self, part: str) -> list[list[str]]:
        return [
            [mark.text for mark in result.find_elements(By.CSS_SELECTOR, f"{part} mark")] for result in self.results
        ]

    @property
    def people(self) -> list[str]:
        return [link.text for link in self.elements((By.CSS_SELECTOR, ".search-people li.person > a"))]

    @property
    def problem(self) -> str:
        return self.text_of((By.CSS_SELECTOR, "main .search-problem"))
