"""Avatars served by Flasky itself: an identicon for every email hash, at ``/avatar/<hash>?s=SIZE``."""

from flask import Blueprint

avatars = Blueprint("avatars", __name__)

from . import views  # noqa: E402, F401
