"""The task queue: jobs go to Redis, a real RQ worker runs them, and a failing job ends in the failed registry."""

from flask_mail import Message
from rq import Retry, SimpleWorker
from rq.job import JobStatus
from rq.registry import FailedJobRegistry

from app import tasks
from tests.mailserver import free_port, text_body, use_mail_server
from tests.taskqueue import UNREACHABLE_REDIS_URL


def a_message(to: str = "susan@example.com") -> Message:
    return Message(subject="[Flasky] Hello", sender="flasky@example.com", recipients=[to], body="Hello, Susan.")


def work_off(queue) -> None:
    """Run a real RQ worker, in this process, until the queue is empty."""
    SimpleWorker([queue], connection=queue.connection).work(burst=True)


def test_queued_mail_waits_for_a_worker(task_queue, smtp_server):
    tasks.queue_task(tasks.send_message, a_message())
    assert task_queue.count == 1
    assert smtp_server.messages == []


def test_a_worker_delivers_queued_mail(task_queue, smtp_server):
    queued = tasks.queue_task(tasks.send_message, a_message())
    assert not queued.failed()
    work_off(task_queue)
    message = smtp_server.latest_to("susan@example.com")
    assert message["Subject"] == "[Flasky] Hello"
    assert text_body(message).strip() == "Hello, Susan."
    assert queued.job.get_status() == JobStatus.FINISHED


def test_jobs_are_retried_with_backoff_by_default(task_queue):
    job = tasks.enqueue(tasks.send_message, a_message())
    assert job.retries_left == 3
    assert job.retry_intervals == [10, 30, 60]


def test_a_job_that_keeps_failing_ends_in_the_failed_registry_after_its_retries(app, task_queue):
    use_mail_server(app, "127.0.0.1", free_port())
    job = tasks.enqueue(tasks.send_message, a_message(), retry=Retry(max=3, interval=0))
    work_off(task_queue)
    job.refresh()
    assert job.get_status() == JobStatus.FAILED
    assert job.retries_left == 0
    assert job.id in FailedJobRegistry(queue=task_queue).get_job_ids()
    assert "ConnectionRefusedError" in job.latest_result().exc_string


def test_a_task_redis_refuses_is_reported_failed_and_logged(app, caplog):
    app.config["REDIS_URL"] = UNREACHABLE_REDIS_URL
    queued = tasks.queue_task(tasks.send_message, a_message())
    assert queued.failed()
    assert "Could not queue send_message" in caplog.text


def test_flask_worker_delivers_queued_mail_and_stops_when_empty_in_burst_mode(runner, task_queue, smtp_server):
    tasks.enqueue(tasks.send_message, a_message())
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert smtp_server.latest_to("susan@example.com")["Subject"] == "[Flasky] Hello"
    assert task_queue.count == 0


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


def test_when_redis_cannot_take_the_mail_the_page_offers_to_send_it_again(app, client, smtp_server):
    app.config["REDIS_URL"] = UNREACHABLE_REDIS_URL
    response = client.post("/auth/register", data=REGISTRATION, follow_redirects=True)
    assert "We could not send the confirmation email." in response.get_data(as_text=True)
