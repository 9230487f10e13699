"""Avatars in a browser with no network but the site's own: every picture on every page that shows people loads."""

import pytest

from app.services.follows import follow
from app.services.messages import send_message
from tests.e2e.pages import Page
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.e2e

IMAGES = """
return Array.from(document.images).map((image) => ({
  src: image.currentSrc || image.src, loaded: image.complete && image.naturalWidth > 0,
}));
"""
PAGES_WITH_PEOPLE = ("/", "/post/{post}", "/user/bob", "/followers/ada", "/messages", "/notifications", "/search?q=bob")


def images_on(browser, base_url: str, path: str) -> list[dict]:
    """Open ``path``, wait for it to load, and list its images with whether each has loaded."""
    page = Page(browser, base_url)
    page.path = path
    page.open()
    return browser.execute_script(IMAGES)


def test_every_avatar_loads_with_no_network_but_the_site(browser, site, log_in):
    ada, bob = UserFactory(username="ada"), UserFactory(username="bob")
    post = PostFactory(author=bob)
    CommentFactory(post=post, author=ada)
    follow(bob, ada)
    send_message(bob, ada, "Hello.")
    log_in(ada)

    images = {path: images_on(browser, site.url, path.format(post=post.id)) for path in PAGES_WITH_PEOPLE}

    assert {path: [image["src"] for image in found if not image["loaded"]] for path, found in images.items()} == {
        path: [] for path in PAGES_WITH_PEOPLE
    }
    assert all(len(found) >= 2 for found in images.values())
    assert {image["src"].split("/avatar/")[0] for found in images.values() for image in found} == {site.url}
