"""Sending mail: ``send_email`` is the one way mail leaves the app.

``send_email`` renders the message on the caller's thread, where templates and ``url_for`` work, then hands it to
``deliver``, the single place that chooses how mail travels. With ``REDIS_URL`` set, that is a job on the task
queue (``app/tasks.py``), sent by ``flask worker`` with retries; otherwise a ``MailDelivery``: a thread that
talks to the SMTP server with the application's context, so a slow server never holds up a page.

The caller gets the delivery back as a handle. ``delivery.failed()`` waits a moment (``FLASKY_MAIL_WAIT``
seconds) for the outcome, so a view can tell the user that a mail could not be sent and offer to send it again:
a refused connection or a rejected recipient is known within milliseconds. A send still running after that wait
finishes in the background. A caller that must not reveal the outcome (a password reset for an unknown address
looks the same as for a known one) simply never asks. SMTP errors never reach the request: the thread logs
them and keeps them on the handle.
"""

import logging
import smtplib
import threading
from typing import Any, Protocol
from urllib.parse import urlsplit

from flask import Flask, current_app, render_template
from flask_mail import Message

from .extensions import mail
from .tasks import queue_task, send_message

logger = logging.getLogger(__name__)


class Delivery(Protocol):
    """What a caller gets back from ``send_email``, whatever the transport."""

    def failed(self, timeout: float | None = None) -> bool:
        """True when the message is known not to have gone (waiting up to ``timeout`` seconds to learn it)."""


class MailDelivery(threading.Thread):
    """One message on its way, sent on its own thread inside the application's context."""

    def __init__(self, app: Flask, message: Message) -> None:
        super().__init__(name="mail-delivery")
        self.app = app
        self.message = message
        self.error: Exception | None = None

    def run(self) -> None:
        with self.app.app_context():
            try:
                mail.send(self.message)
            except (smtplib.SMTPException, OSError) as error:
                self.error = error
                logger.exception("Could not send %r to %s", self.message.subject, ", ".join(self.message.recipients))

    def failed(self, timeout: float | None = None) -> bool:
        """Wait up to ``timeout`` seconds (default ``FLASKY_MAIL_WAIT``); true if the send is known to have failed."""
        self.join(self.app.config["FLASKY_MAIL_WAIT"] if timeout is None else timeout)
        return self.error is not None


def deliver(message: Message) -> Delivery:
    """Start sending ``message``; the one place that chooses the transport: the task queue, or else a thread."""
    if current_app.config["REDIS_URL"]:
        return queue_task(send_message, message)
    delivery = MailDelivery(current_app._get_current_object(), message)
    delivery.start()
    return delivery


def send_email(to: str, subject: str, template: str, **kwargs: Any) -> Delivery:
    """Send ``template``.txt and ``template``.html, rendered with ``kwargs``, to ``to``; return the delivery."""
    config = current_app.config
    message = Message(
        subject=f"{config['FLASKY_MAIL_SUBJECT_PREFIX']} {subject}",
        sender=config["FLASKY_MAIL_SENDER"],
        recipients=[to],
    )
    message.body = render_template(f"{template}.txt", **kwargs)
    message.html = render_template(f"{template}.html", **kwargs)
    return deliver(message)


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute URL for a link in a mail, on ``FLASKY_BASE_URL``; every such link is built here.

    Never on the request's host: a forged ``Host`` header must not send a reset link to another site.
    """
    base = urlsplit(current_app.config["FLASKY_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)
