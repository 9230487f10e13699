"""Following in a browser: the Followed tab shows only the followed users' posts."""

import pytest

from tests.e2e.pages import HomePage, ProfilePage
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.e2e


def test_the_followed_tab_shows_only_followed_posts_until_unfollowing(browser, site, log_in):
    reader = UserFactory(username="reader")
    PostFactory(author=UserFactory(username="followed"), body="A post worth following")
    PostFactory(author=UserFactory(username="stranger"), body="A post from a stranger")
    log_in(reader)

    profile = ProfilePage(browser, site.url).open(username="followed").follow()
    assert "You are now following followed." in profile.flashes[0]
    assert profile.buttons == ["Unfollow"]
    assert profile.follower_count == 1

    home = HomePage(browser, site.url).open().show_followed()
    assert home.active_tab == "Followed"
    assert home.post_bodies == ["A post worth following"]

    profile = ProfilePage(browser, site.url).open(username="followed").unfollow()
    assert "You are not following followed anymore." in profile.flashes[0]
    assert profile.buttons == ["Follow"]
    home = HomePage(browser, site.url).open()
    assert home.active_tab == "Followed"
    assert home.post_bodies == []
    assert sorted(home.show_all().post_bodies) == ["A post from a stranger", "A post worth following"]
