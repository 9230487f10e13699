"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, keeping every message it receives."""

import re
import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from urllib.parse import urlsplit

from aiosmtpd.controller import Controller
from flask import Flask

from app.extensions import mail
from app.outbox import OutboxThread

LINK = re.compile(r"https?://[^\s<>\"']+")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on at the moment of asking."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def use_mail_server(app: Flask, host: str, port: int) -> None:
    """Send the app's mail, for real, to ``host:port`` (Flask-Mail reads its settings at ``init_app``)."""
    app.config.update(MAIL_SERVER=host, MAIL_PORT=port, MAIL_USE_TLS=False, MAIL_USE_SSL=False)
    app.config.update(MAIL_USERNAME=None, MAIL_PASSWORD=None, MAIL_SUPPRESS_SEND=False)
    mail.init_app(app)


def finish_deliveries(timeout: float = 5.0) -> None:
    """Wait for every mail still on its way (and every outbox drain), so none lands in the next test's inbox."""
    for thread in threading.enumerate():
        if isinstance(thread, OutboxThread):
            thread.join(timeout)


def text_body(message: EmailMessage) -> str:
    """The plain-text part of a message."""
    return message.get_body(preferencelist=("plain",)).get_content()


def html_body(message: EmailMessage) -> str:
    """The HTML part of a message."""
    return message.get_body(preferencelist=("html",)).get_content()


def links(message: EmailMessage) -> list[str]:
    """Every http(s) link in the plain-text part, in order."""
    return LINK.findall(text_body(message))


def link_path(message: EmailMessage) -> str:
    """The path of the first link in a message, ready for the test client."""
    parts = urlsplit(links(message)[0])
    return parts.path + (f"?{parts.query}" if parts.query else "")


class MailServer:
    """An SMTP server on a free local port; ``wait_for`` blocks until enough messages have arrived."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = free_port(host)
        self.messages: list[EmailMessage] = []
        self._arrived = threading.Condition()
        self._controller = Controller(self, hostname=host, port=self.port)

    def start(self) -> "MailServer":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def clear(self) -> None:
        with self._arrived:
            self.messages.clear()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        """Keep the parsed message, with the envelope's recipients, and wake any waiter."""
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 5.0) -> list[EmailMessage]:
        """Block until ``count`` messages have arrived (or fail after ``timeout`` seconds); return them all."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.messages) >= count, timeout):
                raise AssertionError(f"expected {count} message(s) within {timeout}s, got {len(self.messages)}")
            return list(self.messages)

    def to(self, address: str) -> list[EmailMessage]:
        """Every message received so far whose envelope was addressed to ``address``."""
        with self._arrived:
            return [message for message in self.messages if _addressed_to(message, address)]

    def latest_to(self, address: str, timeout: float = 5.0) -> EmailMessage:
        """The newest message addressed to ``address``, waiting up to ``timeout`` seconds for one."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: self._count_to(address) > 0, timeout):
                raise AssertionError(f"no message to {address} within {timeout}s; {len(self.messages)} in all")
            return [message for message in self.messages if _addressed_to(message, address)][-1]

    def _count_to(self, address: str) -> int:
        return sum(1 for message in self.messages if _addressed_to(message, address))


def _addressed_to(message: EmailMessage, address: str) -> bool:
    return address.lower() in message["X-Envelope-To"].lower().split(", ")
