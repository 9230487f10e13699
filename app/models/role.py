"""Roles and the permissions they grant."""

import enum
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, select
from sqlalchemy.orm import DynamicMapped, Mapped, mapped_column, relationship

from ..extensions import db

if TYPE_CHECKING:
    from .user import User


class Permission(enum.IntFlag):
    """What a role lets its users do; the values are the book's, so stored roles keep their meaning."""

    FOLLOW = 1
    COMMENT = 2
    WRITE = 4
    MODERATE = 8
    ADMIN = 16


class Role(db.Model):
    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    default: Mapped[bool] = mapped_column(default=False, index=True)
    permissions: Mapped[int] = mapped_column(default=0)
    users: DynamicMapped["User"] = relationship(back_populates="role", lazy="dynamic")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if self.permissions is None:
            self.permissions = 0

    ROLES = {
        "User": [Permission.FOLLOW, Permission.COMMENT, Permission.WRITE],
        "Moderator": [Permission.FOLLOW, Permission.COMMENT, Permission.WRITE, Permission.MODERATE],
        "Administrator": [
            Permission.FOLLOW,
            Permission.COMMENT,
            Permission.WRITE,
            Permission.MODERATE,
            Permission.ADMIN,
        ],
    }
    DEFAULT_ROLE = "User"

    @classmethod
    def insert_roles(cls) -> None:
        """Create or repair the standard roles; running it again changes nothing."""
        for name, permissions in cls.ROLES.items():
            role = db.session.scalar(select(cls).filter_by(name=name))
            if role is None:
                role = cls(name=name)
            role.reset_permissions()
            for permission in permissions:
                role.add_permission(permission)
            role.default = name == cls.DEFAULT_ROLE
            db.session.add(role)
        db.session.commit()

    def add_permission(self, perm: int) -> None:
        self.permissions = int(self.permissions | perm)

    def remove_permission(self, perm: int) -> None:
        self.permissions = int(self.permissions & ~perm)

    def reset_permissions(self) -> None:
        self.permissions = 0

    def has_permission(self, perm: int) -> bool:
        return self.permissions & perm == perm

    def __repr__(self) -> str:
        return f"<Role {self.name!r}>"
