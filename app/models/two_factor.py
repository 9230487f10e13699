"""Two-step sign-in: a user's authenticator secret and single-use recovery codes (the rules: services/two_factor.py)."""

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timestamps import utcnow

if TYPE_CHECKING:
    from .user import User

# pyotp.random_base32() makes 32 characters: 160 bits, as RFC 4226 recommends.
SECRET_LENGTH = 32


class TwoFactor(db.Model):
    """A user's authenticator app: pending until a first code confirms it (``enabled_at``), then on."""

    __tablename__ = "two_factor"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # The authenticator's key must be read back to check codes, so it is stored as it is (base32).
    secret: Mapped[str] = mapped_column(String(SECRET_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    enabled_at: Mapped[datetime | None]
    # The time step of the last code accepted: no code of that step or an earlier one is accepted again.
    last_used_step: Mapped[int | None]

    user: Mapped["User"] = relationship(back_populates="two_factor")

    @property
    def is_on(self) -> bool:
        return self.enabled_at is not None


class RecoveryCode(db.Model):
    """One of the codes that sign in once each without the authenticator app; only its SHA-256 digest is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]

    user: Mapped["User"] = relationship(back_populates="recovery_codes")

    @staticmethod
    def digest(code: str) -> str:
        return hashlib.sha256(code.encode("ascii")).hexdigest()
