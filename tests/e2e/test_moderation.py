"""Moderating comments in a browser: a disabled comment is hidden from its own author."""

import pytest

from tests.e2e.pages import Navbar, PostPage
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.e2e

DISABLED = "This comment has been disabled by a moderator."


def test_a_comment_disabled_by_a_moderator_is_hidden_from_its_author(browser, site, log_in):
    author = UserFactory(username="commenter")
    moderator = UserFactory(username="moderator", moderator=True)
    post = PostFactory(body="Something to talk about")

    log_in(author)
    page = PostPage(browser, site.url).open(id=post.id).add_comment("Well said, and **bold**.")
    assert "Your comment has been published." in page.flashes[0]
    assert page.comment_bodies == ["Well said, and bold."]
    Navbar(browser, site.url).log_out()

    log_in(moderator)
    moderation = Navbar(browser, site.url).moderate_comments().disable("Well said")
    assert moderation.buttons_of("Well said") == ["Enable"]
    assert DISABLED in moderation.comment("Well said").text
    Navbar(browser, site.url).log_out()

    log_in(author)
    page = PostPage(browser, site.url).open(id=post.id)
    assert page.comment_bodies == [DISABLED]
