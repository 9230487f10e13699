"""Downloading my data without Redis: the export goes through the outbox to a thread, its page follows it, and the
archive it writes holds every part of the account as JSON, for its owner only, for 24 hours."""

import io
import json
import zipfile
from datetime import datetime, timedelta

import pytest

from app.extensions import db
from app.models import DataExport, OutboxMessage
from app.models import export as export_model
from app.models.export import DONE, FAILED, RUNNING
from app.services import export
from app.timestamps import utcnow
from tests.clock import set_clock
from tests.factories import CommentFactory, FollowFactory, PostFactory, UserFactory
from tests.integration.api.conftest import token_auth
from tests.login import log_in_as
from tests.taskqueue import finish_background_tasks


@pytest.fixture
def app_config(app_config, tmp_path) -> dict[str, object]:
    """A database file, which the export's thread reaches on its own connection, as in production."""
    return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'export.sqlite'}", **app_config}


@pytest.fixture
def member(client, db):
    """A user with a post, a comment, a message each way and follows each way; signed in on ``client``."""
    user = UserFactory(username="member", email="member@example.com")
    friend = UserFactory(username="friend")
    PostFactory(author=user, title="My post", body="Hello")
    CommentFactory(author=user, post=PostFactory(author=friend, title="Their post"), body="Nice")
    FollowFactory(follower=user, followed=friend)
    FollowFactory(follower=friend, followed=user)
    client.post(f"/api/v1/conversations/{friend.id}", json={"body": "Hi friend"}, headers=token_auth(user))
    client.post(f"/api/v1/conversations/{user.id}", json={"body": "Hi member"}, headers=token_auth(friend))
    log_in_as(client, user)
    return user


def export_row(user) -> DataExport | None:
    db.session.expire_all()
    return db.session.scalar(db.select(DataExport).where(DataExport.user_id == user.id))


def archive_files(data: bytes) -> dict[str, object]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: json.loads(archive.read(name)) for name in archive.namelist()}


def test_download_my_data_writes_a_zip_of_every_part_of_the_account(client, member):
    response = client.post("/account/export")
    assert response.headers["Location"].endswith("/account/export")
    finish_background_tasks()

    page = client.get("/account/export").get_data(as_text=True)
    assert 'id="export-download" href="/account/export/download"' in page
    download = client.get("/account/export/download")

    assert download.mimetype == "application/zip"
    assert download.headers["Content-Disposition"].startswith("attachment; filename=flasky-member-")
    files = archive_files(download.get_data())
    assert sorted(files) == ["comments.json", "follows.json", "messages.json", "posts.json", "profile.json"]
    assert files["profile.json"]["username"] == "member"
    assert files["profile.json"]["email"] == "member@example.com"
    assert [post["title"] for post in files["posts.json"]] == ["My post"]
    assert [(comment["post_title"], comment["body"]) for comment in files["comments.json"]] == [("Their post", "Nice")]
    assert [(message["sender"], message["body"]) for message in files["messages.json"]] == [
        ("member", "Hi friend"),
        ("friend", "Hi member"),
    ]
    assert [follow["username"] for follow in files["follows.json"]["following"]] == ["friend"]
    assert [follow["username"] for follow in files["follows.json"]["followers"]] == ["friend"]


def test_the_progress_page_shows_the_bar_and_its_script_while_the_export_runs(client, member):
    db.session.add(DataExport(user_id=member.id, status=RUNNING, progress=40))
    db.session.commit()

    page = client.get("/account/export").get_data(as_text=True)

    assert '<div class="progress-bar" id="export-progress" style="width: 40%">40%</div>' in page
    assert '<script src="/static/js/export-progress.js"></script>' in page
    assert client.get("/account/export/status").json == {"status": "running", "progress": 40, "download_url": None}


def test_progress_is_reported_as_the_rows_are_written(client, member, monkeypatch):
    for _ in range(4):
        PostFactory(author=member)
    monkeypatch.setattr(export, "CHUNK", 2)
    reported = []
    original = export.report
    monkeypatch.setattr(
        export, "report", lambda export_id, **values: (reported.append(values), original(export_id, **values))
    )

    client.post("/account/export")
    finish_background_tasks()

    percents = [values["progress"] for values in reported]
    assert percents == sorted(percents)
    assert 0 < percents[0] < percents[-2] < 100
    assert percents[-1] == 100
    assert export_row(member).status == DONE


def test_a_second_request_while_an_export_runs_gets_that_export(client, member, app):
    db.session.add(DataExport(user_id=member.id, status=RUNNING, progress=10))
    db.session.commit()
    running = export_row(member).id

    client.post("/account/export")
    started = client.post("/api/v1/export", headers=token_auth(member))

    assert started.status_code == 202
    assert started.json["status"] == "running"
    assert export_row(member).id == running
    assert db.session.scalar(db.select(db.func.count()).select_from(DataExport)) == 1


def test_the_api_starts_follows_and_downloads_the_export(client, member):
    headers = token_auth(member)

    started = client.post("/api/v1/export", headers=headers)
    finish_background_tasks()

    assert started.status_code == 202
    assert started.headers["Location"] == "http://localhost/api/v1/export"
    done = client.get("/api/v1/export", headers=headers).json
    assert (done["status"], done["progress"], done["archive_url"]) == ("done", 100, "/api/v1/export/archive")
    archive = client.get(done["archive_url"], headers=headers)
    assert archive.mimetype == "application/zip"
    assert archive_files(archive.get_data())["profile.json"]["username"] == "member"


def test_the_archive_is_only_its_owners(client, member):
    client.post("/account/export")
    finish_background_tasks()
    other = UserFactory()
    log_in_as(client, other)

    assert client.get("/account/export/download").status_code == 404
    assert client.get("/api/v1/export/archive", headers=token_auth(other)).status_code == 404
    assert client.get("/api/v1/export", headers=token_auth(other)).status_code == 404


def test_the_archive_expires_24_hours_after_it_was_written(client, member, monkeypatch):
    clock = set_clock(monkeypatch, datetime(2030, 1, 1, 12, 0), (export_model, export))
    client.post("/account/export")
    finish_background_tasks()
    clock.advance(hours=23, minutes=59)
    assert client.get("/account/export/download").status_code == 200
    assert client.get("/api/v1/export", headers=token_auth(member)).json["expires_at"] == "2030-01-02T12:00:00.000Z"

    clock.advance(minutes=2)

    assert client.get("/account/export/download").status_code == 404
    assert export_row(member) is None
    assert "Start the export" in client.get("/account/export").get_data(as_text=True)


def test_a_failed_export_says_so_and_can_be_started_again(app, client, member, monkeypatch):
    app.config["FLASKY_OUTBOX_RETRY_DELAYS"] = []
    monkeypatch.setattr(export, "profile", lambda _user_id: 1 / 0)

    client.post("/account/export")
    finish_background_tasks()

    assert export_row(member).status == FAILED
    assert db.session.scalars(db.select(OutboxMessage)).all() == []
    page = client.get("/account/export").get_data(as_text=True)
    assert "The export failed." in page
    assert client.get("/account/export/status").json["status"] == "failed"
    monkeypatch.undo()
    client.post("/account/export")
    finish_background_tasks()
    assert export_row(member).status == DONE


def test_an_export_that_stopped_reporting_has_failed_and_is_started_afresh(client, member):
    stalled = utcnow() - export_model.STALLED_AFTER - timedelta(minutes=1)
    db.session.add(DataExport(user_id=member.id, status=RUNNING, progress=30, updated_at=stalled))
    db.session.commit()
    old = export_row(member).id

    assert client.get("/account/export/status").json["status"] == "failed"
    client.post("/account/export")
    finish_background_tasks()

    assert export_row(member).id != old
    assert export_row(member).status == DONE


def test_exporting_needs_a_signed_in_user(client, db):
    assert "/auth/login" in client.post("/account/export").headers["Location"]
    assert "/auth/login" in client.get("/account/export/download").headers["Location"]
    assert client.post("/api/v1/export").status_code == 401


def test_a_job_whose_export_was_replaced_or_deleted_stops_without_a_trace(member):
    replaced = DataExport(user_id=member.id, status=RUNNING)
    db.session.add(replaced)
    db.session.commit()
    gone = replaced.id

    export.run_export(gone + 1)
    assert export_row(member).status == RUNNING
    db.session.delete(replaced)
    db.session.commit()
    export.run_export(gone)

    assert export_row(member) is None


def test_an_attempt_whose_export_is_replaced_while_it_runs_gives_up(member, monkeypatch):
    db.session.add(DataExport(user_id=member.id, status=RUNNING))
    db.session.commit()
    first = export_row(member).id
    original = export.profile

    def replaced_meanwhile(user_id: int) -> dict[str, object]:
        db.session.execute(db.delete(DataExport))
        db.session.add(DataExport(user_id=member.id))
        db.session.commit()
        return original(user_id)

    monkeypatch.setattr(export, "profile", replaced_meanwhile)

    export.run_export(first)

    replacement = export_row(member)
    assert replacement.id != first
    assert (replacement.status, replacement.archive) == ("pending", None)
