"""Who has blocked whom."""

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timestamps import utcnow


class Block(db.Model):
    """``blocker`` has blocked ``blocked``, who can no longer message, follow or comment on the posts of the blocker."""

    __tablename__ = "blocks"

    blocker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    blocked_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    timestamp: Mapped[datetime] = mapped_column(default=utcnow)
