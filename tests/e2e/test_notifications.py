"""The bell in a browser: its count rises in open tabs as things happen, without a reload, falls when the
notifications are read in another tab, and a hidden tab asks less and less often."""

import pytest
import requests

from tests.e2e.pages import Bell, HomePage
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e

# Every request the bell's script sends, with when it sent it.
COUNT_POLLS = """
window.polls = [];
const send = window.fetch;
window.fetch = (...request) => { window.polls.push(performance.now()); return send(...request); };
"""
HIDE = """
Object.defineProperty(document, "hidden", {configurable: true, get: () => arguments[0]});
document.dispatchEvent(new Event("visibilitychange"));
"""


@pytest.fixture
def quick_bell(site, monkeypatch):
    """The bell asks every second rather than every 30, so the test need not wait long."""
    monkeypatch.setitem(site.app.config, "FLASKY_NOTIFICATIONS_POLL_SECONDS", 1)


def as_user(site, user) -> tuple[str, str]:
    """HTTP Basic credentials of an API token of ``user``'s."""
    response = requests.post(f"{site.url}/api/v1/tokens/", auth=(user.email, "cat"), timeout=10)
    return response.json()["token"], ""


def test_the_bell_counts_up_in_open_tabs_and_down_when_read_in_another(browser, site, log_in, quick_bell):
    bob, ann, cat = UserFactory(username="bob"), UserFactory(username="ann"), UserFactory(username="cat")
    log_in(bob)
    first_tab = browser.current_window_handle
    browser.switch_to.new_window("tab")
    second_tab = browser.current_window_handle
    assert Bell(browser, HomePage(browser, site.url).open().base_url).count == 0
    browser.execute_script("window.notReloaded = true")

    requests.post(f"{site.url}/api/v1/users/{bob.id}/follow", auth=as_user(site, ann), timeout=10)
    Bell(browser, site.url).shows(1)
    message = {"body": "Hi"}
    requests.post(f"{site.url}/api/v1/conversations/{bob.id}", json=message, auth=as_user(site, cat), timeout=10)
    Bell(browser, site.url).shows(2)
    assert browser.execute_script("return window.notReloaded") is True

    browser.switch_to.window(first_tab)
    notifications = Bell(browser, site.url).shows(2).open()
    assert notifications.summaries == ["cat sent you a message", "ann followed you"]
    assert notifications.new == 2
    assert Bell(browser, site.url).count == 0

    browser.switch_to.window(second_tab)
    Bell(browser, site.url).shows(0)
    assert browser.execute_script("return window.notReloaded") is True


def test_a_hidden_tab_asks_less_and_less_often_and_at_once_when_shown_again(browser, site, log_in, quick_bell):
    log_in(UserFactory())
    browser.execute_script(COUNT_POLLS)

    browser.execute_script(HIDE, True)
    Bell(browser, site.url).wait.until(lambda driver: len(driver.execute_script("return window.polls")) == 3)
    hidden = browser.execute_script("return window.polls")
    browser.execute_script(HIDE, False)
    Bell(browser, site.url).wait.until(lambda driver: len(driver.execute_script("return window.polls")) == 4)
    shown = browser.execute_script("return window.polls")

    gaps = [later - earlier for earlier, later in zip(hidden, hidden[1:], strict=False)]
    assert 1800 < gaps[0] < 2500, gaps
    assert 3800 < gaps[1] < 4500, gaps
    # Shown again, it asked at once rather than at the end of the 8 seconds it was waiting.
    assert shown[3] - hidden[2] < 8000 * 0.5
