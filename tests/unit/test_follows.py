"""Follows: following and unfollowing, the counts users see, and the feed of followed posts."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.exceptions import Invalid, NotAllowed
from app.extensions import db as _db
from app.models import Follow, User
from app.models.user import followed_posts_of
from app.services import blocks, follows, notifications
from app.timestamps import utcnow
from tests.factories import FollowFactory, PostFactory, UserFactory


def test_new_user_follows_itself(db):
    user = UserFactory()
    assert user.is_following(user)
    assert user.is_followed_by(user)


def test_self_follow_is_hidden_from_the_counts(db):
    user = UserFactory()
    assert user.follower_count == 0
    assert user.followed_count == 0


def test_follow_links_both_ways_and_counts(db):
    susan, john = UserFactory(), UserFactory()
    before = utcnow()
    susan.follow(john)
    _db.session.commit()
    assert susan.is_following(john)
    assert not susan.is_followed_by(john)
    assert john.is_followed_by(susan)
    assert not john.is_following(susan)
    assert (susan.followed_count, susan.follower_count) == (1, 0)
    assert (john.followed_count, john.follower_count) == (0, 1)
    follow = _db.session.get(Follow, (susan.id, john.id))
    assert follow.timestamp >= before


def test_following_twice_adds_one_follow(db):
    susan, john = UserFactory(), UserFactory()
    susan.follow(john)
    susan.follow(john)
    _db.session.commit()
    assert john.follower_count == 1


def test_unfollow_removes_the_follow(db):
    susan, john = UserFactory(), UserFactory()
    susan.follow(john)
    _db.session.commit()
    susan.unfollow(john)
    _db.session.commit()
    assert not susan.is_following(john)
    assert not john.is_followed_by(susan)
    assert john.follower_count == 0
    assert susan.is_following(susan)


def test_unfollowing_someone_not_followed_changes_nothing(db):
    susan, john = UserFactory(), UserFactory()
    susan.unfollow(john)
    _db.session.commit()
    assert susan.followed.count() == 1


def test_unsaved_users_follow_and_unfollow_in_memory(db):
    susan, john = User(username="susan"), User(username="john")
    susan.follow(john)
    assert susan.is_following(john)
    assert john.is_followed_by(susan)
    assert not susan.is_followed_by(john)
    susan.unfollow(john)
    assert not susan.is_following(john)
    assert susan.is_following(susan)


def test_deleting_a_user_removes_its_follows_both_ways(db):
    susan, john, david = UserFactory(), UserFactory(), UserFactory()
    susan.follow(john)
    john.follow(david)
    _db.session.commit()
    john_id = john.id
    _db.session.delete(john)
    _db.session.commit()
    remaining = _db.session.execute(select(Follow.follower_id, Follow.followed_id)).all()
    assert all(john_id not in pair for pair in remaining)
    assert susan.followed_count == 0
    assert david.follower_count == 0


def test_followed_posts_are_the_followed_users_and_own_posts_newest_first(db):
    susan, john, stranger = UserFactory(), UserFactory(), UserFactory()
    susan.follow(john)
    now = utcnow()
    oldest = PostFactory(author=susan, timestamp=now - timedelta(hours=2))
    newest = PostFactory(author=john, timestamp=now)
    middle = PostFactory(author=john, timestamp=now - timedelta(hours=1))
    PostFactory(author=stranger, timestamp=now)
    assert _db.session.scalars(followed_posts_of(susan.id)).all() == [newest, middle, oldest]


def test_followed_posts_break_timestamp_ties_by_newest_id(db):
    susan = UserFactory()
    now = utcnow()
    first, second = PostFactory(author=susan, timestamp=now), PostFactory(author=susan, timestamp=now)
    assert _db.session.scalars(followed_posts_of(susan.id)).all() == [second, first]


def test_followed_posts_of_a_user_following_nobody_else_are_their_own(db):
    susan = UserFactory()
    PostFactory()
    own = PostFactory(author=susan)
    assert _db.session.scalars(followed_posts_of(susan.id)).all() == [own]


def test_follow_factory_follow_counts(db):
    follow = FollowFactory()
    assert follow.followed.follower_count == 1
    assert follow.follower.followed_count == 1


def test_following_yourself_is_refused_saying_your_posts_are_on_your_timeline_anyway(db):
    user = UserFactory()
    with pytest.raises(Invalid) as refused:
        follows.follow(user, user)
    assert str(refused.value) == "You cannot follow yourself: your own posts are always on your timeline."
    assert refused.value.errors == {"profile": ["is your own: you cannot follow yourself"]}


def test_nobody_follows_someone_who_blocked_them(db):
    follower, user = UserFactory(), UserFactory()
    blocks.block(user, follower)
    with pytest.raises(NotAllowed) as refused:
        follows.follow(follower, user)
    assert str(refused.value) == "You cannot follow this user."
    assert not follower.is_following(user)


def test_the_user_followed_is_notified_of_it(db):
    follower, user = UserFactory(), UserFactory()
    assert follows.follow(follower, user)
    assert (notifications.unread_count(user), notifications.unread_count(follower)) == (1, 0)
