"""The outbox: work a change causes (a mail to send), stored in the change's own transaction until it is done."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timestamps import utcnow

# Waiting for its next attempt; handed to a worker or a thread, under a claim; given up on after every attempt failed.
# A message that was delivered is deleted.
PENDING = "pending"
SENDING = "sending"
FAILED = "failed"
STATUSES = (PENDING, SENDING, FAILED)
SUMMARY_LENGTH = 256


class OutboxMessage(db.Model):
    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The name a handler registered with ``app.outbox.outbox_task``, such as "mail", and what it needs.
    task: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # What an administrator reads in ``flask mail failed``, such as "'[Flasky] Confirm Your Account' to a@b.c".
    summary: Mapped[str] = mapped_column(String(SUMMARY_LENGTH))
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Who may deliver it now: a worker's job or a thread holding another claim finds it is no longer theirs.
    claim: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.task} {self.status}>"
