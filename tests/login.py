"""Logging a test client in as a user without going through the login form."""

from flask import g
from flask.testing import FlaskClient

from app.models import User


def forget_current_user() -> None:
    """Drop the user Flask-Login cached on ``g``: test requests share the test's application context."""
    g.pop("_login_user", None)


def log_in_as(client: FlaskClient, user: User) -> None:
    """Make ``client``'s session belong to ``user``, as Flask-Login does after a successful login."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    forget_current_user()
