"""The export service called directly: what the archive holds, word for word, and who may start or download it."""

import io
import json
import zipfile
from datetime import datetime

import pytest

from app.exceptions import NotAllowed, NotFound
from app.extensions import db as _db
from app.models import DataExport, Message, User
from app.models.export import DONE, PENDING, RUNNING
from app.services import export
from tests.factories import CommentFactory, FollowFactory, PostFactory, UserFactory

NOON = datetime(2026, 11, 28, 12, 0)


def exported(user: User) -> dict[str, object]:
    """The files of ``user``'s archive, written by the job as a worker runs it, parsed."""
    row = DataExport(user_id=user.id, status=RUNNING)
    _db.session.add(row)
    _db.session.commit()
    export.run_export(row.id)
    _db.session.expire_all()
    with zipfile.ZipFile(io.BytesIO(_db.session.get(DataExport, row.id).archive)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


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
    _db.session.add(sent)
    FollowFactory(follower=user, followed=friend, timestamp=NOON)
    _db.session.commit()

    files = {name: json.loads(text) for name, text in exported(user).items()}

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
        {"id": sent.id, "sender": "ann", "recipient": "bob", "body": "Hi bob", "timestamp": at, "read_at": at}
    ]
    assert files["follows.json"] == {
        "following": [{"user_id": friend.id, "username": "bob", "since": at}],
        "followers": [],
    }


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

    with pytest.raises(NotFound):
        export.archive_of(user)


def test_an_unconfirmed_account_cannot_start_an_export(db):
    with pytest.raises(NotAllowed):
        export.start_export(UserFactory(unconfirmed=True))

    assert _db.session.scalar(_db.select(_db.func.count()).select_from(DataExport)) == 0


def test_a_pending_export_is_returned_not_started_again(db):
    user = UserFactory()
    _db.session.add(DataExport(user_id=user.id, status=PENDING))
    _db.session.commit()
    pending = _db.session.scalar(_db.select(DataExport.id))

    assert export.start_export(user).id == pending
