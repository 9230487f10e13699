"""The outbox: work a change causes, a mail to send or an export to write, is written in the change's own
transaction and done after it.

``add(task, payload, summary)`` puts an ``OutboxMessage`` in the session. Nothing leaves unless that transaction
commits; then it leaves at once, claimed by this request: as a job on the task queue (``REDIS_URL``) that
``flask worker`` runs, or else on a thread of this process. Whoever delivers it deletes it. A delivery that fails is
tried again after each of ``FLASKY_OUTBOX_RETRY_DELAYS`` (seconds) and, after the last, the row stays "failed" for an
administrator (``flask mail failed``, ``flask mail retry``); a task that records its own failure (the export) asks
``will_retry`` and, on its last attempt, ends without raising. When Redis cannot take the job, the row waits.

``drain`` picks up what waits: the next request runs it, on a thread, once every ``FLASKY_OUTBOX_DRAIN_INTERVAL``
seconds, and so does ``flask worker``. A claim lasts ``FLASKY_OUTBOX_LEASE`` seconds, or its task's time limit when
longer, so a message whose job was lost (Redis restarted empty) or whose process died is taken up again after it:
delivered at least once, never dropped.
"""

import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from datetime import timedelta
from typing import Any, NamedTuple

from flask import Flask, Response, current_app
from redis.exceptions import RedisError
from sqlalchemy import and_, event, inspect, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql import ColumnElement

from .database import shares_one_connection
from .extensions import db
from .models.outbox import FAILED, PENDING, SENDING, SUMMARY_LENGTH, OutboxMessage
from .resilience import DATABASE, REDIS
from .tasks import FORK_LOCK, enqueue
from .timestamps import utcnow

logger = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], None]


class Task(NamedTuple):
    """The work a task name stands for: the function given the row's payload, and the seconds a job may run (RQ's
    default when ``None``)."""

    handler: Handler
    job_timeout: int | None


# What each task name stands for.
TASKS: dict[str, Task] = {}
# Whether the delivery running now will be tried again if it fails.
RETRIES_LEFT: ContextVar[bool] = ContextVar("flasky_outbox_retries_left", default=False)
# Where a session keeps the deliveries its transaction will hand over once it commits.
UNCOMMITTED_KEY = "flasky.outbox"
DRAIN_BATCH = 100


def outbox_task(name: str, job_timeout: int | None = None) -> Callable[[Handler], Handler]:
    """Register ``handler`` as the work an outbox row of task ``name`` stands for, ``job_timeout`` seconds at most
    on a worker."""

    def register(handler: Handler) -> Handler:
        TASKS[name] = Task(handler, job_timeout)
        return handler

    return register


def will_retry() -> bool:
    """Whether the outbox tries the task running now again if it fails (on its last attempt, it does not)."""
    return RETRIES_LEFT.get()


def queue_delivery(task: str, message_id: int, claim: str) -> None:
    """A job on the task queue that delivers the message, with its task's time limit."""
    enqueue(deliver_job, message_id, claim, job_timeout=TASKS[task].job_timeout)


class OutboxThread(threading.Thread):
    """Outbox work off the request: ``target(*args)`` inside the application's context, with its own session."""

    def __init__(self, app: Flask, target: Callable[..., Any], *args: Any) -> None:
        super().__init__(name="outbox", daemon=True)
        self.app = app
        self.target = target
        self.args = args

    def run(self) -> None:
        with self.app.app_context():
            self.target(*self.args)


def off_request(app: Flask, target: Callable[..., Any], *args: Any) -> OutboxThread | None:
    """Run ``target(*args)`` on a thread of its own; at once, on this one, where every thread would share the one
    connection of an in-memory SQLite database, so the work never runs inside another thread's transaction."""
    thread = OutboxThread(app, target, *args)
    if shares_one_connection(db.engine):
        thread.run()
        return None
    thread.start()
    return thread


class OutboxDelivery:
    """What ``add`` returns: the message's fate as the request can know it (see ``app/email.py``)."""

    def __init__(self, app: Flask, message: OutboxMessage) -> None:
        self.app = app
        self.message = message
        self.claim = message.claim
        self.message_id: int | None = None
        self.thread: OutboxThread | None = None
        self.error: Exception | None = None

    @property
    def committed(self) -> bool:
        return self.message_id is not None

    def failed(self, timeout: float | None = None) -> bool:
        """True when the message is known not to have gone: its transaction did not commit, or its send failed.

        On a thread, waits up to ``timeout`` seconds (default ``FLASKY_MAIL_WAIT``) for the send. Handed to the task
        queue, or waiting in the outbox for Redis to come back, it has not failed: it will go.
        """
        if not self.committed:
            return True
        if self.thread is not None:
            self.thread.join(self.app.config["FLASKY_MAIL_WAIT"] if timeout is None else timeout)
        return self.error is not None


def new_claim() -> str:
    return secrets.token_hex(16)


def add(task: str, payload: dict[str, Any], summary: str) -> OutboxDelivery:
    """Write ``task`` with ``payload`` to the outbox in the session's transaction; it is handed over on commit."""
    now = utcnow()
    message = OutboxMessage(
        task=task,
        payload=payload,
        summary=summary[:SUMMARY_LENGTH],
        status=SENDING,
        claim=new_claim(),
        claimed_at=now,
        next_attempt_at=now,
    )
    db.session.add(message)
    delivery = OutboxDelivery(current_app._get_current_object(), message)
    db.session.info.setdefault(UNCOMMITTED_KEY, []).append(delivery)
    return delivery


def hand_over_committed(session) -> None:
    """After a commit: hand over the messages it saved (one rolled back with a savepoint is no longer there)."""
    deliveries = session.info.pop(UNCOMMITTED_KEY, [])
    for delivery in deliveries:
        identity = inspect(delivery.message).identity
        if identity is not None:
            delivery.message_id = identity[0]
    committed = [delivery for delivery in deliveries if delivery.committed]
    if committed:
        hand_over(committed[0].app, committed)


def forget_rolled_back(session, previous_transaction) -> None:
    """A rolled back transaction's messages were never saved: nothing of them leaves."""
    if previous_transaction.parent is None:
        session.info.pop(UNCOMMITTED_KEY, None)


def hand_over(app: Flask, deliveries: list[OutboxDelivery]) -> None:
    """Queue each claimed message for a worker, or start its thread; what Redis refuses waits for a drain."""
    if not app.config["REDIS_URL"]:
        for delivery in deliveries:
            delivery.thread = off_request(app, deliver_for, delivery)
        return
    for position, delivery in enumerate(deliveries):
        try:
            queue_delivery(delivery.message.task, delivery.message_id, delivery.claim)
        except RedisError as error:
            REDIS.failed(error)
            release((later.message_id, later.claim) for later in deliveries[position:])
            return
    REDIS.answered()


def release(claims: Iterable[tuple[int, str]]) -> None:
    """Give claimed messages back to the outbox, due at once, for the next drain (on its own connection)."""
    try:
        with db.engine.begin() as connection:
            for message_id, claim in claims:
                connection.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id == message_id, OutboxMessage.claim == claim)
                    .values(status=PENDING, claim=None, claimed_at=None, next_attempt_at=utcnow())
                )
    except SQLAlchemyError as error:
        # Still claimed: the lease runs out and a drain takes them up then.
        DATABASE.failed(error)


def deliver_for(delivery: OutboxDelivery) -> None:
    """A request's thread: deliver its message, keeping what went wrong on the handle the request holds."""
    try:
        delivery.error = deliver(delivery.message_id, delivery.claim)
    except SQLAlchemyError as error:
        # Still claimed: the lease runs out and a drain takes it up then.
        db.session.rollback()
        DATABASE.failed(error)


def deliver_job(message_id: int, claim: str) -> None:
    """The task queue's job: ``deliver`` in the worker; the outcome is kept on the row, not in Redis."""
    deliver(message_id, claim)


def deliver(message_id: int, claim: str) -> Exception | None:
    """Do the work of one message while ``claim`` holds it: deleted when done, else tried again later.

    Returns what the work raised, if anything. A message that is gone or claimed by another is left alone.
    """
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.claim != claim:
        db.session.rollback()
        return None
    task, payload, summary, attempts = message.task, message.payload, message.summary, message.attempts
    # No transaction stays open while the work talks to another server.
    db.session.rollback()
    retries_left = RETRIES_LEFT.set(attempts < len(current_app.config["FLASKY_OUTBOX_RETRY_DELAYS"]))
    try:
        TASKS[task].handler(payload)
    # Whatever the work raised, the message did not go: the attempt is counted, so it is tried again and, in the
    # end, shown to an administrator rather than lost.
    except Exception as error:
        record_failure(message_id, claim, summary, attempts + 1, error)
        return error
    finally:
        RETRIES_LEFT.reset(retries_left)
    db.session.execute(
        OutboxMessage.__table__.delete().where(OutboxMessage.id == message_id, OutboxMessage.claim == claim)
    )
    db.session.commit()
    return None


def record_failure(message_id: int, claim: str, summary: str, attempts: int, error: Exception) -> None:
    """Schedule the next attempt after its delay, or, when every attempt has failed, mark the message failed."""
    delays = current_app.config["FLASKY_OUTBOX_RETRY_DELAYS"]
    values: dict[str, Any] = {"attempts": attempts, "claim": None, "claimed_at": None, "last_error": repr(error)}
    if attempts > len(delays):
        values["status"] = FAILED
        logger.error("Could not send %s; gave up after %d attempts (flask mail retry): %r", summary, attempts, error)
    else:
        values["status"] = PENDING
        values["next_attempt_at"] = utcnow() + timedelta(seconds=delays[attempts - 1])
        logger.error(
            "Could not send %s (attempt %d of %d, next in %d s): %r",
            summary,
            attempts,
            len(delays) + 1,
            delays[attempts - 1],
            error,
        )
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.claim == claim).values(**values)
    )
    db.session.commit()


def lease_ran_out(now) -> ColumnElement[bool]:
    """Claimed longer ago than its lease, so its deliverer is gone: ``FLASKY_OUTBOX_LEASE``, or the task's own time
    limit where that is longer (an export still running within its limit is not taken up a second time)."""
    lease = current_app.config["FLASKY_OUTBOX_LEASE"]
    longer = {name: task.job_timeout for name, task in TASKS.items() if (task.job_timeout or 0) > lease}
    return or_(
        and_(OutboxMessage.task.not_in(longer), OutboxMessage.claimed_at < now - timedelta(seconds=lease)),
        *(
            and_(OutboxMessage.task == name, OutboxMessage.claimed_at < now - timedelta(seconds=seconds))
            for name, seconds in longer.items()
        ),
    )


def due(now) -> ColumnElement[bool]:
    """Waiting with its next attempt due, or claimed longer ago than its lease (its deliverer is gone)."""
    return or_(
        and_(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == SENDING, lease_ran_out(now)),
    )


def drain(limit: int = DRAIN_BATCH) -> int:
    """Claim the messages that are due and hand them over (here, without Redis); returns how many were claimed."""
    now = utcnow()
    rows = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.claim, OutboxMessage.task)
        .where(due(now))
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    claims: list[tuple[int, str, str]] = []
    for message_id, old_claim, task in rows:
        claim = new_claim()
        # Another drain may have claimed it since: only the one whose UPDATE still finds the old claim wins.
        result = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.claim.is_not_distinct_from(old_claim), due(now))
            .values(status=SENDING, claim=claim, claimed_at=now)
        )
        if result.rowcount == 1:
            claims.append((message_id, claim, task))
    db.session.commit()
    if not current_app.config["REDIS_URL"]:
        for message_id, claim, _task in claims:
            deliver(message_id, claim)
        return len(claims)
    for position, (message_id, claim, task) in enumerate(claims):
        try:
            queue_delivery(task, message_id, claim)
        except RedisError as error:
            REDIS.failed(error)
            release((left_id, left_claim) for left_id, left_claim, _task in claims[position:])
            return position
    if claims:
        REDIS.answered()
    return len(claims)


def drain_quietly() -> None:
    """``drain``, for a thread nobody waits on: a database that does not answer is noted, and tried next time."""
    try:
        drain()
    except SQLAlchemyError as error:
        db.session.rollback()
        DATABASE.failed(error)


def failed_messages(task: str) -> list[OutboxMessage]:
    """The messages of ``task`` that every attempt failed to deliver, oldest first."""
    query = select(OutboxMessage).where(OutboxMessage.task == task, OutboxMessage.status == FAILED)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def retry_failed(task: str, message_ids: Iterable[int] | None = None) -> int:
    """Make failed messages of ``task`` (all, or those of ``message_ids``) due again with every attempt; the count."""
    query = update(OutboxMessage).where(OutboxMessage.task == task, OutboxMessage.status == FAILED)
    if message_ids is not None:
        query = query.where(OutboxMessage.id.in_(list(message_ids)))
    result = db.session.execute(query.values(status=PENDING, attempts=0, next_attempt_at=utcnow()))
    db.session.commit()
    return result.rowcount


class DrainSchedule:
    """At most one drain at a time, and one every ``interval`` seconds, for this process."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.next_at = 0.0
        self.thread: OutboxThread | None = None
        self.lock = threading.Lock()

    def start_if_due(self, app: Flask) -> None:
        with self.lock:
            now = time.monotonic()
            if now < self.next_at or (self.thread is not None and self.thread.is_alive()):
                return
            self.next_at = now + self.interval
        self.thread = off_request(app, drain_quietly)


def drain_forever(app: Flask, interval: float) -> None:
    """Drain every ``interval`` seconds, for as long as the process runs (``flask worker``'s thread), never while
    the worker forks (``FORK_LOCK``)."""
    while True:
        with FORK_LOCK, app.app_context():
            drain_quietly()
        time.sleep(interval)


def init_outbox(app: Flask) -> None:
    """Let requests start a drain once every ``FLASKY_OUTBOX_DRAIN_INTERVAL`` seconds (0: never)."""
    interval = app.config["FLASKY_OUTBOX_DRAIN_INTERVAL"]
    if interval <= 0:
        return
    schedule = DrainSchedule(interval)

    def drain_after_request(response: Response) -> Response:
        schedule.start_if_due(app)
        return response

    app.after_request(drain_after_request)


event.listen(db.session, "after_commit", hand_over_committed)
event.listen(db.session, "after_soft_rollback", forget_rolled_back)
