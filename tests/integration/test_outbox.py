"""The outbox: mail saved with the change that caused it, retried with back-off, and failed mail an administrator
lists and sends again (``flask mail failed``, ``flask mail retry``)."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app import outbox
from app.email import send_email
from app.extensions import db as _db
from app.models import OutboxMessage
from app.models.outbox import FAILED, PENDING, SENDING
from app.services.export import EXPORT_TASK, JOB_TIMEOUT
from app.timestamps import utcnow
from tests.factories import UserFactory
from tests.mailserver import finish_deliveries, free_port, use_mail_server

NEW_USER = {"email": "susan@example.com", "username": "susan", "password": "dog-kennel", "password2": "dog-kennel"}


@pytest.fixture
def smtp_down(app):
    """The app's mail server on a port nothing listens on."""
    use_mail_server(app, "127.0.0.1", free_port())


def mail_to(app, address: str) -> None:
    """A mail to ``address``, written to the outbox and committed, as a view's action does it."""
    with app.test_request_context():
        send_email(address, "Hello", "email/new_user", user=UserFactory(username=address.split("@")[0]))
        _db.session.commit()
    finish_deliveries()


def rows() -> list[OutboxMessage]:
    _db.session.expire_all()
    return list(_db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def make_due() -> None:
    """Move every waiting message's next attempt to now, as the clock would after its delay."""
    _db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    _db.session.commit()


def test_a_registration_refused_as_taken_leaves_no_mail_behind(client, db, smtp_server):
    UserFactory(email="susan@example.com")

    response = client.post("/auth/register", data=NEW_USER)

    assert response.status_code == 200
    assert "already" in response.text
    assert rows() == []
    assert smtp_server.messages == []


def test_a_mail_smtp_refuses_waits_for_its_next_attempt_after_the_first_delay(app, db, smtp_down):
    mail_to(app, "susan@example.com")

    [row] = rows()
    assert (row.status, row.attempts, row.claim) == (PENDING, 1, None)
    assert "ConnectionRefusedError" in row.last_error
    delay = app.config["FLASKY_OUTBOX_RETRY_DELAYS"][0]
    assert utcnow() + timedelta(seconds=delay - 2) < row.next_attempt_at <= utcnow() + timedelta(seconds=delay)
    assert outbox.drain() == 0


def test_each_attempt_waits_longer_and_after_the_last_the_mail_is_failed(app, db, smtp_down):
    delays = app.config["FLASKY_OUTBOX_RETRY_DELAYS"]
    mail_to(app, "susan@example.com")
    waited = []
    for _attempt in delays:
        row = rows()[0]
        waited.append(round((row.next_attempt_at - utcnow()).total_seconds()))
        make_due()
        assert outbox.drain() == 1

    [row] = rows()
    assert waited == delays
    assert (row.status, row.attempts) == (FAILED, len(delays) + 1)
    make_due()
    assert outbox.drain() == 0


def test_failed_mail_is_listed_and_sent_again_from_the_command_line(app, db, runner, smtp_server):
    app.config["FLASKY_OUTBOX_RETRY_DELAYS"] = []
    use_mail_server(app, "127.0.0.1", free_port())
    mail_to(app, "susan@example.com")
    [row] = rows()
    assert row.status == FAILED

    listed = runner.invoke(args=["mail", "failed"])
    assert listed.exit_code == 0, listed.output
    assert f"{row.id}\t" in listed.output
    assert "'[Flasky] Hello' to susan@example.com" in listed.output
    assert "ConnectionRefusedError" in listed.output
    assert "1 failed mail(s)" in listed.output

    use_mail_server(app, smtp_server.host, smtp_server.port)
    retried = runner.invoke(args=["mail", "retry", str(row.id)])
    assert retried.exit_code == 0, retried.output
    assert "1 mail(s) to send again; 1 handed over for delivery now." in retried.output
    assert smtp_server.latest_to("susan@example.com")["Subject"] == "[Flasky] Hello"
    assert rows() == []


def test_flask_mail_retry_wants_ids_or_all(runner):
    result = runner.invoke(args=["mail", "retry"])
    assert result.exit_code == 2
    assert "--all" in result.output


def test_a_claim_whose_lease_ran_out_is_taken_up_again(app, db, smtp_server):
    lapsed = utcnow() - timedelta(seconds=app.config["FLASKY_OUTBOX_LEASE"] + 1)
    message = OutboxMessage(
        task="mail",
        payload={"subject": "Hi", "sender": "a@example.com", "recipients": ["b@example.com"], "body": "Hi."},
        summary="'Hi' to b@example.com",
        status=SENDING,
        claim="a worker that died",
        claimed_at=lapsed,
    )
    _db.session.add(message)
    _db.session.commit()

    assert outbox.drain() == 1

    assert smtp_server.latest_to("b@example.com")["Subject"] == "Hi"
    assert rows() == []


def test_a_claim_still_held_is_left_alone(app, db):
    _db.session.add(
        OutboxMessage(task="mail", payload={}, summary="-", status=SENDING, claim="busy", claimed_at=utcnow())
    )
    _db.session.commit()

    assert outbox.drain() == 0
    assert rows()[0].claim == "busy"


def claimed_export(seconds_ago: float) -> None:
    """An export's message claimed ``seconds_ago``, as a worker that took it up then holds it."""
    _db.session.add(
        OutboxMessage(
            task=EXPORT_TASK,
            payload={"export_id": 1},
            summary="export 1",
            status=SENDING,
            claim="a worker writing the archive",
            claimed_at=utcnow() - timedelta(seconds=seconds_ago),
        )
    )
    _db.session.commit()


@pytest.mark.app_config(FLASKY_OUTBOX_LEASE=300)
def test_an_export_still_within_its_time_limit_is_not_taken_up_a_second_time(app, db):
    claimed_export(seconds_ago=JOB_TIMEOUT - 10)

    assert outbox.drain() == 0
    assert rows()[0].claim == "a worker writing the archive"


@pytest.mark.app_config(FLASKY_OUTBOX_LEASE=300)
def test_an_export_claimed_longer_ago_than_its_time_limit_is_taken_up_again(app, db):
    claimed_export(seconds_ago=JOB_TIMEOUT + 10)

    assert outbox.drain() == 1
    assert all(row.claim != "a worker writing the archive" for row in rows())


@pytest.mark.app_config(FLASKY_OUTBOX_DRAIN_INTERVAL=0.01)
def test_the_next_request_sends_what_is_due(app, client, db, smtp_server):
    use_mail_server(app, "127.0.0.1", free_port())
    mail_to(app, "susan@example.com")
    use_mail_server(app, smtp_server.host, smtp_server.port)
    make_due()

    client.get("/")
    finish_deliveries()

    assert smtp_server.latest_to("susan@example.com")["Subject"] == "[Flasky] Hello"
    assert rows() == []


@pytest.mark.postgres
def test_drains_running_at_once_send_each_mail_once(app, db, smtp_server):
    use_mail_server(app, "127.0.0.1", free_port())
    addresses = [f"reader{number}@example.com" for number in range(12)]
    for address in addresses:
        mail_to(app, address)
    use_mail_server(app, smtp_server.host, smtp_server.port)
    make_due()
    start = threading.Barrier(3)
    claimed: list[int] = []

    def drain() -> None:
        with app.app_context():
            start.wait()
            claimed.append(outbox.drain())

    threads = [threading.Thread(target=drain) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(claimed) == len(addresses)
    assert sorted(message["X-Envelope-To"] for message in smtp_server.wait_for(len(addresses))) == sorted(addresses)
    assert rows() == []
