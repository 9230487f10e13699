"""Exports of a user's data: the job's progress, and the ZIP archive it wrote."""

from datetime import datetime, timedelta
from typing import Any

from flask import url_for
from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from ..extensions import db
from ..timestamps import isoformat_utc, utcnow

# Waiting for a worker or a thread; being written; written, and downloadable until it expires; given up on.
PENDING = "pending"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
STATUSES = (PENDING, RUNNING, DONE, FAILED)
# How long the archive can be downloaded once written.
DOWNLOAD_LIFETIME = timedelta(hours=24)
# An attempt that has reported no progress for this long has died with its worker or its process.
STALLED_AFTER = timedelta(minutes=10)


class DataExport(db.Model):
    """A user's export: at most one per user (the unique ``user_id``), so a second request finds the first."""

    __tablename__ = "data_exports"
    # Ids are never reused (SQLite's AUTOINCREMENT), so a job of a deleted export never takes up a newer one.
    __table_args__ = (CheckConstraint(f"status IN {STATUSES!r}", name="status"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    # Percent done, 0 to 100.
    progress: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the job last reported progress: the heartbeat that tells a running export from a dead one.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    # Loaded only to be downloaded: the progress page polls the other columns.
    archive: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))

    def state(self) -> str:
        """The status as the user should see it: a running export that stopped reporting has failed."""
        if self.status in (PENDING, RUNNING) and utcnow() - self.updated_at > STALLED_AFTER:
            return FAILED
        return self.status

    def has_expired(self) -> bool:
        """Whether the archive was written more than ``DOWNLOAD_LIFETIME`` ago."""
        return self.finished_at is not None and utcnow() > self.finished_at + DOWNLOAD_LIFETIME

    def expires_at(self) -> datetime | None:
        """When the archive stops being downloadable, once it is written."""
        return None if self.finished_at is None else self.finished_at + DOWNLOAD_LIFETIME

    def to_json(self) -> dict[str, Any]:
        """The API representation, as of now."""
        status = self.state()
        return {
            "status": status,
            "progress": self.progress,
            "created_at": isoformat_utc(self.created_at),
            "finished_at": isoformat_utc(self.finished_at),
            "expires_at": isoformat_utc(self.expires_at()),
            "archive_url": url_for("api.get_export_archive") if status == DONE else None,
        }

    def __repr__(self) -> str:
        return f"<DataExport {self.id} {self.status} {self.progress}%>"
