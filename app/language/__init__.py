"""The footer's language switch for visitors who are not signed in (signed-in users choose in their profile)."""

from flask import Blueprint

language = Blueprint("language", __name__)

from . import views  # noqa: E402, F401
