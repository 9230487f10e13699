"""Redis stopped for real (a redis-server of the test's own) while people register, sign in and post.

Nothing that needs only the database fails: the rate limiter counts in this process's memory and warns once, the
confirmation mail waits in the outbox, committed with its account, and leaves once Redis is back; so does an export,
committed with its row, which a worker in another process writes once Redis is back.
"""

import logging
import os
import subprocess
import sys
from textwrap import dedent

import pytest
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from rq import SimpleWorker
from sqlalchemy import select, text

from app import outbox, tasks
from app.extensions import db as _db
from app.models import DataExport, OutboxMessage, Post, User
from app.models.export import DONE
from app.models.export import PENDING as EXPORT_PENDING
from app.models.outbox import PENDING
from app.services.export import EXPORT_TASK
from tests.apps import rate_limited
from tests.appserver import ROOT
from tests.factories import PostFactory, UserFactory
from tests.integration.empty_databases import postgres_server_url
from tests.login import log_in_as
from tests.mailserver import finish_deliveries, link_path
from tests.outages import RedisServer, forget_outages

LIMIT = 3
NEW_USER = {"email": "susan@example.com", "username": "susan", "password": "dog-kennel", "password2": "dog-kennel"}
FALLING_BACK = "Rate limit storage unreachable - falling back to in-memory storage"
# ``flask worker --burst`` in a process of its own: it drains the outbox, then works off the queue.
BURST_WORKER = dedent(
    """
    import sys
    from app import create_app

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": sys.argv[1], "REDIS_URL": sys.argv[2]})
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    sys.exit(result.exit_code)
    """
)


@pytest.fixture
def redis_server(tmp_path):
    forget_outages()
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()
    forget_outages()


@pytest.fixture
def app_config(app_config, redis_server, tmp_path):
    """The task queue in database 0 of the test's Redis, the rate limiter's counts in database 1, and a database a
    worker in another process can open too."""
    return {
        "REDIS_URL": redis_server.url(0),
        "SQLALCHEMY_DATABASE_URI": postgres_server_url() or f"sqlite:///{tmp_path / 'outages.sqlite'}",
        **rate_limited(f"{LIMIT} per minute", redis_server.url(1)),
        **app_config,
    }


@pytest.fixture
def stamped(app, db):
    """The database stamped at the head revision, as ``flask deploy`` leaves it, so /readyz can be ready."""
    script = ScriptDirectory(app.extensions["migrate"].directory)
    with _db.engine.begin() as connection:
        MigrationContext.configure(connection).stamp(script, "head")
    yield
    with _db.engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))


def work_off(app) -> None:
    """A real RQ worker, in this process, until the queue is empty."""
    queue = tasks.task_queue()
    SimpleWorker([queue], connection=queue.connection).work(burst=True)


def outbox_rows() -> list[OutboxMessage]:
    _db.session.expire_all()
    return _db.session.scalars(select(OutboxMessage)).all()


def test_a_registration_while_redis_is_stopped_keeps_the_account_and_its_mail_until_redis_is_back(
    app, client, redis_server, smtp_server
):
    redis_server.stop()

    response = client.post("/auth/register", data=NEW_USER, follow_redirects=True)

    assert response.status_code == 200
    assert "A confirmation email has been sent to you by email." in response.text
    assert _db.session.scalar(select(User).filter_by(username="susan")) is not None
    [waiting] = outbox_rows()
    assert (waiting.status, waiting.summary) == (PENDING, "'[Flasky] Confirm Your Account' to susan@example.com")

    redis_server.start()
    assert outbox.drain() == 1
    work_off(app)
    confirmed = client.get(link_path(smtp_server.latest_to("susan@example.com")), follow_redirects=True)
    assert "You have confirmed your account. Thanks!" in confirmed.text
    assert outbox_rows() == []


def test_signing_in_while_redis_is_stopped_works(client, redis_server):
    UserFactory(email="john@example.com", username="john")
    redis_server.stop()

    response = client.post("/auth/login", data={"email": "john@example.com", "password": "cat"})

    assert response.status_code == 302
    assert "Hello, john!" in client.get("/").text


def test_while_redis_is_stopped_the_limit_is_counted_in_this_process(client, redis_server):
    redis_server.stop()
    wrong = {"email": "john@example.com", "password": "wrong"}

    allowed = [client.post("/auth/login", data=wrong).status_code for _ in range(LIMIT)]
    refused = client.post("/auth/login", data=wrong)

    assert allowed == [200] * LIMIT
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0


def test_posting_while_redis_is_stopped_works(client, redis_server):
    log_in_as(client, UserFactory(username="john"))
    redis_server.stop()

    response = client.post("/", data={"body": "written without Redis", "submit": "Submit"}, follow_redirects=True)

    assert response.status_code == 200
    assert "Your post has been published." in response.text
    assert _db.session.scalars(select(Post.body)).all() == ["written without Redis"]


def test_an_outage_is_logged_once_not_on_every_request(client, redis_server, caplog):
    redis_server.stop()

    with caplog.at_level(logging.WARNING):
        for number in range(LIMIT):
            registration = {**NEW_USER, "email": f"user{number}@example.com", "username": f"user{number}"}
            client.post("/auth/register", data=registration)
            client.post("/auth/logout")

    warnings = [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]
    assert warnings.count(FALLING_BACK) == 1
    assert len([message for message in warnings if message.startswith("Redis does not answer")]) == 1
    assert len(outbox_rows()) == LIMIT


def test_readyz_says_redis_is_degraded_and_the_instance_still_serves(client, redis_server, stamped):
    redis_server.stop()

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.get_json()["status"] == "degraded"
    assert response.get_json()["degraded"] == ["redis"]
    assert response.get_json()["checks"]["redis"] == "unreachable"


@pytest.mark.app_config(FLASKY_OUTBOX_DRAIN_INTERVAL=0.01)
def test_once_redis_is_back_the_next_request_drains_the_outbox(app, client, redis_server):
    redis_server.stop()
    client.post("/auth/register", data=NEW_USER)
    finish_deliveries()
    assert outbox_rows()[0].status == PENDING

    redis_server.start()
    client.get("/")
    finish_deliveries()

    assert tasks.task_queue().count == 1
    assert outbox_rows()[0].claim is not None


def test_an_export_requested_while_redis_is_stopped_waits_in_the_outbox_for_a_worker_once_redis_is_back(
    app, client, redis_server
):
    member = UserFactory(username="member")
    PostFactory(author=member, title="Kept")
    log_in_as(client, member)
    redis_server.stop()

    client.post("/account/export")
    # The web process is gone now, and what it knew with it: only the database remembers the export.
    _db.session.remove()

    [waiting] = outbox_rows()
    assert (waiting.task, waiting.status, waiting.claim) == (EXPORT_TASK, PENDING, None)
    assert _db.session.scalar(select(DataExport.status)) == EXPORT_PENDING
    redis_server.start()
    worker = subprocess.run(
        [sys.executable, "-c", BURST_WORKER, app.config["SQLALCHEMY_DATABASE_URI"], app.config["REDIS_URL"]],
        cwd=ROOT,
        env={name: value for name, value in os.environ.items() if not name.startswith("FLASK")},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert worker.returncode == 0, worker.stderr
    assert outbox_rows() == []
    assert _db.session.scalar(select(DataExport.status)) == DONE
    download = client.get("/account/export/download")
    assert download.mimetype == "application/zip"
