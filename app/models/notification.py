"""Notifications: someone followed you, commented on your post or messaged you."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import url_for
from sqlalchemy import CheckConstraint, ColumnElement, ForeignKey, Index, String, and_, exists, or_, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timestamps import isoformat_utc, utcnow
from .comment import Comment
from .follow import Follow
from .message import Message

if TYPE_CHECKING:
    from .user import User

FOLLOW = "follow"
COMMENT = "comment"
MESSAGE = "message"
KINDS = (FOLLOW, COMMENT, MESSAGE)
UNREAD = text("read_at IS NULL")


class Notification(db.Model):
    """What happened to ``user`` (``kind``), done by ``actor``, about a comment or a message when it is one.

    A notification shows only while what it tells of holds (``Notification.shown()``): the follow still stands, the
    comment is still there and enabled. So unfollowing, or a moderator disabling the comment, withdraws it, and
    enabling the comment again brings it back, with no second bookkeeping to keep in step.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint(f"kind IN {KINDS!r}", name="kind"),
        # The page, newest first; and the unread ones the bell counts, on an index of those rows only.
        Index("ix_notifications_user_id_id", "user_id", "id"),
        Index("ix_notifications_unread", "user_id", "id", sqlite_where=UNREAD, postgresql_where=UNREAD),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    timestamp: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    actor: Mapped["User"] = relationship(foreign_keys=[actor_id])
    comment: Mapped[Comment | None] = relationship()
    message: Mapped[Message | None] = relationship()

    @staticmethod
    def shown() -> ColumnElement[bool]:
        """The condition that a notification still tells of something that holds."""
        return or_(
            and_(
                Notification.kind == FOLLOW,
                exists().where(Follow.follower_id == Notification.actor_id, Follow.followed_id == Notification.user_id),
            ),
            and_(
                Notification.kind == COMMENT,
                exists().where(Comment.id == Notification.comment_id, Comment.disabled.is_(False)),
            ),
            Notification.kind == MESSAGE,
        )

    @property
    def summary(self) -> str:
        """What happened, in words."""
        name = self.actor.username
        if self.kind == FOLLOW:
            return f"{name} followed you"
        if self.kind == COMMENT:
            return f"{name} commented on your post “{self.comment.post.title}”"
        return f"{name} sent you a message"

    @property
    def page_url(self) -> str:
        """The web page of what happened: the follower's profile, the comment, the conversation."""
        if self.kind == FOLLOW:
            return url_for("main.user", username=self.actor.username)
        if self.kind == COMMENT:
            return url_for("main.post", id=self.comment.post_id, page=-1, _anchor=f"comment-{self.comment_id}")
        return url_for("messages.conversation", username=self.actor.username)

    def to_json(self) -> dict[str, Any]:
        """The API representation; ``actor``, ``comment`` (with its post) and ``message`` are loaded with the page."""
        subjects = {
            FOLLOW: lambda: url_for("api.get_user", id=self.actor_id),
            COMMENT: lambda: url_for("api.get_comment", id=self.comment_id),
            MESSAGE: lambda: url_for("api.get_message", id=self.message_id),
        }
        return {
            "kind": self.kind,
            "summary": self.summary,
            "actor_url": url_for("api.get_user", id=self.actor_id),
            "subject_url": subjects[self.kind](),
            "page_url": self.page_url,
            "timestamp": isoformat_utc(self.timestamp),
            "read": self.read_at is not None,
        }

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind}>"
