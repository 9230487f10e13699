"""Probes for process managers and load balancers: ``/healthz`` (alive) and ``/readyz`` (able to serve)."""

from flask import Blueprint

health = Blueprint("health", __name__)

from . import views  # noqa: E402, F401
