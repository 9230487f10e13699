"""``/healthz`` answers while the process runs; ``/readyz`` only when the database, its schema and Redis are usable."""

import logging
from functools import cache

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Response, current_app, jsonify
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..tasks import redis_connection
from . import health

logger = logging.getLogger(__name__)


@cache
def script_heads(directory: str) -> tuple[str, ...]:
    """The head revisions of the migration scripts, read once per process: code does not change under it."""
    return tuple(sorted(ScriptDirectory(directory).get_heads()))


def check_database() -> dict[str, str]:
    """The database and migration checks: reachable, and at the head revision of the migration scripts."""
    try:
        with db.engine.connect() as connection:
            current = tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
    except SQLAlchemyError:
        logger.exception("Readiness: the database did not answer")
        return {"database": "unreachable", "migrations": "unknown"}
    heads = script_heads(current_app.extensions["migrate"].directory)
    if current != heads:
        migrations = f"at {', '.join(current) or 'no revision'}, head is {', '.join(heads)}: run flask deploy"
        return {"database": "ok", "migrations": migrations}
    return {"database": "ok", "migrations": "ok"}


def check_redis() -> str:
    """Whether Redis answers a ping."""
    try:
        redis_connection().ping()
    except RedisError:
        logger.exception("Readiness: Redis did not answer")
        return "unreachable"
    return "ok"


def probe_response(body: dict, status: int) -> Response:
    """A JSON probe answer that no cache keeps."""
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@health.route("/healthz")
def healthz() -> Response:
    """The process is alive and serving requests."""
    return probe_response({"status": "ok"}, 200)


@health.route("/readyz")
def readyz() -> Response:
    """Ready for traffic: database reachable, migrations at head and, when configured, Redis answering."""
    checks = check_database()
    if current_app.config["REDIS_URL"]:
        checks["redis"] = check_redis()
    ready = all(result == "ok" for result in checks.values())
    return probe_response({"status": "ok" if ready else "unavailable", "checks": checks}, 200 if ready else 503)
