"""Your data: exporting everything the site holds of yours, and deleting your account."""

from flask import Blueprint

account = Blueprint("account", __name__, template_folder="templates")

from . import views  # noqa: E402, F401
