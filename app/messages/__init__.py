"""Private messages between users, and blocking the users you want none from (nor follows, nor comments)."""

from flask import Blueprint

messages = Blueprint("messages", __name__, template_folder="templates")

from . import views  # noqa: E402, F401
