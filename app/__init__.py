"""Flasky, the social-blogging application of *Flask Web Development*."""

from flask import Flask

from config import config

from .extensions import csrf, db, login_manager, mail, migrate, moment


def create_app(config_name: str = "default") -> Flask:
    """Build the application for the configuration named ``config_name``."""
    app = Flask(__name__)
    app.config.from_object(config[config_name])
    config[config_name].init_app(app)

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True)
    login_manager.init_app(app)
    mail.init_app(app)
    moment.init_app(app)
    csrf.init_app(app)

    from .api import api as api_blueprint
    from .auth import auth as auth_blueprint
    from .cli import register_commands
    from .errors import register_error_handlers
    from .main import main as main_blueprint

    app.register_blueprint(main_blueprint)
    app.register_blueprint(auth_blueprint, url_prefix="/auth")
    app.register_blueprint(api_blueprint, url_prefix="/api/v1")
    register_commands(app)
    register_error_handlers(app)
    return app
