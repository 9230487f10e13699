"""Private messages between two users, and each user's side of a conversation: the row the conversations list shows."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import url_for
from sqlalchemy import ForeignKey, Index, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..markdown import render_markdown
from ..timestamps import isoformat_utc, utcnow

if TYPE_CHECKING:
    from .user import User


class Message(db.Model):
    __tablename__ = "messages"
    # A conversation's pages read both directions on the first index; marking read and deleting a recipient's
    # messages use the second.
    __table_args__ = (
        Index("ix_messages_sender_id_recipient_id_id", "sender_id", "recipient_id", "id"),
        Index("ix_messages_recipient_id_sender_id_id", "recipient_id", "sender_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    timestamp: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    sender: Mapped["User"] = relationship(foreign_keys=[sender_id])
    recipient: Mapped["User"] = relationship(foreign_keys=[recipient_id])

    def to_json(self) -> dict[str, Any]:
        """The API representation."""
        return {
            "url": url_for("api.get_message", id=self.id),
            "sender_url": url_for("api.get_user", id=self.sender_id),
            "recipient_url": url_for("api.get_user", id=self.recipient_id),
            "body": self.body,
            "body_html": self.body_html,
            "timestamp": isoformat_utc(self.timestamp),
            "read_at": isoformat_utc(self.read_at),
        }

    def __repr__(self) -> str:
        return f"<Message {self.id}>"


@event.listens_for(Message.body, "set")
def _render_body(target: Message, value: str | None, oldvalue: Any, initiator: Any) -> None:
    target.body_html = render_markdown(value)


class Conversation(db.Model):
    """``user``'s side of the exchange with ``other``: its newest message and how many of ``other``'s are unread.

    Sending a message writes both sides in the message's own transaction; ``unread_count`` only ever moves by the
    number of rows a statement changed, so requests at the same moment cannot make it drift.
    """

    __tablename__ = "conversations"
    # The list is newest first: message ids grow with time, so the newest message's id orders it on the index.
    __table_args__ = (Index("ix_conversations_user_id_last_message_id", "user_id", "last_message_id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    other_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    last_message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    unread_count: Mapped[int] = mapped_column(default=0)

    other: Mapped["User"] = relationship(foreign_keys=[other_id])
    last_message: Mapped[Message] = relationship()

    def to_json(self) -> dict[str, Any]:
        """The API representation; ``other`` and ``last_message`` are loaded with the page."""
        return {
            "url": url_for("api.get_conversation", id=self.other_id),
            "user_url": url_for("api.get_user", id=self.other_id),
            "username": self.other.username,
            "unread_count": self.unread_count,
            "last_message": self.last_message.to_json(),
        }

    def __repr__(self) -> str:
        return f"<Conversation {self.user_id} with {self.other_id}>"
