"""Load smoke test: the Locust profiles for about 20 seconds against gunicorn on a small data set, without a failure.

It runs on a SQLite file, or on PostgreSQL when TEST_DATABASE_URL names it (in a database of its own beside that
one, created and dropped here). Every request is checked by the profiles themselves, query budgets included.
"""

import os
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tests.load.harness import (
    DataSet,
    create_database_if_missing,
    driver_url,
    drop_database,
    ensure_dataset,
    gunicorn,
    read_failures,
    read_locust_stats,
    run_locust,
)
from tests.services import unavailable

pytestmark = pytest.mark.load_smoke

SMALL = DataSet(users=40, posts=300, follows=8, comments=600)
# Cheap hashes for the fake accounts: the smoke run measures pages, not scrypt.
SETTINGS = {"FLASKY_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "FLASKY_PROFILE_SQL": "1"}


@pytest.fixture
def smoke_database(tmp_path: Path):
    """A fresh database for the run: a SQLite file, or a PostgreSQL database beside TEST_DATABASE_URL's."""
    server = os.environ.get("TEST_DATABASE_URL", "")
    if not server.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'load-smoke.sqlite'}"
        return
    parsed = make_url(driver_url(server))
    url = parsed.set(database=f"{parsed.database}_load_smoke").render_as_string(hide_password=False)
    try:
        drop_database(url)
        create_database_if_missing(url)
    except OperationalError as error:
        unavailable("PostgreSQL", f"{server} did not answer ({error.orig.__class__.__name__})")
    yield url
    drop_database(url)


def test_load_profiles_run_without_failures(smoke_database, tmp_path):
    settings = {**SETTINGS, "FLASKY_SQL_PROFILE_DIR": str(tmp_path / "sql")}
    ensure_dataset(smoke_database, SMALL, **settings)

    with gunicorn(smoke_database, workers=3, log_path=tmp_path / "gunicorn.log", **settings) as base_url:
        status = run_locust(base_url, tmp_path / "locust", users=12, spawn_rate=6, run_time="20s", timeout=90)

    totals = read_locust_stats(tmp_path / "locust")
    failures = read_failures(tmp_path / "locust")
    assert totals.failures == 0, failures
    assert status == 0, (tmp_path / "locust.log").read_text()
    assert totals.requests > 0
    names = {row["Name"] for row in totals.rows}
    assert {"/", "/ (followed)", "POST /auth/login", "/api/v1/posts/"} <= names
