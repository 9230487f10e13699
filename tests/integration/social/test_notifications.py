"""Notifications: a follow, a comment on your post and a message each make one, with what happened and a link; the
page marks them read; the bell's count answers 304 while nothing changed; what is undone takes its notification."""

import pytest

from app.extensions import db
from app.models import Notification
from app.services import notifications, sessions
from tests.factories import CommentFactory, FollowFactory, PostFactory, UserFactory
from tests.integration.api.conftest import token_auth
from tests.login import log_in_as


def notifications_of(user) -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Notification).where(Notification.user_id == user.id)))


def listed(client, user) -> list[dict]:
    return client.get("/api/v1/notifications/", headers=token_auth(user)).json["notifications"]


def bell(client) -> int:
    return client.get("/notifications/count").json["unread"]


def test_a_follow_tells_the_followed_user(client, db, actions):
    ann, bob = UserFactory(username="ann"), UserFactory(username="bob")

    actions.follow(ann, bob)

    (notification,) = listed(client, bob)
    assert notification["kind"] == "follow"
    assert notification["summary"] == "ann followed you"
    assert notification["page_url"] == "/user/ann"
    assert notification["subject_url"] == f"/api/v1/users/{ann.id}"
    assert notification["read"] is False
    assert notifications_of(ann) == []


def test_a_comment_tells_the_posts_author_but_not_the_commenter(client, db, actions):
    ann, bob = UserFactory(username="ann"), UserFactory()
    post = PostFactory(author=bob, title="My trip")

    actions.comment(ann, post)
    actions.comment(bob, post)

    (notification,) = listed(client, bob)
    comment_id = notification["subject_url"].rsplit("/", 1)[1]
    assert notification["summary"] == "ann commented on your post “My trip”"
    assert notification["page_url"] == f"/post/{post.id}?page=-1#comment-{comment_id}"
    assert notifications_of(ann) == []


def test_a_message_tells_its_recipient(client, db, actions):
    ann, bob = UserFactory(username="ann"), UserFactory()

    actions.message(ann, bob)

    (notification,) = listed(client, bob)
    assert notification["summary"] == "ann sent you a message"
    assert notification["page_url"] == "/messages/ann"


def test_the_page_shows_the_notifications_with_links_and_marks_them_read(client, db):
    ann, bob = UserFactory(username="ann"), UserFactory()
    FollowFactory(follower=ann, followed=bob)
    client.post(f"/api/v1/users/{bob.id}/follow", headers=token_auth(UserFactory(username="cat")))
    client.post(f"/api/v1/conversations/{bob.id}", json={"body": "Hi"}, headers=token_auth(ann))
    log_in_as(client, bob)
    assert bell(client) == 2

    page = client.get("/notifications").get_data(as_text=True)

    assert page.index("ann sent you a message") < page.index("cat followed you")
    assert 'href="/messages/ann"' in page
    assert page.count("notification-new") == 2
    assert all(notification.read_at is not None for notification in notifications_of(bob))
    assert bell(client) == 0
    assert "notification-new" not in client.get("/notifications").get_data(as_text=True)


def test_the_api_marks_every_notification_read(client, db):
    bob = UserFactory()
    for _ in range(3):
        client.post(f"/api/v1/users/{bob.id}/follow", headers=token_auth(UserFactory()))
    assert client.get("/api/v1/notifications/count", headers=token_auth(bob)).json == {"unread": 3}

    assert client.post("/api/v1/notifications/read", headers=token_auth(bob)).status_code == 204

    assert client.get("/api/v1/notifications/count", headers=token_auth(bob)).json == {"unread": 0}
    assert [notification["read"] for notification in listed(client, bob)] == [True, True, True]


def test_the_count_answers_304_until_it_changes(client, db):
    bob = UserFactory()
    log_in_as(client, bob)
    first = client.get("/notifications/count")
    assert first.status_code == 200
    assert first.json == {"unread": 0}
    assert first.headers["Cache-Control"] == "private, no-cache"
    etag = first.headers["ETag"]

    unchanged = client.get("/notifications/count", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.get_data() == b""

    client.post(f"/api/v1/users/{bob.id}/follow", headers=token_auth(UserFactory()))
    changed = client.get("/notifications/count", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.json == {"unread": 1}
    assert changed.headers["ETag"] != etag


def test_the_bell_in_the_navbar_shows_the_count_and_its_etag(client, db):
    bob = UserFactory()
    client.post(f"/api/v1/users/{bob.id}/follow", headers=token_auth(UserFactory()))
    log_in_as(client, bob)

    page = client.get("/messages").get_data(as_text=True)
    etag = client.get("/notifications/count").headers["ETag"]

    assert 'id="notification-bell"' in page
    assert f'data-etag="{etag.replace(chr(34), "&#34;")}"' in page
    assert '<span class="badge rounded-pill text-bg-danger notification-count">1</span>' in page
    assert '<script src="/static/js/notifications.js">' in page


@pytest.fixture
def count_limit_of_3(monkeypatch):
    """The bell counting up to 3, in the statements it builds once, and back to the real limit after."""
    built_once = (notifications.unread_of_user, notifications.unread_of_session)
    monkeypatch.setattr(notifications, "COUNT_LIMIT", 3)
    for statement in built_once:
        statement.cache_clear()
    yield
    for statement in built_once:
        statement.cache_clear()


@pytest.mark.usefixtures("count_limit_of_3")
def test_the_count_beyond_the_limit_shows_99_plus(client, db):
    bob = UserFactory()
    for _ in range(4):
        client.post(f"/api/v1/users/{bob.id}/follow", headers=token_auth(UserFactory()))
    log_in_as(client, bob)

    assert bell(client) == 3
    assert "2+</span>" in client.get("/messages").get_data(as_text=True)


@pytest.mark.parametrize("signed_in", ["nobody", "an ended session", "a forged credential"])
def test_the_count_needs_an_open_session(client, db, signed_in):
    bob = UserFactory()
    if signed_in == "an ended session":
        log_in_as(client, bob)
        sessions.end_all_sessions(bob)
        db.session.commit()
    elif signed_in == "a forged credential":
        with client.session_transaction() as session:
            session["_user_id"] = "1.not-the-secret"

    response = client.get("/notifications/count")

    assert response.status_code == 401
    assert response.json["message"] == "Sign in to see your notifications."


def test_a_disabled_comment_withdraws_its_notification_and_enabling_it_brings_it_back(client, db):
    author, moderator = UserFactory(), UserFactory(moderator=True)
    post = PostFactory(author=author)
    client.post(f"/api/v1/posts/{post.id}/comments/", json={"body": "Rude"}, headers=token_auth(UserFactory()))
    comment_id = listed(client, author)[0]["subject_url"].rsplit("/", 1)[1]
    log_in_as(client, moderator)

    client.post(f"/moderate/disable/{comment_id}")
    assert listed(client, author) == []
    assert client.get("/api/v1/notifications/count", headers=token_auth(author)).json == {"unread": 0}

    client.post(f"/moderate/enable/{comment_id}")
    assert [notification["kind"] for notification in listed(client, author)] == ["comment"]


def test_an_unfollow_withdraws_the_follow_notification(client, db):
    ann, bob = UserFactory(), UserFactory()
    client.post(f"/api/v1/users/{bob.id}/follow", headers=token_auth(ann))

    client.delete(f"/api/v1/users/{bob.id}/follow", headers=token_auth(ann))

    assert listed(client, bob) == []


def test_a_deleted_comment_takes_its_notification(client, db):
    author = UserFactory()
    comment = CommentFactory(post=PostFactory(author=author))
    client.post(f"/api/v1/posts/{comment.post_id}/comments/", json={"body": "Hi"}, headers=token_auth(UserFactory()))
    assert len(listed(client, author)) == 1

    client.delete(f"/api/v1/posts/{comment.post_id}", headers=token_auth(author))

    assert listed(client, author) == []


def test_the_notifications_page_needs_a_signed_in_user(client, db):
    assert "/auth/login" in client.get("/notifications").headers["Location"]
    assert client.get("/api/v1/notifications/").status_code == 401
