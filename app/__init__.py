"""Flasky, the social-blogging application of *Flask Web Development*."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import config

from .converters import IdConverter
from .cors import init_cors
from .database import init_database
from .extensions import babel, csrf, db, limiter, login_manager, mail, migrate, moment
from .forms import init_forms
from .i18n import compile_catalogues, init_i18n, select_locale
from .json import JSONProvider
from .metrics import init_metrics
from .outbox import init_outbox
from .page_cache import init_page_cache
from .post_cards import init_post_cards
from .profiling import init_profiling
from .security import init_security
from .tracing import init_tracing

# Found from the package, so `flask db` and `flask deploy` work from any directory.
MIGRATIONS_DIRECTORY = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config_name: str = "default", overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the application for the configuration named ``config_name``, with ``overrides`` on top.

    ``config_name`` is a key of ``config.config``: "development" (the default), "testing" or "production".
    ``overrides`` maps setting names to values, such as ``{"SQLALCHEMY_DATABASE_URI": "sqlite://"}``. They replace
    the configuration's values before its ``init_app`` checks run and before any extension reads them, so every
    setting takes effect, database URL, rate limits and ``REDIS_URL`` included::

        create_app("testing", {"RATELIMIT_ENABLED": True, "FLASKY_AUTH_RATE_LIMIT": "2 per minute"})

    Flask reads only upper-case names; a lower-case one is refused with ``ValueError`` rather than ignored.
    """
    overrides = dict(overrides or {})
    ignored = sorted(name for name in overrides if not name.isupper())
    if ignored:
        raise ValueError(f"Configuration names are upper case; these would be ignored: {', '.join(ignored)}")
    app = Flask(__name__)
    app.json = JSONProvider(app)
    app.config.from_object(config[config_name])
    app.config.from_mapping(overrides)
    app.url_map.converters["int"] = IdConverter
    config[config_name].init_app(app)
    if app.config["FLASKY_PROXY_FIX"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1, x_prefix=1)

    db.init_app(app)
    init_database(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIRECTORY), render_as_batch=True)
    login_manager.init_app(app)
    mail.init_app(app)
    moment.init_app(app)
    compile_catalogues()
    babel.init_app(app, locale_selector=select_locale)
    init_i18n(app)
    csrf.init_app(app)
    limiter.init_app(app)
    init_security(app)
    init_profiling(app)
    init_outbox(app)
    init_page_cache(app)
    init_post_cards(app)
    init_forms(app)

    from .api import api as api_blueprint
    from .auth import auth as auth_blueprint
    from .avatars import avatars as avatars_blueprint
    from .cli import register_commands
    from .conduit import conduit as conduit_blueprint
    from .errors import register_error_handlers
    from .health import health as health_blueprint
    from .main import main as main_blueprint
    from .search import search as search_blueprint
    from .tasks import worker_command

    app.register_blueprint(main_blueprint)
    app.register_blueprint(health_blueprint)
    app.register_blueprint(avatars_blueprint)
    app.register_blueprint(search_blueprint)
    app.register_blueprint(auth_blueprint, url_prefix="/auth")
    app.register_blueprint(api_blueprint, url_prefix="/api/v1")
    app.register_blueprint(conduit_blueprint, url_prefix="/api")
    init_cors(app)
    register_commands(app)
    app.cli.add_command(worker_command)
    register_error_handlers(app)
    init_metrics(app)
    init_tracing(app)
    from . import account, messages, notifications
    from .language import language as language_blueprint

    app.register_blueprint(language_blueprint)
    for blueprint in (messages.messages, notifications.notifications, account.account):
        app.register_blueprint(blueprint)
    return app
