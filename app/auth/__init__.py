from flask import Blueprint

auth = Blueprint("auth", __name__)

from . import security, views  # noqa: E402, F401
