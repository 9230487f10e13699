"""Who follows whom."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timestamps import utcnow

if TYPE_CHECKING:
    from .user import User


class Follow(db.Model):
    __tablename__ = "follows"

    follower_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    followed_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    timestamp: Mapped[datetime] = mapped_column(default=utcnow)
    follower: Mapped["User"] = relationship(foreign_keys=[follower_id], back_populates="followed")
    followed: Mapped["User"] = relationship(foreign_keys=[followed_id], back_populates="followers")
