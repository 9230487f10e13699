"""Accounts: registration, confirmation, log in and out, passwords and email changes."""

from . import auth  # noqa: F401
