"""Downloading my data with Redis: the export goes through the outbox to a job on the task queue that a real RQ worker
runs, retried by the outbox when an attempt fails or its worker dies mid-way, and marked failed once no attempt is
left."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from textwrap import dedent

import pytest
from rq.job import JobStatus

from app import outbox
from app.extensions import db
from app.models import DataExport, OutboxMessage
from app.models.export import DONE, FAILED, PENDING, RUNNING
from app.models.outbox import PENDING as WAITING
from app.services import export
from app.timestamps import utcnow
from tests.appserver import ROOT
from tests.factories import PostFactory, UserFactory
from tests.integration.api.conftest import token_auth
from tests.integration.empty_databases import postgres_server_url
from tests.login import log_in_as
from tests.taskqueue import work_off

# A worker in another process, stopped for good in the middle of the export: after its first progress report.
STALLING_WORKER = dedent(
    """
    import sys, time
    from rq import SimpleWorker
    from app import create_app, tasks
    from app.services import export

    report = export.report

    def report_then_stall(export_id, **values):
        report(export_id, **values)
        time.sleep(600)

    export.report = report_then_stall
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": sys.argv[1], "REDIS_URL": sys.argv[2]})
    with app.app_context():
        SimpleWorker([tasks.task_queue()], connection=tasks.redis_connection()).work(burst=True)
    """
)


@pytest.fixture
def app_config(app_config, tmp_path) -> dict[str, object]:
    """A database a worker in another process can open too."""
    return {"SQLALCHEMY_DATABASE_URI": postgres_server_url() or f"sqlite:///{tmp_path / 'queue.sqlite'}", **app_config}


@pytest.fixture
def member(client, db):
    user = UserFactory(username="member")
    PostFactory(author=user)
    log_in_as(client, user)
    return user


def status_of(user) -> str | None:
    db.session.rollback()
    row = db.session.scalar(db.select(DataExport).where(DataExport.user_id == user.id))
    return None if row is None else row.status


def outbox_rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(OutboxMessage)))


def make_due(seconds_ago: float = 1) -> None:
    """Move every outbox row's next attempt and claim back in time, as the clock would after the delay or lease."""
    earlier = utcnow() - timedelta(seconds=seconds_ago)
    db.session.execute(db.update(OutboxMessage).values(next_attempt_at=earlier, claimed_at=earlier))
    db.session.commit()


def wait_for(condition, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_with_redis_the_export_waits_for_a_worker_which_writes_it(client, member, task_queue):
    client.post("/account/export")

    assert task_queue.count == 1
    assert status_of(member) == PENDING
    assert client.get("/account/export/status").json == {"status": "pending", "progress": 0, "download_url": None}
    work_off(task_queue)

    assert status_of(member) == DONE
    assert client.get("/account/export/download").mimetype == "application/zip"


def test_a_second_request_while_the_job_waits_queues_nothing_more(client, member, task_queue):
    client.post("/account/export")
    client.post("/api/v1/export", headers=token_auth(member))

    assert task_queue.count == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(DataExport)) == 1


def test_the_job_is_the_outbox_delivery_of_the_export_with_its_time_limit(client, member, task_queue):
    client.post("/account/export")

    (job,) = task_queue.get_jobs()
    (row,) = outbox_rows()
    assert job.func_name == "app.outbox.deliver_job"
    assert job.args == (row.id, row.claim)
    assert (row.task, row.payload) == (export.EXPORT_TASK, {"export_id": db.session.scalar(db.select(DataExport.id))})
    assert job.timeout == export.JOB_TIMEOUT


def test_an_attempt_that_fails_is_retried_and_the_export_completes(client, member, task_queue, monkeypatch):
    profile = export.profile
    attempts = []

    def fails_once(user_id):
        attempts.append(user_id)
        if len(attempts) == 1:
            raise ConnectionError("the database went away")
        return profile(user_id)

    monkeypatch.setattr(export, "profile", fails_once)
    client.post("/account/export")

    work_off(task_queue)
    assert status_of(member) == RUNNING
    assert client.get("/account/export/status").json["status"] == "running"
    (waiting,) = outbox_rows()
    assert (waiting.status, waiting.attempts) == (WAITING, 1)
    make_due()
    assert outbox.drain() == 1
    work_off(task_queue)

    assert len(attempts) == 2
    assert status_of(member) == DONE
    assert outbox_rows() == []


def test_an_export_that_fails_every_attempt_says_so(app, client, member, task_queue, monkeypatch):
    monkeypatch.setattr(export, "profile", lambda _user_id: 1 / 0)
    client.post("/account/export")

    work_off(task_queue)
    for _retry in app.config["FLASKY_OUTBOX_RETRY_DELAYS"]:
        assert status_of(member) != FAILED
        make_due()
        assert outbox.drain() == 1
        work_off(task_queue)

    assert status_of(member) == FAILED
    assert outbox_rows() == []
    assert "The export failed." in client.get("/account/export").get_data(as_text=True)


def test_an_export_survives_its_worker_dying_mid_way(client, member, task_queue, app):
    client.post("/account/export")
    (job,) = task_queue.get_jobs()
    worker = subprocess.Popen(
        [sys.executable, "-c", STALLING_WORKER, app.config["SQLALCHEMY_DATABASE_URI"], app.config["REDIS_URL"]],
        cwd=ROOT,
        env={name: value for name, value in os.environ.items() if not name.startswith("FLASK")},
    )
    try:
        wait_for(lambda: status_of(member) == RUNNING and job.get_status(refresh=True) == JobStatus.STARTED)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)

    # Once the claim's lease has run out (an export's is its job's time limit, longer than FLASKY_OUTBOX_LEASE), a
    # drain takes the export up again.
    make_due(max(app.config["FLASKY_OUTBOX_LEASE"], export.JOB_TIMEOUT) + 1)
    assert outbox.drain() == 1
    work_off(task_queue)

    assert status_of(member) == DONE
    assert outbox_rows() == []
