"""The notifications service: who is told of what, what the bell counts (for the session's user only), the list,
and marking read, committed."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db as _db
from app.models import Notification, Post, SessionKind, User, UserSession
from app.models.notification import COMMENT, FOLLOW, MESSAGE
from app.services import comments, follows, messages, notifications, sessions
from app.timestamps import utcnow
from tests.clock import SIGN_IN_MODULES, set_clock
from tests.factories import PostFactory, UserFactory

DAY = timedelta(days=1)


def told(user: User) -> list[tuple[str, int]]:
    """The kind and actor of ``user``'s notifications, oldest first."""
    rows = _db.session.scalars(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
    return [(row.kind, row.actor_id) for row in rows]


def unread_notifications(user: User) -> set[tuple[str, int]]:
    """The kind and actor of ``user``'s unread notifications."""
    rows = _db.session.scalars(
        select(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )
    return {(row.kind, row.actor_id) for row in rows}


def unread_committed(user: User) -> int:
    _db.session.rollback()
    return notifications.unread_count(user)


def test_a_follow_a_comment_and_a_message_tell_the_user_they_concern(db):
    ann, bob = UserFactory(), UserFactory()
    post = PostFactory(author=ann)
    follows.follow(bob, ann)
    comment = comments.add_comment(bob, post, "Nice")
    message = messages.send_message(bob, ann, "Hello")
    assert told(ann) == [(FOLLOW, bob.id), (COMMENT, bob.id), (MESSAGE, bob.id)]
    rows = _db.session.scalars(select(Notification).order_by(Notification.id)).all()
    assert [(row.comment_id, row.message_id) for row in rows] == [(None, None), (comment.id, None), (None, message.id)]
    assert told(bob) == []


def test_nobody_is_told_of_what_they_did_themselves_or_of_a_post_without_an_author(db):
    ann = UserFactory()
    comments.add_comment(ann, PostFactory(author=ann), "My own")
    orphan = Post(body="Nobody's")
    _db.session.add(orphan)
    _db.session.commit()
    comments.add_comment(ann, orphan, "On nobody's")
    assert _db.session.scalars(select(Notification)).all() == []


def test_the_bell_counts_the_unread_still_shown_of_its_user_only(db):
    ann, bob, cy = UserFactory(), UserFactory(), UserFactory()
    follows.follow(bob, ann)
    follows.follow(cy, ann)
    comment = comments.add_comment(bob, PostFactory(author=ann), "Nice")
    messages.send_message(bob, ann, "Hello")
    messages.send_message(ann, cy, "To cy")
    assert notifications.unread_count(ann) == 4
    follows.unfollow(cy, ann)
    comments.set_comment_disabled(UserFactory(moderator=True), comment, True)
    assert notifications.unread_count(ann) == 2
    messages.mark_conversation_read(ann, bob)
    assert notifications.unread_count(ann) == 1
    assert notifications.unread_count(cy) == 1


def test_the_unread_statement_counts_the_unread_of_its_user_only(db):
    """``unread_statement`` itself: the bells' statements are built from it once per process, so their own tests may
    run one built before."""
    ann, bob = UserFactory(), UserFactory()
    messages.send_message(bob, ann, "Read")
    messages.mark_conversation_read(ann, bob)
    messages.send_message(bob, ann, "Unread")
    messages.send_message(ann, bob, "To bob")
    assert _db.session.scalar(notifications.unread_statement(ann.id)) == 1
    assert _db.session.scalar(notifications.unread_statement(bob.id)) == 1


def test_the_bell_counts_up_to_its_limit(db):
    ann, bob = UserFactory(), UserFactory()
    _db.session.add_all(
        [Notification(user_id=ann.id, kind=MESSAGE, actor_id=bob.id) for _ in range(notifications.COUNT_LIMIT + 1)]
    )
    _db.session.commit()
    assert notifications.unread_count(ann) == notifications.COUNT_LIMIT


def session_of(user: User, kind: SessionKind, lifetime: timedelta = DAY) -> str:
    _row, credential = UserSession.start(user, kind, lifetime)
    _db.session.commit()
    return credential


@pytest.mark.parametrize("kind", [SessionKind.WEB, SessionKind.REMEMBER])
def test_an_open_web_session_gets_its_users_id_and_count(db, kind):
    ann, bob = UserFactory(), UserFactory()
    credential = session_of(ann, kind)
    session_of(bob, kind)
    follows.follow(bob, ann)
    cy = UserFactory()
    follows.follow(cy, ann)
    follows.unfollow(cy, ann)
    messages.send_message(ann, bob, "To bob")
    assert notifications.unread_count_for_session(credential) == (ann.id, 1)


def test_a_session_that_expires_between_two_polls_gets_no_count_at_the_second(db, monkeypatch):
    """The poll's statement is built once; the time it checks the session's expiry against is each poll's own."""
    ann = UserFactory()
    credential = session_of(ann, SessionKind.WEB, timedelta(hours=1))
    assert notifications.unread_count_for_session(credential) == (ann.id, 0)

    later = utcnow() + timedelta(hours=2)
    set_clock(monkeypatch, later, (notifications, *SIGN_IN_MODULES))

    assert notifications.unread_count_for_session(credential) is None


def test_the_count_needs_an_open_web_session_of_a_confirmed_user_with_its_secret(db):
    ann = UserFactory()
    credential = session_of(ann, SessionKind.WEB)
    session_id, secret = credential.split(".")
    assert notifications.unread_count_for_session(f"{session_id}.{secret[:-1]}x") is None
    assert notifications.unread_count_for_session(f"{int(session_id) + 1}.{secret}") is None
    assert notifications.unread_count_for_session(None) is None
    assert notifications.unread_count_for_session("not a credential") is None
    assert notifications.unread_count_for_session(session_of(ann, SessionKind.API)) is None
    assert notifications.unread_count_for_session(session_of(ann, SessionKind.WEB, -DAY)) is None
    ended = session_of(ann, SessionKind.WEB)
    sessions.revoke(ann, int(ended.split(".")[0]))
    assert notifications.unread_count_for_session(ended) is None
    unconfirmed = session_of(UserFactory(unconfirmed=True), SessionKind.WEB)
    assert notifications.unread_count_for_session(unconfirmed) is None
    assert notifications.unread_count_for_session(credential) == (ann.id, 0)


def test_the_list_is_the_users_notifications_still_shown_newest_first_a_page_at_a_time(db):
    ann, bob, cy = UserFactory(), UserFactory(), UserFactory()
    follows.follow(bob, ann)
    follows.follow(cy, ann)
    messages.send_message(cy, ann, "Hello")
    follows.follow(ann, bob)
    follows.unfollow(bob, ann)
    page = notifications.notifications_of(ann, 1, 1)
    assert [(row.kind, row.actor.username, row.message.body) for row in page.items] == [(MESSAGE, cy.username, "Hello")]
    assert [(row.kind, row.actor_id) for row in notifications.notifications_of(ann, 2, 1).items] == [(FOLLOW, cy.id)]
    assert notifications.notifications_of(ann, 3, 1).items == []


def test_a_page_of_notifications_loads_what_each_names_at_once(db, count_queries):
    ann, bob = UserFactory(), UserFactory()
    post = PostFactory(author=ann)
    for _ in range(2):
        follows.follow(other := UserFactory(), ann)
        comments.add_comment(other, post, "Nice")
        messages.send_message(other, ann, "Hello")
    follows.follow(bob, ann)
    ann_id = ann.id
    with count_queries() as log:
        page = notifications.notifications_of(_db.session.get(User, ann_id), 1, 10)
        shown = [
            (row.actor.username, row.comment and row.comment.post.body, row.message and row.message.body)
            for row in page.items
        ]
    assert len(shown) == 7
    assert log.count == 3  # the user, the page, and its count


def test_reading_a_senders_messages_marks_only_their_message_notifications(db):
    ann, bob, cy = UserFactory(), UserFactory(), UserFactory()
    follows.follow(bob, ann)
    messages.send_message(bob, ann, "Hello")
    messages.send_message(cy, ann, "Hello")
    messages.send_message(bob, cy, "Hello")
    notifications.mark_messages_read(ann, bob.id)
    assert unread_notifications(ann) == {(FOLLOW, bob.id), (MESSAGE, cy.id)}
    assert unread_notifications(cy) == {(MESSAGE, bob.id)}


def test_reading_marks_the_shown_unread_ones_and_commits_after_the_block(db):
    ann, bob, cy = UserFactory(), UserFactory(), UserFactory()
    follows.follow(bob, ann)
    follows.follow(cy, ann)
    follows.follow(ann, cy)
    first, second = _db.session.scalars(select(Notification).where(Notification.user_id == ann.id)).all()
    with notifications.reading(ann, [first]) as new:
        assert new == {first.id}
    assert unread_committed(ann) == 1
    assert unread_committed(cy) == 1
    with notifications.reading(ann, [first, second]) as new:
        assert new == {second.id}
    assert unread_committed(ann) == 0
    with notifications.reading(ann, [first, second]) as new:
        assert new == set()


def test_marking_all_read_is_the_users_own_and_committed(db):
    ann, bob = UserFactory(), UserFactory()
    follows.follow(bob, ann)
    messages.send_message(bob, ann, "Hello")
    messages.send_message(ann, bob, "Back")
    assert notifications.mark_all_read(ann) == 2
    assert unread_committed(ann) == 0
    assert unread_committed(bob) == 1
    assert notifications.mark_all_read(ann) == 0
