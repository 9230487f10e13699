"""Helpers for the security tests: visitors of every role."""

from tests.factories import UserFactory
from tests.login import log_in_as

VISITORS = ("anonymous", "unconfirmed", "user", "moderator", "administrator")
TRAITS = {
    "unconfirmed": {"unconfirmed": True},
    "user": {},
    "moderator": {"moderator": True},
    "administrator": {"administrator": True},
}


def make_visitor(visitor: str):
    """A user of the kind ``visitor`` names, or ``None`` for an anonymous visitor."""
    return None if visitor == "anonymous" else UserFactory(**TRAITS[visitor])


def log_in_visitor(client, visitor: str):
    """Make ``client`` a visitor of that kind; returns the user, or ``None`` for an anonymous visitor."""
    user = make_visitor(visitor)
    if user is not None:
        log_in_as(client, user)
    return user
