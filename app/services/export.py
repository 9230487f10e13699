"""Exporting a user's data: a background job writes a ZIP of JSON files, reporting its progress as it goes.

``start_export`` records the export and writes its job to the outbox (``app/outbox.py``) in the same transaction, as
mail goes: once committed, the job goes to the task queue when ``REDIS_URL`` is set, or to a thread of this process
without Redis; while Redis does not take it, it waits in the outbox until a drain queues it. The outbox tries a
failed attempt again after each of ``FLASKY_OUTBOX_RETRY_DELAYS``, and again after its lease when the worker or the
process died mid-job. A request while an export runs gets that export back. Each attempt starts over from nothing
and reports progress on the row, so a page can follow it; the last attempt to fail marks it failed, and one that
stopped reporting (its worker or process died) counts as failed too (``DataExport.state``). The archive can be
downloaded by its owner for 24 hours.
"""

import io
import json
import logging
import zipfile
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

from sqlalchemy import Row, Select, func, or_, select, update
from sqlalchemy.orm import aliased

from .. import outbox
from ..exceptions import NotFound
from ..extensions import db
from ..models import Comment, DataExport, Follow, Message, Post, User
from ..models.export import DONE, FAILED, PENDING, RUNNING
from ..timestamps import isoformat_utc, utcnow
from .policy import Actor, require_confirmed
from .transactions import commit_retrying

logger = logging.getLogger(__name__)

# Rows read and written between two progress reports.
CHUNK = 500
# Seconds one attempt may run before RQ stops it; longer than any export should take.
JOB_TIMEOUT = 600
EXPORT_TASK = "export"


class Superseded(Exception):
    """The export this attempt writes was replaced or deleted meanwhile: its work is no longer wanted."""


def start_export(actor: Actor) -> DataExport:
    """Start exporting ``actor``'s data, or return the export already under way."""
    user = require_confirmed(actor)

    def write(_attempt: int) -> DataExport:
        export = db.session.scalar(select(DataExport).where(DataExport.user_id == user.id))
        now = utcnow()
        if export is not None and export.state() in (PENDING, RUNNING):
            return export
        if export is not None:
            db.session.delete(export)
            db.session.flush()
        export = DataExport(user_id=user.id, created_at=now, updated_at=now)
        db.session.add(export)
        db.session.flush()
        outbox.add(EXPORT_TASK, {"export_id": export.id}, f"the export of {user.username}'s data")
        return export

    return commit_retrying(write)


def current_export(user: User) -> DataExport | None:
    """``user``'s export, unless there is none or its archive expired (an expired archive is deleted)."""
    export = db.session.scalar(select(DataExport).where(DataExport.user_id == user.id))
    if export is not None and export.has_expired():
        db.session.delete(export)
        db.session.commit()
        return None
    return export


def archive_of(user: User) -> tuple[bytes, str]:
    """The ZIP archive of ``user``'s finished export and a file name for it; ``NotFound`` when there is none."""
    export = current_export(user)
    if export is None or export.status != DONE:
        raise NotFound(
            "There is no archive to download: start an export, and download it within 24 hours of its making.",
            {"export": ["not found"]},
        )
    return export.archive, f"flasky-{user.username}-{export.finished_at:%Y%m%d-%H%M%S}.zip"


@outbox.outbox_task(EXPORT_TASK, job_timeout=JOB_TIMEOUT)
def run_export_task(payload: dict[str, Any]) -> None:
    """The outbox's work for an export row: ``run_export``."""
    run_export(payload["export_id"])


def run_export(export_id: int) -> None:
    """Write the archive of export ``export_id``; the last attempt to fail marks the export failed."""
    try:
        user_id = begin_attempt(export_id)
        if user_id is None:
            return
        archive = write_archive(export_id, user_id)
        finish(export_id, archive)
    except Superseded:
        return
    # Whatever failed, the attempt fails, for the outbox to try again; once no attempt is left the export says so to
    # its owner, who may start another, and nothing is left in the outbox.
    except Exception:
        if outbox.will_retry():
            raise
        logger.exception("Export %d failed on its last attempt", export_id)
        set_status(export_id, FAILED)


def begin_attempt(export_id: int) -> int | None:
    """Mark the export running from 0%; its user's id, or ``None`` when it is gone or already over."""
    # A worker's session outlives its jobs: read what the database holds now, not what an earlier job saw.
    db.session.rollback()
    export = db.session.get(DataExport, export_id)
    if export is None or export.status not in (PENDING, RUNNING):
        return None
    export.status, export.progress, export.updated_at = RUNNING, 0, utcnow()
    user_id = export.user_id
    db.session.commit()
    return user_id


def finish(export_id: int, archive: bytes) -> None:
    """Save the archive: the export is done, and downloadable from now for ``DOWNLOAD_LIFETIME``."""
    now = utcnow()
    values = {"status": DONE, "progress": 100, "archive": archive, "finished_at": now, "updated_at": now}
    report(export_id, **values)


def set_status(export_id: int, status: str) -> None:
    """Set the export's status, whatever the session was left in by what failed."""
    db.session.rollback()
    db.session.execute(update(DataExport).where(DataExport.id == export_id).values(status=status, updated_at=utcnow()))
    db.session.commit()


def report(export_id: int, **values: Any) -> None:
    """Write ``values`` on the running export and commit; ``Superseded`` when it is no longer this attempt's."""
    result = db.session.execute(
        update(DataExport)
        .where(DataExport.id == export_id, DataExport.status == RUNNING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount == 0:
        raise Superseded(export_id)


class Progress:
    """Counts the rows written against the rows to write, and reports the percent after each chunk."""

    def __init__(self, export_id: int, total: int) -> None:
        self.export_id = export_id
        self.total = max(total, 1)
        self.done = 0

    def advance(self, rows: int) -> None:
        self.done += rows
        # 100% is for the archive once saved.
        percent = min(99, self.done * 100 // self.total)
        report(self.export_id, progress=percent, updated_at=utcnow())


def write_archive(export_id: int, user_id: int) -> bytes:
    """The ZIP of the user's profile, posts, comments, messages and follows, each a JSON file."""
    files = export_files(user_id)
    statements = [statement for content in files.values() for statement in parts_of(content).values()]
    progress = Progress(export_id, 1 + sum(db.session.scalar(counted(statement)) for statement in statements))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("profile.json", "w") as stream:
            stream.write(json.dumps(profile(user_id), indent=2).encode() + b"\n")
        progress.advance(1)
        for name, content in files.items():
            with archive.open(f"{name}.json", "w") as stream:
                if isinstance(content, dict):
                    write_object(stream, content, progress)
                else:
                    write_array(stream, content, progress)
                stream.write(b"\n")
    return buffer.getvalue()


def parts_of(content: "Select | dict[str, Select]") -> dict[str, Select]:
    return content if isinstance(content, dict) else {"": content}


def write_object(stream: IO[bytes], parts: dict[str, Select], progress: Progress) -> None:
    """A JSON object with an array of rows for each of ``parts``."""
    stream.write(b"{")
    for index, (key, statement) in enumerate(parts.items()):
        stream.write(f"{',' if index else ''}\n  {json.dumps(key)}: ".encode())
        write_array(stream, statement, progress)
    stream.write(b"\n}")


def write_array(stream: IO[bytes], statement: Select, progress: Progress) -> None:
    """A JSON array of the rows of ``statement``, written a chunk at a time."""
    stream.write(b"[")
    first = True
    for rows in chunks(statement):
        for row in rows:
            stream.write(b"" if first else b",")
            stream.write(b"\n    " + json.dumps(as_json(row)).encode())
            first = False
        progress.advance(len(rows))
    stream.write(b"\n]" if not first else b"]")


def chunks(statement: Select) -> Iterator[list[Row]]:
    """The rows of ``statement``, whose first column is a unique key, read ``CHUNK`` at a time in its order.

    Each chunk is a query of its own, after the last key seen, so progress can be committed between chunks.
    """
    key = statement.selected_columns[0]
    last = None
    while True:
        page = statement.order_by(key).limit(CHUNK)
        if last is not None:
            page = page.where(key > last)
        rows = db.session.execute(page).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def counted(statement: Select) -> Select:
    return select(func.count()).select_from(statement.subquery())


def as_json(row: Row) -> dict[str, Any]:
    return {
        name: isoformat_utc(value) if isinstance(value, datetime) else value for name, value in row._asdict().items()
    }


def profile(user_id: int) -> dict[str, Any]:
    user = db.session.get(User, user_id)
    return {
        "username": user.username,
        "email": user.email,
        "name": user.name,
        "location": user.location,
        "about_me": user.about_me,
        "image": user.image,
        "role": user.role.name if user.role else None,
        "member_since": isoformat_utc(user.member_since),
        "last_seen": isoformat_utc(user.last_seen),
    }


def export_files(user_id: int) -> dict[str, "Select | dict[str, Select]"]:
    """What each JSON file holds: the rows of one statement, or an object of them; each statement's first column is
    a key unique within it."""
    sender, recipient, other = aliased(User), aliased(User), aliased(User)
    return {
        "posts": select(Post.id, Post.title, Post.body, Post.timestamp, Post.updated_at).where(
            Post.author_id == user_id
        ),
        "comments": select(Comment.id, Comment.post_id, Post.title.label("post_title"), Comment.body, Comment.timestamp)
        .join(Post, Post.id == Comment.post_id, isouter=True)
        .where(Comment.author_id == user_id),
        "messages": select(
            Message.id,
            sender.username.label("sender"),
            recipient.username.label("recipient"),
            Message.body,
            Message.timestamp,
            Message.read_at,
        )
        .join(sender, sender.id == Message.sender_id)
        .join(recipient, recipient.id == Message.recipient_id)
        .where(or_(Message.sender_id == user_id, Message.recipient_id == user_id)),
        "follows": {
            "following": select(Follow.followed_id.label("user_id"), other.username, Follow.timestamp.label("since"))
            .join(other, other.id == Follow.followed_id)
            .where(Follow.followed_by(user_id)),
            "followers": select(Follow.follower_id.label("user_id"), other.username, Follow.timestamp.label("since"))
            .join(other, other.id == Follow.follower_id)
            .where(Follow.followers_of(user_id)),
        },
    }
