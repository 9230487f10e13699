"""Applications under test (tests/apps.py). They share what they compile: the URL builders of each rule. And they do
not pile up: once done with, an app is freed, whatever lives on after it (an engine's event
listener, a signal, a process-wide registry). The tests build one per test, thousands in a run: each one kept would
cost memory and, through the garbage collector walking it again and again, time. (A module-level extension object
may point at the last app it was initialised with, so the check is on an app built before another.)"""

import gc
import weakref

import pytest
from flask import Flask

from app.extensions import db
from app.models import Role
from tests.apps import make_app, running_app
from tests.databases import empty_tables
from tests.factories import UserFactory

FEATURES = {
    "testing": {},
    "SQL profiling": {"FLASKY_PROFILE_SQL": True},
    "metrics": {"FLASKY_METRICS": True, "FLASKY_METRICS_NETWORKS": ["127.0.0.0/8"]},
    "page cache": {"FLASKY_PAGE_CACHE": True},
}


def serve_a_few_pages(overrides: dict) -> weakref.ref[Flask]:
    """Build an app, let it serve the home page and a profile from its database, and return a weak reference."""
    with running_app("testing", overrides) as app:
        db.create_all()
        try:
            Role.insert_roles()
            client = app.test_client()
            assert client.get("/").status_code == 200
            assert client.get(f"/user/{UserFactory().username}").status_code == 200
        finally:
            db.session.remove()
            empty_tables()
        return weakref.ref(app)


@pytest.mark.parametrize("overrides", FEATURES.values(), ids=FEATURES.keys())
def test_an_app_that_served_requests_is_freed_once_another_is_built(overrides, tmp_path):
    overrides = {**overrides, "FLASKY_SQL_PROFILE_DIR": str(tmp_path)}
    first = serve_a_few_pages(overrides)
    serve_a_few_pages(overrides)

    gc.collect()

    assert first() is None


def test_apps_share_each_rules_url_builders_and_build_the_same_urls():
    first, second = make_app(), make_app()
    rules = {rule.endpoint: rule for rule in first.url_map.iter_rules()}
    again = {rule.endpoint: rule for rule in second.url_map.iter_rules()}

    assert rules["main.user"] is not again["main.user"]
    assert rules["main.user"]._build.__func__ is again["main.user"]._build.__func__
    for app in (first, second):
        with app.test_request_context():
            assert app.url_for("main.user", username="ann", page=2) == "/user/ann?page=2"
