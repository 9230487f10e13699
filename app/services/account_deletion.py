"""Deleting an account, after the password is given again: what the user wrote goes, and every session with it.

Removed: the user's posts (with every comment and favorite on them), their comments on others' posts, their
messages sent and received (and both sides' conversations), follows and blocks either way, notifications to or by
them, their export, and their sessions and tokens, which therefore end at once on every instance.
"""

from typing import Any

from sqlalchemy import delete, or_, select

from ..exceptions import N_, Conflict, Invalid, NotAllowed
from ..extensions import db
from ..models import (
    Block,
    Comment,
    Conversation,
    DataExport,
    Favorite,
    Follow,
    Message,
    Notification,
    Permission,
    Post,
    PostTag,
    Role,
    User,
)
from ..validation import Problems
from . import accounts
from .policy import Actor
from .transactions import commit_retrying


def delete_account(actor: Actor, user: User, password: Any) -> None:
    """Delete ``user``'s account: the user's own, or any for an administrator, who gives ``password``, their own.

    The last administrator's account is never deleted: the site would have nobody left to run it.
    """
    if not actor.is_authenticated:
        raise NotAllowed("Sign in first.", {"user": ["must be signed in"]})
    if actor.id != user.id and not actor.is_administrator():
        raise NotAllowed("Only administrators delete other users' accounts.", {"user": ["forbidden"]})
    problems = Problems()
    if not isinstance(password, str) or accounts.authenticate(actor.email or "", password) is None:
        problems.add("password", accounts.NOT_YOUR_PASSWORD)
    problems.raise_if_any(Invalid)
    user_id = user.id

    def write(_attempt: int) -> None:
        refuse_last_administrator(user_id)
        erase(user_id)

    commit_retrying(write)


def refuse_last_administrator(user_id: int) -> None:
    """``Conflict`` when ``user_id`` is the only administrator; the rows are held, so two deletions cannot both pass."""
    administrators = (
        select(User.id)
        .join(Role, Role.id == User.role_id)
        .where(Role.permissions.op("&")(int(Permission.ADMIN)) != 0)
        .with_for_update(of=User)
    )
    ids = db.session.scalars(administrators).all()
    if ids == [user_id]:
        raise Conflict(
            N_("This is the last administrator's account: make another user an administrator before deleting it."),
            {"user": [N_("is the last administrator")]},
        )


def erase(user_id: int) -> None:
    """Delete the user and everything of theirs, children first, as no engine is trusted to cascade (SQLite)."""
    posts = select(Post.id).where(Post.author_id == user_id)
    statements = [
        delete(Notification).where(or_(Notification.user_id == user_id, Notification.actor_id == user_id)),
        delete(Conversation).where(or_(Conversation.user_id == user_id, Conversation.other_id == user_id)),
        delete(Message).where(or_(Message.sender_id == user_id, Message.recipient_id == user_id)),
        delete(Block).where(or_(Block.blocker_id == user_id, Block.blocked_id == user_id)),
        delete(Follow).where(or_(Follow.follower_id == user_id, Follow.followed_id == user_id)),
        delete(Favorite).where(or_(Favorite.user_id == user_id, Favorite.post_id.in_(posts))),
        delete(Comment).where(or_(Comment.author_id == user_id, Comment.post_id.in_(posts))),
        delete(PostTag).where(PostTag.post_id.in_(posts)),
        delete(Post).where(Post.author_id == user_id),
        delete(DataExport).where(DataExport.user_id == user_id),
    ]
    for statement in statements:
        db.session.execute(statement.execution_options(synchronize_session=False))
    # The ORM deletes the rest the user owns (sessions and tokens among them) by the model's cascades.
    user = db.session.get(User, user_id)
    if user is not None:
        db.session.delete(user)
