"""Private messages: any confirmed user may write to any other, unless one of them has blocked the other."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import case, select, update
from sqlalchemy.orm import joinedload

from ..converters import LARGEST_ID
from ..exceptions import N_, Invalid, NotFound
from ..extensions import db
from ..models import Conversation, Message, User
from ..pagination import paginate
from ..timestamps import utcnow
from ..validation import Problems
from . import blocks, notifications
from .policy import Actor, require_confirmed
from .transactions import commit_retrying


def send_message(actor: Actor, recipient: User, body: Any) -> Message:
    """Send ``recipient`` a Markdown message from ``actor``; both sides' conversations and a notification go with it."""
    sender = require_confirmed(actor)
    if sender.id == recipient.id:
        raise Invalid(N_("You cannot send yourself a message."), {"recipient": [N_("is you")]})
    problems = Problems()
    text = problems.text("body", body)
    problems.raise_if_any(Invalid)
    recipient_id = recipient.id

    def write(_attempt: int) -> Message:
        blocks.refuse_if_blocked(sender, recipient_id, N_("message this user"))
        message = Message(sender=sender, recipient_id=recipient_id, body=text)
        db.session.add(message)
        db.session.flush()
        record_in_conversation(sender.id, recipient_id, message.id, unread=0)
        record_in_conversation(recipient_id, sender.id, message.id, unread=1)
        notifications.notify_message(message)
        return message

    return commit_retrying(write)


def record_in_conversation(user_id: int, other_id: int, message_id: int, unread: int) -> None:
    """Make ``message_id`` the newest of ``user_id``'s conversation with ``other_id``, starting it if there is none.

    Of two messages committed out of order, the newer stays the newest; two first messages at once both try to start
    the conversation, and the one that loses is written again by ``commit_retrying`` into the winner's.
    """
    newest = case((Conversation.last_message_id < message_id, message_id), else_=Conversation.last_message_id)
    result = db.session.execute(
        update(Conversation)
        .where(Conversation.user_id == user_id, Conversation.other_id == other_id)
        .values(last_message_id=newest, unread_count=Conversation.unread_count + unread)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 0:
        db.session.add(
            Conversation(user_id=user_id, other_id=other_id, last_message_id=message_id, unread_count=unread)
        )


def conversations_of(user: User, page: int, per_page: int) -> Pagination:
    """A page of ``user``'s conversations, newest message first, each with its correspondent and newest message."""
    statement = (
        select(Conversation)
        .where(Conversation.user_id == user.id)
        .options(joinedload(Conversation.other), joinedload(Conversation.last_message))
        .order_by(Conversation.last_message_id.desc())
    )
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def messages_between(user: User, other: User, page: int, per_page: int) -> Pagination:
    """A page of the messages ``user`` and ``other`` exchanged, newest first."""
    statement = select(Message).where(blocks.either_way(Message.sender_id, Message.recipient_id, user.id, other.id))
    return paginate(statement, page, per_page, order_by=[Message.id.desc()])


def mark_conversation_read(user: User, other: User) -> int:
    """Mark read every message ``other`` sent ``user``, and their notifications; returns how many were unread."""
    marked = mark_read(user, other)
    if marked:
        db.session.commit()
    return marked


@contextmanager
def reading_conversation(user: User, other: User) -> Iterator[int]:
    """Mark the conversation read while the block shows it, committing after (see ``notifications.reading``)."""
    marked = mark_read(user, other)
    yield marked
    if marked:
        db.session.commit()


def mark_read(user: User, other: User) -> int:
    """Mark ``other``'s unread messages to ``user`` read, uncommitted, with their notifications and unread count."""
    result = db.session.execute(
        update(Message)
        .where(Message.recipient_id == user.id, Message.sender_id == other.id, Message.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    marked = result.rowcount
    if marked:
        db.session.execute(
            update(Conversation)
            .where(Conversation.user_id == user.id, Conversation.other_id == other.id)
            .values(unread_count=Conversation.unread_count - marked)
            .execution_options(synchronize_session=False)
        )
        notifications.mark_messages_read(user, other.id)
    return marked


def message_for(user: User, message_id: int) -> Message:
    """The message ``message_id`` when ``user`` sent or received it; otherwise ``NotFound``, as if there were none."""
    message = db.session.get(Message, message_id) if 0 < message_id <= LARGEST_ID else None
    if message is None or user.id not in (message.sender_id, message.recipient_id):
        raise NotFound(f"There is no message {message_id}.", {"message": ["not found"]})
    return message
