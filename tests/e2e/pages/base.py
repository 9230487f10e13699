"""What every page of the site has: a URL, a sign that it has loaded, flashed messages and forms to fill."""

from typing import Self, TypeVar

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as EC  # noqa: N812 - Selenium's own idiom
from selenium.webdriver.support.ui import WebDriverWait

Locator = tuple[str, str]
WAIT_SECONDS = 10
P = TypeVar("P", bound="Page")


class Page:
    """A page object: ``path`` opens it, ``marker`` is an element only this page shows."""

    path = "/"
    marker: Locator = (By.TAG_NAME, "main")

    def __init__(self, browser: WebDriver, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url.rstrip("/")
        self.wait = WebDriverWait(browser, WAIT_SECONDS)

    def open(self, **path_arguments: object) -> Self:
        """Go to the page by its URL and wait until it has loaded."""
        self.browser.get(self.base_url + self.path.format(**path_arguments))
        return self.loaded()

    def loaded(self) -> Self:
        """Wait until the browser shows this page, its scripts run."""
        self.wait.until(EC.presence_of_element_located(self.marker))
        self.wait.until(lambda browser: browser.execute_script("return document.readyState") == "complete")
        return self

    def element(self, locator: Locator) -> WebElement:
        return self.wait.until(EC.visibility_of_element_located(locator))

    def elements(self, locator: Locator) -> list[WebElement]:
        return self.browser.find_elements(*locator)

    def text_of(self, locator: Locator) -> str:
        return self.element(locator).text

    def fill(self, **fields: str) -> None:
        """Type into the form fields named by their ids, replacing what they held."""
        for field_id, value in fields.items():
            field = self.element((By.ID, field_id))
            field.clear()
            field.send_keys(value)

    def check(self, field_id: str, checked: bool = True) -> None:
        box = self.element((By.ID, field_id))
        if box.is_selected() != checked:
            box.click()

    def go_to(self, page: type[P], target: Locator | WebElement) -> P:
        """Click a link or button that loads another page; return that page once it has loaded."""
        current = self.browser.find_element(By.TAG_NAME, "html")
        clickable = target if isinstance(target, WebElement) else self.element(target)
        clickable.click()
        self.wait.until(EC.staleness_of(current))
        return page(self.browser, self.base_url).loaded()

    def submit_to(self, page: type[P], button_id: str = "submit") -> P:
        """Submit the form with the button ``button_id`` and return the page the browser lands on."""
        return self.go_to(page, (By.ID, button_id))

    @property
    def title(self) -> str:
        return self.browser.title

    @property
    def heading(self) -> str:
        return self.text_of((By.CSS_SELECTOR, "main h1"))

    @property
    def text(self) -> str:
        """Everything the page shows below the navbar."""
        return self.text_of((By.TAG_NAME, "main"))

    @property
    def flashes(self) -> list[str]:
        """The flashed messages at the top of the page."""
        return [alert.text for alert in self.elements((By.CSS_SELECTOR, "main .alert"))]

    def run_script(self, script: str) -> object:
        return self.browser.execute_script(script)
