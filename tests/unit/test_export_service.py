"""The export service called directly: what the archive holds, word for word, and who may start or download it."""

import io
import json
import logging
import zipfile
from datetime import datetime, timedelta

import pytest

from app.exceptions import NotAllowed, NotFound
from app.extensions import db as _db
from app.models import Comment, DataExport, Message, OutboxMessage, User
from app.models.export import DONE, FAILED, PENDING, RUNNING
from app.services import export
from tests.factories import CommentFactory, FollowFactory, PostFactory, UserFactory
from tests.taskqueue import finish_background_tasks

NOON = datetime(2026, 11, 28, 12, 0)


def running_export(user: User) -> DataExport:
    row = DataExport(user_id=user.id, status=RUNNING)
    _db.session.add(row)
    _db.session.commit()
    return row


def exported(user: User) -> dict[str, str]:
    """The files of ``user``'s archive, written by the job as a worker runs it."""
    row = running_export(user)
    export.run_export(row.id)
    _db.session.expire_all()
    finished = _db.session.get(DataExport, row.id)
    assert (finished.status, finished.progress) == (DONE, 100)
    with zipfile.ZipFile(io.BytesIO(finished.archive)) as archive:
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_DEFLATED}
        return {name: archive.read(name).decode() for name in archive.namelist()}


def reported_progress(monkeypatch) -> list[int]:
    """The percents the job reports, in order, the last one as it saves the archive."""
    reports: list[int] = []
    report = export.report

    def recording(export_id: int, **values: object) -> None:
        reports.append(values["progress"])
        report(export_id, **values)

    monkeypatch.setattr(export, "report", recording)
    return reports


def test_the_archive_holds_the_profile_and_every_row_with_its_timestamps(db):
    user = UserFactory(
        username="ann", email="ann@example.com", name="Ann", location="Oslo", about_me="Hi", member_since=NOON
    )
    user.last_seen = NOON
    friend = UserFactory(username="bob")
    post = PostFactory(author=user, title="Mine", body="Text", timestamp=NOON, updated_at=NOON)
    other = PostFactory(author=friend, title="Theirs")
    comment = CommentFactory(author=user, post=other, body="Nice", timestamp=NOON)
    sent = Message(sender_id=user.id, recipient_id=friend.id, body="Hi bob", timestamp=NOON, read_at=NOON)
    received = Message(sender_id=friend.id, recipient_id=user.id, body="Hi ann", timestamp=NOON)
    _db.session.add_all([sent, received])
    FollowFactory(follower=user, followed=friend, timestamp=NOON)
    FollowFactory(follower=friend, followed=user, timestamp=NOON)
    _db.session.commit()

    texts = exported(user)
    files = {name: json.loads(text) for name, text in texts.items()}

    at = "2026-11-28T12:00:00.000Z"
    assert files["profile.json"] == {
        "username": "ann",
        "email": "ann@example.com",
        "name": "Ann",
        "location": "Oslo",
        "about_me": "Hi",
        "image": user.image,
        "role": "User",
        "member_since": at,
        "last_seen": at,
    }
    assert files["posts.json"] == [{"id": post.id, "title": "Mine", "body": "Text", "timestamp": at, "updated_at": at}]
    assert files["comments.json"] == [
        {"id": comment.id, "post_id": other.id, "post_title": "Theirs", "body": "Nice", "timestamp": at}
    ]
    assert files["messages.json"] == [
        {"id": sent.id, "sender": "ann", "recipient": "bob", "body": "Hi bob", "timestamp": at, "read_at": at},
        {"id": received.id, "sender": "bob", "recipient": "ann", "body": "Hi ann", "timestamp": at, "read_at": None},
    ]
    assert files["follows.json"] == {
        "following": [{"user_id": friend.id, "username": "bob", "since": at}],
        "followers": [{"user_id": friend.id, "username": "bob", "since": at}],
    }
    # Written as a person reads them: the profile indented, one row a line.
    assert texts["profile.json"] == json.dumps(files["profile.json"], indent=2) + "\n"
    assert texts["posts.json"] == f"[\n    {json.dumps(files['posts.json'][0])}\n]\n"


def test_a_comment_whose_post_is_gone_is_exported_without_a_title(db):
    user = UserFactory()
    _db.session.add(Comment(author=user, post_id=None, body="Orphan", timestamp=NOON))
    _db.session.commit()

    (comment,) = json.loads(exported(user)["comments.json"])

    assert (comment["body"], comment["post_id"], comment["post_title"]) == ("Orphan", None, None)


def test_an_account_without_a_role_exports_none_for_it(db):
    user = UserFactory()
    user.role = None
    _db.session.commit()

    assert json.loads(exported(user)["profile.json"])["role"] is None


def test_progress_counts_the_profile_and_every_row_and_ends_at_100_once_saved(db, monkeypatch):
    monkeypatch.setattr(export, "CHUNK", 2)
    user = UserFactory()
    for number in range(5):
        PostFactory(author=user, title=f"Post {number}")
    reports = reported_progress(monkeypatch)

    exported(user)

    # 6 rows: the profile, then the posts 2, 2 and 1 at a time; 99% until the archive is saved.
    assert reports == [16, 50, 83, 99, 100]


def test_rows_are_read_in_key_order_whatever_order_they_were_written_in(db, monkeypatch):
    monkeypatch.setattr(export, "CHUNK", 1)
    user = UserFactory()
    later, earlier = UserFactory(), UserFactory()
    FollowFactory(follower=earlier, followed=user)
    FollowFactory(follower=later, followed=user)

    followers = json.loads(exported(user)["follows.json"])["followers"]

    assert [row["user_id"] for row in followers] == [later.id, earlier.id]


def test_progress_reports_the_percent_done_and_stays_below_100(db):
    user = UserFactory()
    row = running_export(user)

    def progress_after(progress: export.Progress, rows: int) -> int:
        progress.advance(rows)
        _db.session.expire_all()
        return _db.session.get(DataExport, row.id).progress

    row.updated_at = NOON
    _db.session.commit()
    thirds = export.Progress(row.id, 3)
    assert [progress_after(thirds, 1), progress_after(thirds, 1), progress_after(thirds, 1)] == [33, 66, 99]
    # Each report says the job is alive: a running export that stops reporting counts as failed.
    assert row.updated_at > NOON
    assert progress_after(export.Progress(row.id, 1), 1) == 99
    assert progress_after(export.Progress(row.id, 0), 0) == 0


def test_a_report_writes_only_its_own_running_export(db):
    mine, theirs = running_export(UserFactory()), running_export(UserFactory())
    done = DataExport(user_id=UserFactory().id, status=DONE, progress=100)
    _db.session.add(done)
    _db.session.commit()

    export.report(mine.id, progress=40)
    with pytest.raises(export.Superseded) as superseded:
        export.report(done.id, progress=40)

    assert superseded.value.args == (done.id,)
    _db.session.expire_all()
    assert [row.progress for row in (mine, theirs, done)] == [40, 0, 100]


def test_an_attempt_starts_from_nothing_and_one_for_an_export_that_is_over_does_nothing(db):
    user = UserFactory()
    row = running_export(user)
    row.progress, row.updated_at = 50, NOON
    finished = DataExport(user_id=UserFactory().id, status=DONE, progress=100, archive=b"zip", updated_at=NOON)
    _db.session.add(finished)
    _db.session.commit()

    assert export.begin_attempt(row.id) == user.id
    assert export.begin_attempt(finished.id) is None
    assert export.begin_attempt(finished.id + 1) is None

    _db.session.expire_all()
    assert (row.status, row.progress) == (RUNNING, 0)
    assert row.updated_at > NOON
    assert (finished.status, finished.progress, finished.archive, finished.updated_at) == (DONE, 100, b"zip", NOON)


def test_the_last_attempt_to_fail_marks_the_export_failed_and_logs_it(db, monkeypatch, caplog):
    row = running_export(UserFactory())
    other = running_export(UserFactory())

    def broken(export_id: int, user_id: int) -> bytes:
        # The attempt stopped reporting long ago, then failed: marking it failed stamps it now.
        _db.session.execute(_db.update(DataExport).where(DataExport.id == export_id).values(updated_at=NOON))
        _db.session.commit()
        raise RuntimeError("disk full")

    monkeypatch.setattr(export, "write_archive", broken)
    with caplog.at_level(logging.ERROR, logger=export.__name__):
        export.run_export(row.id)

    _db.session.expire_all()
    assert (row.status, other.status) == (FAILED, RUNNING)
    assert row.updated_at > NOON
    assert [(record.getMessage(), record.exc_info[1].args) for record in caplog.records] == [
        (f"Export {row.id} failed on its last attempt", ("disk full",))
    ]


def test_every_row_is_written_once_however_many_chunks_it_takes(db, monkeypatch):
    monkeypatch.setattr(export, "CHUNK", 2)
    user = UserFactory()
    posts = [PostFactory(author=user, title=f"Post {number}") for number in range(5)]

    files = exported(user)

    assert [row["id"] for row in json.loads(files["posts.json"])] == [post.id for post in posts]


def test_empty_parts_are_empty_arrays(db):
    files = exported(UserFactory())

    assert (files["posts.json"], files["comments.json"], files["messages.json"]) == ("[]\n", "[]\n", "[]\n")
    assert files["follows.json"] == '{\n  "following": [],\n  "followers": []\n}\n'


def test_the_archive_is_named_after_its_owner_and_when_it_was_written(db):
    user = UserFactory(username="ann")
    _db.session.add(DataExport(user_id=user.id, status=DONE, archive=b"zip", finished_at=export.utcnow()))
    _db.session.commit()
    finished = _db.session.scalar(_db.select(DataExport.finished_at))

    assert export.archive_of(user) == (b"zip", f"flasky-ann-{finished:%Y%m%d-%H%M%S}.zip")


def test_an_archive_still_being_written_cannot_be_downloaded(db):
    user = UserFactory()
    _db.session.add(DataExport(user_id=user.id, status=RUNNING))
    _db.session.commit()

    with pytest.raises(NotFound) as not_found:
        export.archive_of(user)

    assert not_found.value.message == (
        "There is no archive to download: start an export, and download it within 24 hours of its making."
    )
    assert not_found.value.errors == {"export": ["not found"]}


def test_an_expired_archive_is_deleted_and_no_longer_there(db):
    user = UserFactory()
    _db.session.add(DataExport(user_id=user.id, status=DONE, finished_at=export.utcnow() - timedelta(days=2)))
    _db.session.commit()

    assert export.current_export(user) is None
    assert _db.session.scalar(_db.select(_db.func.count()).select_from(DataExport)) == 0


def test_an_unconfirmed_account_cannot_start_an_export(db):
    with pytest.raises(NotAllowed):
        export.start_export(UserFactory(unconfirmed=True))

    assert _db.session.scalar(_db.select(_db.func.count()).select_from(DataExport)) == 0


def test_starting_an_export_records_it_and_hands_its_job_to_the_outbox(db, monkeypatch):
    user = UserFactory(username="ann")
    added = []
    add = export.outbox.add

    def recording(task: str, payload: dict, summary: str):
        row = _db.session.get(DataExport, payload["export_id"])
        added.append(
            (task, payload, summary, row.status, row.created_at is not None and row.created_at == row.updated_at)
        )
        return add(task, payload, summary)

    monkeypatch.setattr(export.outbox, "add", recording)
    started = export.start_export(user)
    finish_background_tasks()

    # Recorded pending, made and updated at the same moment, then written by its job.
    assert added == [("export", {"export_id": started.id}, "the export of ann's data", PENDING, True)]
    _db.session.expire_all()
    row = _db.session.scalar(_db.select(DataExport))
    assert (row.id, row.user_id, row.status) == (started.id, user.id, DONE)
    assert _db.session.scalar(_db.select(_db.func.count()).select_from(OutboxMessage)) == 0


def test_a_new_export_replaces_a_finished_one(db):
    user = UserFactory()
    _db.session.add(DataExport(user_id=user.id, status=FAILED))
    _db.session.commit()
    failed = _db.session.scalar(_db.select(DataExport.id))

    started = export.start_export(user)
    finish_background_tasks()

    assert started.id != failed
    assert _db.session.scalars(_db.select(DataExport.id)).all() == [started.id]


def test_a_pending_export_is_returned_not_started_again(db):
    user = UserFactory()
    _db.session.add(DataExport(user_id=user.id, status=PENDING))
    _db.session.commit()
    pending = _db.session.scalar(_db.select(DataExport.id))

    assert export.start_export(user).id == pending
