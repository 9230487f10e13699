"""Comments on posts, which moderators can disable."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import url_for
from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timestamps import isoformat_utc, utcnow
from .body import body_from_json
from .role import Permission

if TYPE_CHECKING:
    from .post import Post
    from .user import AnonymousUser, User


class Comment(db.Model):
    __tablename__ = "comments"
    # A post's comments are listed oldest first: (post_id, timestamp, id) serves the filter, the order and the cursor.
    __table_args__ = (Index("ix_comments_post_id_timestamp_id", "post_id", "timestamp", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    timestamp: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    disabled: Mapped[bool] = mapped_column(default=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))

    author: Mapped["User | None"] = relationship(back_populates="comments")
    post: Mapped["Post | None"] = relationship(back_populates="comments")

    def visible_to(self, reader: "User | AnonymousUser | None") -> bool:
        """Whether ``reader`` may read the text: anyone while enabled, only moderators once disabled."""
        return not self.disabled or (reader is not None and reader.can(Permission.MODERATE))

    def deletable_by(self, user: "User | AnonymousUser") -> bool:
        """Whether ``user`` may delete this comment: its author, or a moderator."""
        return user.can(Permission.MODERATE) or (user.is_authenticated and user.id == self.author_id)

    def to_json(self, reader: "User | AnonymousUser | None" = None) -> dict[str, Any]:
        """The comment as the API shows it; a disabled comment's text only to a ``reader`` who moderates."""
        shown = self.visible_to(reader)
        return {
            "url": url_for("api.get_comment", id=self.id),
            "post_url": url_for("api.get_post", id=self.post_id),
            "body": self.body if shown else None,
            "body_html": self.body_html if shown else None,
            "disabled": self.disabled,
            "timestamp": isoformat_utc(self.timestamp),
            "author_url": url_for("api.get_user", id=self.author_id),
        }

    @staticmethod
    def from_json(json_comment: Any) -> "Comment":
        return Comment(body=body_from_json(json_comment, "comment"))

    def __repr__(self) -> str:
        return f"<Comment {self.id}>"
