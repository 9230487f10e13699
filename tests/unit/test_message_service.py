"""The messages service as the interfaces call it: who may write to whom, both sides' conversations, reading, and a
message seen by its two users only."""

import pytest
from sqlalchemy import func, select

from app.converters import LARGEST_ID
from app.exceptions import Invalid, NotAllowed, NotFound
from app.extensions import db as _db
from app.models import AnonymousUser, Conversation, Message, Notification, User
from app.services import blocks, follows, messages
from tests.factories import UserFactory


def conversation(user: User, other: User) -> tuple[int, int] | None:
    """The id of the newest message and the unread count of ``user``'s conversation with ``other``, committed."""
    _db.session.rollback()
    row = _db.session.get(Conversation, (user.id, other.id), populate_existing=True)
    return None if row is None else (row.last_message_id, row.unread_count)


def written() -> list[int]:
    """How many messages, conversations and notifications there are."""
    return [
        _db.session.scalar(select(func.count()).select_from(model)) for model in (Message, Conversation, Notification)
    ]


def unread_notifications(user: User) -> set[tuple[str, int]]:
    return {
        (row.kind, row.actor_id)
        for row in _db.session.scalars(select(Notification).where(Notification.user_id == user.id))
        if row.read_at is None
    }


def test_a_message_starts_both_sides_conversations_and_notifies_the_recipient(db):
    ann, bob = UserFactory(), UserFactory()
    message = messages.send_message(ann, bob, "Hello, *Bob*")
    assert (message.sender_id, message.recipient_id, message.body) == (ann.id, bob.id, "Hello, *Bob*")
    assert conversation(ann, bob) == (message.id, 0)
    assert conversation(bob, ann) == (message.id, 1)
    notification = _db.session.scalar(select(Notification))
    assert (notification.user_id, notification.actor_id, notification.kind) == (bob.id, ann.id, "message")
    assert notification.message_id == message.id


def test_each_message_becomes_the_newest_and_counts_unread_for_its_recipient_only(db):
    ann, bob, cy = UserFactory(), UserFactory(), UserFactory()
    first = messages.send_message(ann, bob, "one")
    second = messages.send_message(ann, bob, "two")
    messages.send_message(cy, bob, "from cy")
    assert conversation(bob, ann) == (second.id, 2)
    assert conversation(ann, bob) == (second.id, 0)
    reply = messages.send_message(bob, ann, "back")
    assert conversation(ann, bob) == (reply.id, 1)
    assert conversation(bob, ann) == (reply.id, 2)
    assert first.id < second.id < reply.id


def test_a_message_committed_after_a_newer_one_leaves_the_newer_the_newest(db):
    ann, bob = UserFactory(), UserFactory()
    older, newer = messages.send_message(ann, bob, "older"), messages.send_message(ann, bob, "newer")
    messages.record_in_conversation(bob.id, ann.id, older.id, unread=1)
    _db.session.commit()
    assert conversation(bob, ann) == (newer.id, 3)


def test_writing_to_yourself_is_refused_and_writes_nothing(db):
    ann = UserFactory()
    with pytest.raises(Invalid) as refused:
        messages.send_message(ann, ann, "Hello")
    assert (refused.value.message, refused.value.errors) == (
        "You cannot send yourself a message.",
        {"recipient": ["is you"]},
    )
    assert written() == [0, 0, 0]


@pytest.mark.parametrize(
    ("body", "problem"), [(None, "can't be blank"), ("  ", "can't be blank"), (42, "must be a string")]
)
def test_a_message_needs_a_body(db, body, problem):
    with pytest.raises(Invalid) as refused:
        messages.send_message(UserFactory(), UserFactory(), body)
    assert refused.value.errors == {"body": [problem]}
    assert written() == [0, 0, 0]


@pytest.mark.parametrize("sender", [AnonymousUser, lambda: UserFactory(unconfirmed=True)])
def test_only_a_confirmed_user_writes(db, sender):
    with pytest.raises(NotAllowed):
        messages.send_message(sender(), UserFactory(), "Hello")
    assert written() == [0, 0, 0]


def test_a_block_either_way_stops_a_message_with_words_for_each_side(db):
    ann, bob = UserFactory(), UserFactory()
    blocks.block(bob, ann)
    with pytest.raises(NotAllowed) as blocked:
        messages.send_message(ann, bob, "Hello")
    assert (blocked.value.message, blocked.value.errors) == ("You cannot message this user.", {"user": ["forbidden"]})
    with pytest.raises(NotAllowed) as blocking:
        messages.send_message(bob, ann, "Hello")
    assert blocking.value.message == "You have blocked this user: unblock them first to message this user."
    assert written() == [0, 0, 0]


def test_the_conversations_come_newest_message_first_a_page_at_a_time(db):
    ann, bob, cy, dee = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    messages.send_message(ann, bob, "to bob")
    messages.send_message(cy, ann, "from cy")
    messages.send_message(ann, dee, "to dee")
    messages.send_message(bob, cy, "not ann's")
    page = messages.conversations_of(ann, 1, 2)
    assert [(row.other.username, row.last_message.body) for row in page.items] == [
        (dee.username, "to dee"),
        (cy.username, "from cy"),
    ]
    assert page.total == 3
    assert [row.other.username for row in messages.conversations_of(ann, 2, 2).items] == [bob.username]
    assert messages.conversations_of(ann, 3, 2).items == []


def test_a_page_of_conversations_loads_its_correspondents_and_messages_at_once(db, count_queries):
    ann = UserFactory()
    for _ in range(3):
        messages.send_message(UserFactory(), ann, "Hello")
    ann_id = ann.id
    with count_queries() as log:
        page = messages.conversations_of(_db.session.get(User, ann_id), 1, 10)
        shown = [(row.other.username, row.last_message.body) for row in page.items]
    assert len(shown) == 3
    assert log.count == 3  # the user, the page, and its count


def test_messages_between_two_users_are_theirs_both_ways_newest_first(db):
    ann, bob, cy = UserFactory(), UserFactory(), UserFactory()
    for sender, recipient, body in ((ann, bob, "1"), (bob, ann, "2"), (ann, cy, "to cy"), (cy, bob, "cy to bob")):
        messages.send_message(sender, recipient, body)
    messages.send_message(ann, bob, "3")
    assert [message.body for message in messages.messages_between(bob, ann, 1, 10).items] == ["3", "2", "1"]
    assert [message.body for message in messages.messages_between(ann, bob, 2, 2).items] == ["1"]


def test_reading_a_conversation_marks_only_the_others_messages_and_their_notifications(db):
    ann, bob, cy = UserFactory(), UserFactory(), UserFactory()
    follows.follow(bob, ann)
    messages.send_message(bob, ann, "one")
    messages.send_message(bob, ann, "two")
    messages.send_message(cy, ann, "from cy")
    messages.send_message(ann, bob, "ann's own")
    messages.send_message(bob, cy, "to cy")
    assert messages.mark_conversation_read(ann, bob) == 2
    assert conversation(ann, bob)[1] == 0
    assert conversation(ann, cy)[1] == 1
    assert conversation(bob, ann)[1] == 1
    assert conversation(cy, bob)[1] == 1
    read = {row.body for row in _db.session.scalars(select(Message).where(Message.read_at.is_not(None)))}
    assert read == {"one", "two"}
    assert unread_notifications(ann) == {("follow", bob.id), ("message", cy.id)}
    assert messages.mark_conversation_read(ann, bob) == 0


def test_a_conversation_read_while_shown_is_committed_after_the_block(db):
    ann, bob = UserFactory(), UserFactory()
    messages.send_message(bob, ann, "one")
    with messages.reading_conversation(ann, bob) as marked:
        assert marked == 1
        assert _db.session.scalar(select(Message.read_at)) is not None
    assert conversation(ann, bob)[1] == 0
    assert unread_notifications(ann) == set()
    with messages.reading_conversation(ann, bob) as marked:
        assert marked == 0


def test_a_message_is_found_by_its_two_users_only(db):
    ann, bob, cy = UserFactory(), UserFactory(), UserFactory()
    message_id = messages.send_message(ann, bob, "Hello").id
    assert messages.message_for(ann, message_id).body == "Hello"
    assert messages.message_for(bob, message_id).body == "Hello"
    with pytest.raises(NotFound) as refused:
        messages.message_for(cy, message_id)
    assert (refused.value.message, refused.value.errors) == (
        f"There is no message {message_id}.",
        {"message": ["not found"]},
    )


def test_the_largest_id_is_a_message_id(db):
    ann, bob = UserFactory(), UserFactory()
    _db.session.add(Message(id=LARGEST_ID, sender_id=ann.id, recipient_id=bob.id, body="Far"))
    _db.session.commit()
    assert messages.message_for(bob, LARGEST_ID).body == "Far"


@pytest.mark.parametrize("message_id", [0, -1, LARGEST_ID, LARGEST_ID + 1])
def test_an_id_of_no_message_is_not_found(db, message_id):
    ann = UserFactory()
    messages.send_message(ann, UserFactory(), "Hello")
    with pytest.raises(NotFound):
        messages.message_for(ann, message_id)
