"""``/healthz`` answers while the process runs; ``/readyz`` says whether the instance should get traffic, and why.

Ready needs the database at the head revision of the migrations. Redis, when configured, is not needed to serve:
without it the rate limiter counts in each process and mail and exports wait in the outbox, so ``/readyz`` still
answers 200, with the status "degraded" naming Redis. A stopping instance (``FLASKY_DRAIN_FILE``) answers 503
"draining".
"""

from functools import cache

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Response, current_app, jsonify
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..resilience import DATABASE, REDIS, draining
from ..tasks import redis_connection
from . import health

# Checks the instance serves without, in a degraded way.
OPTIONAL_CHECKS = {"redis"}


@cache
def script_heads(directory: str) -> tuple[str, ...]:
    """The head revisions of the migration scripts, read once per process: code does not change under it."""
    return tuple(sorted(ScriptDirectory(directory).get_heads()))


def check_database() -> dict[str, str]:
    """The database and migration checks: reachable, and at the head revision of the migration scripts."""
    try:
        with db.engine.connect() as connection:
            current = tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
    except SQLAlchemyError as error:
        DATABASE.failed(error)
        return {"database": "unreachable", "migrations": "unknown"}
    DATABASE.answered()
    heads = script_heads(current_app.extensions["migrate"].directory)
    if current != heads:
        migrations = f"at {', '.join(current) or 'no revision'}, head is {', '.join(heads)}: run flask deploy"
        return {"database": "ok", "migrations": migrations}
    return {"database": "ok", "migrations": "ok"}


def check_redis() -> str:
    """Whether Redis answers a ping."""
    try:
        redis_connection().ping()
    except RedisError as error:
        REDIS.failed(error)
        return "unreachable"
    REDIS.answered()
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
    """Whether to send this instance traffic (200) or not (503), with each check and what it serves without."""
    checks = check_database()
    if current_app.config["REDIS_URL"]:
        checks["redis"] = check_redis()
    failing = [name for name, result in checks.items() if result != "ok"]
    degraded = [name for name in failing if name in OPTIONAL_CHECKS]
    if draining():
        status = "draining"
    elif len(degraded) < len(failing):
        status = "unavailable"
    else:
        status = "degraded" if degraded else "ok"
    serving = status in ("ok", "degraded")
    body = {"status": status, "serving": serving, "checks": checks, "degraded": degraded}
    return probe_response(body, 200 if serving else 503)
