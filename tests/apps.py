"""Applications under test: ``create_app`` with overrides, sharing the run's compiled templates and URL builders; their
CSRF tokens."""

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app, g
from jinja2.bccache import Bucket, BytecodeCache
from werkzeug.routing import Rule

from app import create_app
from app.extensions import db
from tests.login import forget_current_user

CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE = re.compile(r'value="([^"]*)"')


class SharedBytecodeCache(BytecodeCache):
    """Compiled templates kept for the whole run, so each test's new app skips recompiling them."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._compiled:
            bucket.bytecode_from_string(self._compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


template_cache = SharedBytecodeCache()


def share_url_builders() -> None:
    """Compile each URL rule's builders once per run, not once per app.

    For every rule of every new app, werkzeug writes and compiles two Python functions that build its URLs: 85% of
    ``create_app``'s time, which every test pays. A builder is made from the rule's text, its parsed parts and its
    defaults alone, and takes the rule as its first argument, so apps of one run can share them.
    """
    compile_builder = Rule._compile_builder
    builders: dict[tuple, Any] = {}

    def compile_builder_once(rule: Rule, append_unknown: bool = True) -> Any:
        key = (rule.rule, tuple(rule._trace), repr(sorted((rule.defaults or {}).items())), append_unknown)
        if key not in builders:
            builders[key] = compile_builder(rule, append_unknown)
        return builders[key]

    Rule._compile_builder = compile_builder_once


share_url_builders()


def make_app(config_name: str = "testing", overrides: Mapping[str, Any] | None = None) -> Flask:
    """``create_app(config_name, overrides)`` as every test builds it.

    Test requests share the test's application context, so its ``g``. What a request keeps there is forgotten
    (``forget_request_state``) before it, whatever the test's own code left, and after it, so that neither the
    next request nor the test sees it: every request finds its user, language and CSRF token from its own cookies
    and headers, as it does in production.
    """
    app = create_app(config_name, overrides)
    app.jinja_env.bytecode_cache = template_cache
    # First, before the app's own before_request functions, which may read the user or the language.
    app.before_request_funcs.setdefault(None, []).insert(0, forget_request_state)
    app.teardown_request(lambda _error: forget_request_state())
    return app


def forget_request_state() -> None:
    """Drop what a production request keeps on its own ``g``: the user and session, the language Flask-Babel chose
    (and its translations), the signed CSRF token."""
    forget_current_user()
    g.pop("_flask_babel", None)
    g.pop(current_app.config["WTF_CSRF_FIELD_NAME"], None)


@contextmanager
def running_app(config_name: str = "testing", overrides: Mapping[str, Any] | None = None) -> Iterator[Flask]:
    """``make_app`` with its application context pushed; its session and pooled connections closed afterwards."""
    app = make_app(config_name, overrides)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            # Each app has its own engine: close its pooled connections now, not whenever it is collected.
            db.engine.dispose()


def rate_limited(limit: str = "2 per minute", storage: str = "memory://") -> dict[str, Any]:
    """Overrides turning on the rate limiter, which the testing configuration leaves off.

    ``limit`` applies per client address to the endpoints attackers hammer (``FLASKY_AUTH_RATE_LIMIT``); the
    counts are kept in ``storage``, memory or a Redis URL.
    """
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": storage, "FLASKY_AUTH_RATE_LIMIT": limit}


def csrf_token(page: str) -> str:
    """The CSRF token of the first form on ``page``."""
    field = CSRF_INPUT.search(page)
    assert field is not None, "the page has no form with a CSRF token"
    return VALUE.search(field.group(0)).group(1)
