"""Writing posts: Markdown renders, scripts never run."""

import pytest
from selenium.webdriver.common.by import By

from tests.factories import UserFactory

pytestmark = pytest.mark.e2e

MARKDOWN_POST = """I *really* like Flasky.

- one
- two

Read [the book](https://example.com/book).

<script>window.__xss = "script"; document.title = "owned";</script>

<img src="x" onerror="window.__xss = 'onerror'; document.title = 'owned';">
"""


def test_a_markdown_post_is_rendered_and_its_scripts_never_run(browser, log_in):
    home = log_in(UserFactory(username="writer"))

    home = home.write_post(MARKDOWN_POST)

    assert "Your post has been published." in home.flashes[0]
    body = home.newest_post_body()
    assert body.find_element(By.TAG_NAME, "em").text == "really"
    assert [item.text for item in body.find_elements(By.CSS_SELECTOR, "ul > li")] == ["one", "two"]
    link = body.find_element(By.LINK_TEXT, "the book")
    assert link.get_attribute("href") == "https://example.com/book"
    assert "nofollow" in link.get_attribute("rel")
    assert body.find_elements(By.CSS_SELECTOR, "script, img, [onerror]") == []
    assert home.run_script("return window.__xss") is None
    assert home.title == "Flasky"
