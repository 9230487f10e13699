"""Logging a test client in as a user without going through the login form."""

from flask import g
from flask.testing import FlaskClient

from app.models import User
from app.services import sessions


def forget_current_user() -> None:
    """Drop the user and session Flask-Login and the sessions service keep on ``g``: test requests share it."""
    g.pop("_login_user", None)
    g.pop("user_session", None)


def log_in_as(client: FlaskClient, user: User) -> None:
    """Make ``client``'s session belong to ``user`` on a new web session, as Flask-Login does after a login."""
    sessions.sign_in(user)
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    forget_current_user()
