"""Your data: the export's progress page, and the page that deletes an account."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from .base import Page
from .home import HomePage

BAR = (By.ID, "export-progress")
DOWNLOAD = (By.ID, "export-download")


class ExportPage(Page):
    path = "/account/export"
    marker = (By.ID, "export")

    @property
    def progress(self) -> int:
        """The percent the progress bar holds, shown or hidden."""
        return int(self.browser.find_element(*BAR).get_attribute("textContent").rstrip("%"))

    @property
    def download_link(self) -> str:
        """The download link, once the script has shown it."""
        return self.element(DOWNLOAD).get_attribute("href")

    def wait_for_download(self, seconds: float = 20) -> list[int]:
        """Wait until the download link shows, noting each percent the bar showed on the way."""
        seen: list[int] = []

        def ready(browser) -> bool:
            if self.progress not in seen:
                seen.append(self.progress)
            return browser.find_element(*DOWNLOAD).is_displayed()

        WebDriverWait(self.browser, seconds, poll_frequency=0.05).until(ready)
        return seen

    @property
    def failed(self) -> bool:
        return self.browser.find_element(By.CSS_SELECTOR, "#export .export-failed").is_displayed()


class DeleteAccountPage(Page):
    path = "/account/delete"
    marker = (By.ID, "confirm")

    def delete(self, password: str) -> HomePage:
        """Give the password, tick the box and delete; the browser lands on the home page, logged out."""
        self.fill(password=password)
        self.check("confirm")
        return self.submit_to(HomePage)
