"""Flasky, the social-blogging application of *Flask Web Development*."""

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import config

from .converters import IdConverter
from .extensions import cors, csrf, db, limiter, login_manager, mail, migrate, moment
from .profiling import init_profiling
from .security import init_security

# Found from the package, so `flask db` and `flask deploy` work from any directory.
MIGRATIONS_DIRECTORY = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config_name: str = "default") -> Flask:
    """Build the application for the configuration named ``config_name``."""
    app = Flask(__name__)
    app.config.from_object(config[config_name])
    app.url_map.converters["int"] = IdConverter
    config[config_name].init_app(app)
    if app.config["FLASKY_PROXY_FIX"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1, x_prefix=1)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIRECTORY), render_as_batch=True)
    login_manager.init_app(app)
    mail.init_app(app)
    moment.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    init_security(app)
    init_profiling(app)

    from .api import api as api_blueprint
    from .auth import auth as auth_blueprint
    from .cli import register_commands
    from .conduit import conduit as conduit_blueprint
    from .errors import register_error_handlers
    from .health import health as health_blueprint
    from .main import main as main_blueprint
    from .tasks import worker_command

    app.register_blueprint(main_blueprint)
    app.register_blueprint(health_blueprint)
    app.register_blueprint(auth_blueprint, url_prefix="/auth")
    app.register_blueprint(api_blueprint, url_prefix="/api/v1")
    app.register_blueprint(conduit_blueprint, url_prefix="/api")
    cors.init_app(app, resources={r"/api/*": {"origins": app.config["FLASKY_CORS_ORIGINS"]}})
    register_commands(app)
    app.cli.add_command(worker_command)
    register_error_handlers(app)
    return app
