"""Notifications: the page that lists them, and the count behind the navbar's bell."""

from flask import Blueprint

notifications = Blueprint("notifications", __name__, template_folder="templates")

from . import views  # noqa: E402, F401
