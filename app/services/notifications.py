"""Notifications: written in the transaction of what they tell of, listed newest first, counted for the bell."""

import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Select, Update, bindparam, func, select, update
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Comment, Message, Notification, User, UserSession
from ..models.notification import COMMENT, FOLLOW, MESSAGE
from ..models.session import WEB_KINDS, parse_credential, secret_digest
from ..pagination import paginate
from ..timestamps import utcnow

# The bell counts this far and shows "99+" beyond: the count costs the same however many are unread.
COUNT_LIMIT = 100


def notify_follow(follower: User, followed_id: int) -> None:
    """Tell the user ``followed_id`` that ``follower`` follows them now."""
    notify(followed_id, FOLLOW, follower)


def notify_comment(comment: Comment, post_author_id: int | None) -> None:
    """Tell a post's author of ``comment`` on it, unless they wrote it."""
    notify(post_author_id, COMMENT, comment.author, comment=comment)


def notify_message(message: Message) -> None:
    """Tell the recipient of ``message`` that it came."""
    notify(message.recipient_id, MESSAGE, message.sender, message=message)


def notify(
    user_id: int | None, kind: str, actor: User, *, comment: Comment | None = None, message: Message | None = None
) -> None:
    """Add the notification, in the caller's transaction; nobody is notified of what they did themselves."""
    if user_id is None or user_id == actor.id:
        return
    db.session.add(Notification(user_id=user_id, kind=kind, actor=actor, comment=comment, message=message))


def unread_statement(user_id: int | ColumnElement[int]) -> Select:
    """The number of ``user_id``'s unread notifications still shown, counted up to ``COUNT_LIMIT``."""
    unread = (
        select(Notification.id)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None), Notification.shown())
        .limit(COUNT_LIMIT)
    )
    return select(func.count()).select_from(unread.subquery())


@cache
def unread_of_user() -> Select:
    """``unread_statement`` of the user id ``:user_id``, built once: the bell runs it on every page a signed-in user
    sees, and building it and computing its cache key anew each time cost as much as running it."""
    return unread_statement(bindparam("user_id"))


def unread_count(user: User) -> int:
    """How many notifications ``user`` has not read yet, up to ``COUNT_LIMIT``."""
    return db.session.scalar(unread_of_user(), {"user_id": user.id})


@cache
def unread_of_session() -> Select:
    """The user id, secret hash and unread count of the open web session ``:session_id`` of a confirmed user, at the
    time ``:now``, built once like ``unread_of_user``: the bell polls it from every open tab."""
    session_id = bindparam("session_id")
    owner = select(UserSession.user_id).where(UserSession.id == session_id).scalar_subquery()
    return (
        select(UserSession.user_id, UserSession.secret_hash, unread_statement(owner).scalar_subquery())
        .join(User, User.id == UserSession.user_id)
        .where(
            UserSession.id == session_id,
            UserSession.kind.in_(WEB_KINDS),
            UserSession.is_open(bindparam("now")),
            User.confirmed.is_(True),
        )
    )


def unread_count_for_session(credential: object) -> tuple[int, int] | None:
    """The user id and unread count of the open web session ``credential`` names, in one statement, no object loaded.

    What the navbar's bell polls: the session row (by its primary key, with its user's confirmation) and the bounded
    count on the index of unread notifications. ``None`` when no open session of a confirmed user has that credential.
    """
    parsed = parse_credential(credential)
    if parsed is None:
        return None
    session_id, secret = parsed
    row = db.session.execute(unread_of_session(), {"session_id": session_id, "now": utcnow()}).first()
    if row is None or not hmac.compare_digest(row.secret_hash, secret_digest(secret)):
        return None
    return row.user_id, row[2]


def notifications_of(user: User, page: int, per_page: int) -> Pagination:
    """A page of ``user``'s notifications still shown, newest first, with what each names loaded."""
    statement = select(Notification).where(Notification.user_id == user.id, Notification.shown())
    options = [
        joinedload(Notification.actor),
        joinedload(Notification.comment).joinedload(Comment.post),
        joinedload(Notification.message),
    ]
    return paginate(statement, page, per_page, order_by=[Notification.id.desc()], options=options)


@contextmanager
def reading(user: User, notifications: list[Notification]) -> Iterator[set[int]]:
    """Mark ``notifications`` of ``user``'s read while the block shows them; yields the ids of those that were unread.

    The mark is committed once the block is done, so the objects the block shows are not reloaded one by one (a
    commit expires them), and the bell it renders already counts them read.
    """
    new = {notification.id for notification in notifications if notification.read_at is None}
    if new:
        db.session.execute(unread_of(user).where(Notification.id.in_(new)).values(read_at=utcnow()))
    yield new
    if new:
        db.session.commit()


def mark_all_read(user: User) -> int:
    """Mark every notification of ``user``'s read; returns how many were unread."""
    result = db.session.execute(unread_of(user).values(read_at=utcnow()))
    db.session.commit()
    return result.rowcount


def mark_messages_read(user: User, sender_id: int) -> None:
    """Mark read the notifications of ``sender_id``'s messages to ``user``, in the caller's transaction."""
    statement = unread_of(user).where(Notification.kind == MESSAGE, Notification.actor_id == sender_id)
    db.session.execute(statement.values(read_at=utcnow()))


def unread_of(user: User) -> Update:
    """An update of ``user``'s unread notifications; objects in the session keep what they showed."""
    return (
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .execution_options(synchronize_session=False)
    )
