"""Following and unfollowing, and the lists of followers and followed users."""

import re
from datetime import timedelta

import pytest

from app.models import User
from app.timestamps import utcnow
from tests.factories import FollowFactory, UserFactory
from tests.integration.links import link_labelled
from tests.login import log_in_as

FOLLOW_ROW = re.compile(r'<td><a href="/user/([^"]+)">')


def follows(follower_id: int, followed_id: int, db) -> bool:
    return db.session.get(User, follower_id).is_following(db.session.get(User, followed_id))


def test_following_a_user(client, db):
    reader = UserFactory()
    author = UserFactory()
    log_in_as(client, reader)
    response = client.post(f"/follow/{author.username}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/user/{author.username}"
    page = client.get(response.headers["Location"]).text
    assert f"You are now following {author.username}." in page
    assert 'follower-count">1<' in page
    assert follows(reader.id, author.id, db)


def test_following_twice_says_so(client, db):
    follow = FollowFactory()
    log_in_as(client, follow.follower)
    response = client.post(f"/follow/{follow.followed.username}", follow_redirects=True)
    assert "You are already following this user." in response.text


def test_a_follow_saved_by_a_simultaneous_request_is_not_an_error(client, db, monkeypatch):
    follow = FollowFactory()
    author = follow.followed.username
    log_in_as(client, follow.follower)
    db.session.remove()
    # Both requests checked before either saved: this one learns of the other from the unique key, then sees it.
    misses = iter([False])
    following = User.is_following
    monkeypatch.setattr(User, "is_following", lambda follower, user: next(misses, following(follower, user)))
    response = client.post(f"/follow/{author}", follow_redirects=True)
    assert response.status_code == 200
    assert "You are already following this user." in response.text


def test_following_an_unknown_user_is_not_found(client, db):
    log_in_as(client, UserFactory())
    assert client.post("/follow/nobody").status_code == 404


def test_unfollowing_a_user(client, db):
    follow = FollowFactory()
    reader_id, author = follow.follower.id, follow.followed
    log_in_as(client, follow.follower)
    response = client.post(f"/unfollow/{author.username}")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert f"You are not following {author.username} anymore." in page
    assert not follows(reader_id, author.id, db)


def test_unfollowing_someone_not_followed_says_so(client, db):
    other = UserFactory()
    log_in_as(client, UserFactory())
    response = client.post(f"/unfollow/{other.username}", follow_redirects=True)
    assert "You are not following this user." in response.text


def test_users_cannot_unfollow_themselves(client, db):
    user = UserFactory()
    log_in_as(client, user)
    response = client.post(f"/unfollow/{user.username}", follow_redirects=True)
    assert "You cannot unfollow yourself" in response.text
    assert follows(user.id, user.id, db)


def test_users_cannot_follow_themselves(client, db):
    user = UserFactory()
    log_in_as(client, user)
    response = client.post(f"/follow/{user.username}", follow_redirects=True)
    assert "You cannot follow yourself" in response.text
    assert user.followers.count() == 1


def test_unfollowing_an_unknown_user_is_not_found(client, db):
    log_in_as(client, UserFactory())
    assert client.post("/unfollow/nobody").status_code == 404


def test_follow_and_unfollow_refuse_get(client, db):
    user = UserFactory()
    log_in_as(client, UserFactory())
    assert client.get(f"/follow/{user.username}").status_code == 405
    assert client.get(f"/unfollow/{user.username}").status_code == 405


def test_followers_list_hides_the_self_follow(client, db):
    user = UserFactory()
    fans = UserFactory.create_batch(2)
    for fan in fans:
        FollowFactory(follower=fan, followed=user)
    response = client.get(f"/followers/{user.username}")
    assert response.status_code == 200
    page = response.text
    assert "Followers of" in page
    for fan in fans:
        assert f'href="/user/{fan.username}"' in page
        assert fan.avatar_hash in page
    assert page.count("<tr>") == 1 + len(fans)


def test_followed_list_shows_who_a_user_follows(client, db):
    user = UserFactory()
    idol = UserFactory()
    FollowFactory(follower=user, followed=idol)
    page = client.get(f"/followed-by/{user.username}").text
    assert "Followed by" in page
    assert f'href="/user/{idol.username}"' in page
    assert page.count("<tr>") == 2


def test_empty_followers_list_says_nobody(client, db):
    page = client.get(f"/followers/{UserFactory().username}").text
    assert "Nobody yet." in page


def test_followers_are_paginated_newest_first(app, client, db):
    app.config["FLASKY_FOLLOWERS_PER_PAGE"] = 2
    user = UserFactory()
    start = utcnow()
    for minute, name in enumerate(["oldfan", "midfan", "newfan"]):
        FollowFactory(follower=UserFactory(username=name), followed=user, timestamp=start + timedelta(minutes=minute))
    first = client.get(f"/followers/{user.username}").text
    assert first.index("newfan") < first.index("midfan")
    assert "oldfan" not in first
    assert f'href="/followers/{user.username}?page=2"' in first
    assert "oldfan" in client.get(f"/followers/{user.username}?page=2").text


def test_follow_lists_of_unknown_users_are_not_found(client, db):
    assert client.get("/followers/nobody").status_code == 404
    assert client.get("/followed-by/nobody").status_code == 404


def follows_a_minute_apart(user, count: int, kind: str) -> list[str]:
    """``count`` users following ``user`` (``followers``) or followed by ``user``; their names, newest follow first."""
    start = utcnow() - timedelta(minutes=count)
    names = [f"friend{number:02d}" for number in range(count)]
    for minute, name in enumerate(names):
        other, moment = UserFactory(username=name), start + timedelta(minutes=minute)
        if kind == "followers":
            FollowFactory(follower=other, followed=user, timestamp=moment)
        else:
            FollowFactory(follower=user, followed=other, timestamp=moment)
    return names[::-1]


def listed(page: str) -> list[str]:
    return FOLLOW_ROW.findall(page)


@pytest.mark.parametrize("kind", ["followers", "followed-by"])
def test_next_links_walk_a_follow_list_once_newest_first(app, client, db, kind):
    app.config["FLASKY_FOLLOWERS_PER_PAGE"] = 3
    user = UserFactory()
    names = follows_a_minute_apart(user, 10, kind)
    seen, link, pages = [], f"/{kind}/{user.username}", 0
    while link != "#":
        page = client.get(link).text
        seen, link, pages = seen + listed(page), link_labelled(page, "Next"), pages + 1
        assert link == "#" or "after=" in link
    assert (seen, pages) == (names, 4)


@pytest.mark.parametrize("kind", ["followers", "followed-by"])
def test_a_deep_follow_page_by_number_or_by_link_holds_the_same_users(app, client, db, kind):
    app.config["FLASKY_FOLLOWERS_PER_PAGE"] = 3
    user = UserFactory()
    names = follows_a_minute_apart(user, 10, kind)
    by_number = client.get(f"/{kind}/{user.username}?page=3").text
    by_link = client.get(link_labelled(client.get(f"/{kind}/{user.username}?page=2").text, "Next")).text
    back = client.get(link_labelled(client.get(f"/{kind}/{user.username}?page=4").text, "Previous")).text
    assert listed(by_number) == listed(by_link) == listed(back) == names[6:9]


def test_a_follow_page_past_the_end_is_empty_and_links_back(app, client, db):
    app.config["FLASKY_FOLLOWERS_PER_PAGE"] = 3
    user = UserFactory()
    follows_a_minute_apart(user, 5, "followers")
    response = client.get(f"/followers/{user.username}?page=9")
    assert response.status_code == 200
    assert listed(response.text) == []
    assert "Nobody yet." in response.text
    assert f'href="/followers/{user.username}?page=2"' in response.text
