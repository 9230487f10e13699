"""Your data in a browser: the export's progress bar runs to the download, and a deleted account cannot log in."""

import time

import pytest

from app.services import export
from tests.e2e.pages import LoginPage, ProfilePage
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def slow_export(monkeypatch):
    """An export that reports each row and takes a moment over it, so the bar is seen on its way."""
    report = export.report

    def report_slowly(export_id: int, **values: object) -> None:
        report(export_id, **values)
        time.sleep(0.1)

    monkeypatch.setattr(export, "CHUNK", 1)
    monkeypatch.setattr(export, "report", report_slowly)


def test_the_progress_bar_runs_to_the_download(browser, site, log_in, slow_export):
    user = UserFactory(username="keeper")
    for number in range(20):
        PostFactory(author=user, body=f"Post number {number}")
    log_in(user)

    page = ProfilePage(browser, site.url).open(username="keeper").edit_profile().download_my_data()
    seen = page.wait_for_download()

    assert any(0 < percent < 100 for percent in seen), seen
    assert page.progress == 100
    status, kind = browser.execute_script(
        "const response = await fetch(arguments[0]); return [response.status, response.headers.get('Content-Type')];",
        page.download_link,
    )
    assert (status, kind) == (200, "application/zip")


def test_a_deleted_account_cannot_log_in(browser, site, log_in):
    user = UserFactory(username="leaver", email="leaver@example.com")
    PostFactory(author=user, body="Soon gone")
    log_in(user)

    home = ProfilePage(browser, site.url).open(username="leaver").edit_profile().delete_my_account().delete("cat")

    assert "Your account has been deleted. Goodbye!" in home.flashes[0]
    assert "Soon gone" not in home.text
    login = LoginPage(browser, site.url).open().log_in(LoginPage, "leaver@example.com", "cat")
    assert "Invalid email or password." in login.flashes[0]
