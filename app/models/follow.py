"""Who follows whom."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, ForeignKey, and_
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

    @classmethod
    def followers_of(cls, user_id: int) -> ColumnElement[bool]:
        """The follows of the user ``user_id`` by others: the user's own self-follow is not a follower."""
        return and_(cls.followed_id == user_id, cls.follower_id != user_id)

    @classmethod
    def followed_by(cls, user_id: int) -> ColumnElement[bool]:
        """The follows by the user ``user_id`` of others."""
        return and_(cls.follower_id == user_id, cls.followed_id != user_id)

    def other_than(self, user: "User") -> "User":
        """The user of this follow who is not ``user``: the follower in ``user``'s followers, else the followed."""
        return self.follower if self.followed_id == user.id else self.followed
