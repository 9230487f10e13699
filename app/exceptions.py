"""The errors the domain layer raises; each interface renders them in its own shape (page, API v1, Conduit)."""

from typing import Any


class Message(str):
    """An English message of the domain layer, which keeps what a web page needs to show it translated.

    The APIs send it as the English text it is (their clients parse it); ``app.i18n.translated`` gives a page
    the reader's language. Written ``N_("is too long (maximum is %(maximum)d characters)", maximum=64)``, so that
    ``pybabel extract`` (``babel.cfg``) finds it.
    """

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, **params: Any) -> "Message":
        message = super().__new__(cls, msgid % params if params else msgid)
        message.msgid = msgid
        message.params = params
        return message


N_ = Message


class DomainError(Exception):
    """A rule refused an action. ``errors`` holds messages per field, for the forms and APIs that show them so."""

    def __init__(self, message: str = "", errors: dict[str, list[str]] | None = None) -> None:
        self.errors = errors or {}
        self.message = message or "; ".join(
            f"{field} {' '.join(messages)}" for field, messages in sorted(self.errors.items())
        )
        super().__init__(self.message)


class NotAuthenticated(DomainError):
    """The credentials sent do not sign in: a second step is missing or wrong, or the account must turn it on (401)."""


class ReauthenticationRequired(DomainError):
    """The action needs the password again: the session signed in too long ago (403)."""


class NotAllowed(DomainError):
    """The user may not do this: not signed in, not confirmed, or without the permission (403)."""


class NotFound(DomainError):
    """What the action names does not exist, or no longer does (404)."""


class Conflict(DomainError):
    """The action clashes with what is there: already done, or a name someone else has (409)."""


class Invalid(DomainError):
    """The data sent does not make a valid resource (422)."""


class ValidationError(Invalid):
    """The book's name for invalid data, raised by ``from_json``."""
