"""Sending mail: ``send_email`` is the one way mail leaves the app.

``send_email`` renders the message on the caller's thread, where templates and ``url_for`` work, then hands it to
``deliver``, the single place that chooses how mail travels. Today that is a ``MailDelivery``: a thread that
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

from flask import Flask, current_app, render_template, url_for
from flask_mail import Message

from .extensions import mail

logger = logging.getLogger(__name__)


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


def deliver(message: Message) -> MailDelivery:
    """Start sending ``message``; the one place that chooses the transport."""
    delivery = MailDelivery(current_app._get_current_object(), message)
    delivery.start()
    return delivery


def send_email(to: str, subject: str, template: str, **kwargs) -> MailDelivery:
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


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for a link in a mail; every such link is built here."""
    return url_for(endpoint, _external=True, **values)
