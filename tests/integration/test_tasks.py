"""The task queue: jobs go to Redis, a real RQ worker runs them, and a failing job ends in the failed registry."""

import threading
import time

from flask import Flask
from rq import Retry, SimpleWorker
from rq.job import JobStatus
from rq.registry import FailedJobRegistry
from sqlalchemy import select

from app import outbox, tasks
from app.email import send_email
from app.extensions import db
from app.models import OutboxMessage
from app.models.outbox import PENDING
from tests.factories import UserFactory
from tests.mailserver import free_port, text_body, use_mail_server
from tests.taskqueue import UNREACHABLE_REDIS_URL


def refuse() -> None:
    """A job that fails every time, as a send to a closed port does."""
    raise ConnectionRefusedError("nothing listens there")


def a_mail(app: Flask, to: str = "susan@example.com"):
    """Mail ``to`` through ``send_email`` in a request, committed; returns the delivery."""
    with app.test_request_context():
        delivery = send_email(to, "Hello", "email/new_user", user=UserFactory(username="john"))
        db.session.commit()
    return delivery


def work_off(queue) -> None:
    """Run a real RQ worker, in this process, until the queue is empty."""
    SimpleWorker([queue], connection=queue.connection).work(burst=True)


def outbox_rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage)).all()


def test_queued_mail_waits_for_a_worker(app, db, task_queue, smtp_server):
    delivery = a_mail(app)
    assert not delivery.failed()
    assert task_queue.count == 1
    assert smtp_server.messages == []


def test_a_worker_delivers_queued_mail_and_empties_the_outbox(app, db, task_queue, smtp_server):
    a_mail(app)
    job = task_queue.jobs[0]
    work_off(task_queue)
    message = smtp_server.latest_to("susan@example.com")
    assert message["Subject"] == "[Flasky] Hello"
    assert "john" in text_body(message)
    assert job.get_status() == JobStatus.FINISHED
    assert outbox_rows() == []


def test_jobs_are_retried_with_backoff_by_default(task_queue):
    job = tasks.enqueue(refuse)
    assert job.retries_left == 3
    assert job.retry_intervals == [10, 30, 60]


def test_a_job_that_keeps_failing_ends_in_the_failed_registry_after_its_retries(task_queue):
    job = tasks.enqueue(refuse, retry=Retry(max=3, interval=0))
    work_off(task_queue)
    job.refresh()
    assert job.get_status() == JobStatus.FAILED
    assert job.retries_left == 0
    assert job.id in FailedJobRegistry(queue=task_queue).get_job_ids()
    assert "ConnectionRefusedError" in job.latest_result().exc_string


def test_a_mail_the_worker_cannot_send_waits_in_the_outbox_for_its_next_attempt(app, db, task_queue):
    use_mail_server(app, "127.0.0.1", free_port())
    a_mail(app)
    job = task_queue.jobs[0]
    work_off(task_queue)
    assert job.get_status() == JobStatus.FINISHED
    [row] = outbox_rows()
    assert (row.status, row.attempts, row.claim) == (PENDING, 1, None)
    assert "ConnectionRefusedError" in row.last_error


def test_a_mail_redis_refuses_waits_in_the_outbox_and_is_not_reported_failed(app, db, caplog):
    app.config["REDIS_URL"] = UNREACHABLE_REDIS_URL
    delivery = a_mail(app)
    assert not delivery.failed()
    [row] = outbox_rows()
    assert (row.status, row.claim, row.attempts) == (PENDING, None, 0)
    assert "Redis does not answer" in caplog.text


def test_once_redis_is_back_a_drain_queues_the_mail_that_waited(app, db, task_queue, smtp_server):
    redis_url = app.config["REDIS_URL"]
    app.config["REDIS_URL"] = UNREACHABLE_REDIS_URL
    app.extensions.pop("redis")
    a_mail(app)
    assert outbox_rows()[0].status == PENDING
    app.config["REDIS_URL"] = redis_url
    app.extensions.pop("redis")

    assert outbox.drain() == 1
    assert task_queue.count == 1
    work_off(task_queue)
    assert smtp_server.latest_to("susan@example.com")["Subject"] == "[Flasky] Hello"
    assert outbox_rows() == []


def test_a_job_whose_message_was_claimed_again_sends_nothing(app, db, task_queue, smtp_server):
    a_mail(app)
    [row] = outbox_rows()
    row.claim = "another deliverer"
    db.session.commit()
    work_off(task_queue)
    assert smtp_server.messages == []
    assert outbox_rows()[0].claim == "another deliverer"


def test_flask_worker_delivers_queued_mail_and_stops_when_empty_in_burst_mode(app, runner, task_queue, smtp_server):
    a_mail(app)
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert smtp_server.latest_to("susan@example.com")["Subject"] == "[Flasky] Hello"
    assert task_queue.count == 0


def test_the_worker_forks_a_work_horse_only_once_a_drain_has_let_go(task_queue):
    job = task_queue.enqueue(time.time)
    draining, released = threading.Event(), []

    def drain_for_half_a_second() -> None:
        with tasks.FORK_LOCK:
            draining.set()
            time.sleep(0.5)
            released.append(time.time())

    drain = threading.Thread(target=drain_for_half_a_second)
    drain.start()
    draining.wait(5)
    tasks.OutboxSafeWorker([task_queue], connection=task_queue.connection).work(burst=True)
    drain.join()

    assert job.get_status(refresh=True) == JobStatus.FINISHED
    assert job.return_value() >= released[0]


def test_flask_worker_needs_redis(runner):
    result = runner.invoke(args=["worker"])
    assert result.exit_code == 2
    assert "REDIS_URL is not set" in result.output


def test_the_redis_client_is_made_once_from_redis_url(app):
    app.config["REDIS_URL"] = "redis://:secret@cache.example.com:6380/2"
    connection = tasks.redis_connection()
    assert tasks.redis_connection() is connection
    settings = connection.connection_pool.connection_kwargs
    assert (settings["host"], settings["port"], settings["db"], settings["password"]) == (
        "cache.example.com",
        6380,
        2,
        "secret",
    )


REGISTRATION = {
    "email": "susan@example.com",
    "username": "susan",
    "password": "a long password",
    "password2": "a long password",
}


def test_with_redis_a_registration_queues_its_confirmation_mail_for_the_worker(client, task_queue, smtp_server):
    response = client.post("/auth/register", data=REGISTRATION, follow_redirects=True)
    assert "A confirmation email has been sent to you by email." in response.get_data(as_text=True)
    assert task_queue.count == 1
    assert smtp_server.messages == []
    work_off(task_queue)
    confirmation = smtp_server.latest_to("susan@example.com")
    assert "/auth/confirm/" in text_body(confirmation)


def test_when_redis_cannot_take_the_mail_the_account_and_its_mail_are_kept_for_later(app, client, smtp_server):
    app.config["REDIS_URL"] = UNREACHABLE_REDIS_URL
    response = client.post("/auth/register", data=REGISTRATION, follow_redirects=True)
    assert "A confirmation email has been sent to you by email." in response.get_data(as_text=True)
    [row] = outbox_rows()
    assert (row.status, row.summary) == (PENDING, "'[Flasky] Confirm Your Account' to susan@example.com")
