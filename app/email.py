"""Sending mail: ``send_email`` is the one way mail leaves the app.

``send_email`` renders the message on the caller's thread, where templates and ``url_for`` work, and writes it to the
outbox (``app/outbox.py``) in the caller's transaction: a registration and its confirmation mail are saved together
or not at all, and the mail leaves only once the caller commits. Then it goes at once: with ``REDIS_URL`` set, as a
job on the task queue (``app/tasks.py``) that ``flask worker`` runs, otherwise on a thread of this process that talks
to the SMTP server, so a slow server never holds up a page. A send that fails is tried again later, with back-off,
and in the end shown to an administrator (``flask mail failed``); when Redis cannot take the job, it waits in the
outbox until Redis is back.

The caller gets the delivery back as a handle. Asked after the commit, ``delivery.failed()`` waits a moment
(``FLASKY_MAIL_WAIT`` seconds) for a thread's send, so a view can tell the user that a mail could not be sent and
offer to send it again: a refused connection or a rejected recipient is known within milliseconds. A send still
running after that wait finishes in the background. Handed to the task queue, or waiting in the outbox for it, a
mail has not failed: it will go. A caller that must not reveal the outcome (a password reset for an unknown
address looks the same as for a known one) simply never asks. SMTP errors never reach the request.
"""

from contextlib import nullcontext
from typing import Any, Protocol
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mail import Message

from .extensions import mail
from .outbox import add, outbox_task

MAIL_TASK = "mail"


class Delivery(Protocol):
    """What a caller gets back from ``send_email``, whatever the transport."""

    def failed(self, timeout: float | None = None) -> bool:
        """True when the message is known not to have gone (waiting up to ``timeout`` seconds to learn it)."""


def send_email(to: str, subject: str, template: str, locale: str | None = None, **kwargs: Any) -> Delivery:
    """Write ``template``.txt and ``template``.html, rendered with ``kwargs``, to the outbox for ``to``.

    Subject and text are in ``locale``, the language the recipient chose, else in the request's (``subject`` is
    best a ``lazy_gettext`` string). The mail leaves when the caller's transaction commits; the caller commits.
    """
    config = current_app.config
    with force_locale(locale) if locale else nullcontext():
        full_subject = f"{config['FLASKY_MAIL_SUBJECT_PREFIX']} {subject}"
        payload = {
            "subject": full_subject,
            "sender": config["FLASKY_MAIL_SENDER"],
            "recipients": [to],
            "body": render_template(f"{template}.txt", **kwargs),
            "html": render_template(f"{template}.html", **kwargs),
        }
    return add(MAIL_TASK, payload, f"{full_subject!r} to {to}")


@outbox_task(MAIL_TASK)
def send_message(payload: dict[str, Any]) -> None:
    """Send a mail from the outbox through the SMTP server, inside the application's context."""
    mail.send(Message(**payload))


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute URL for a link in a mail, on ``FLASKY_BASE_URL``; every such link is built here.

    Never on the request's host: a forged ``Host`` header must not send a reset link to another site.
    """
    base = urlsplit(current_app.config["FLASKY_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)
