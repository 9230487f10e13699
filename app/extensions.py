"""Every Flask extension object, created unbound and initialised in ``create_app``."""

from flask_babel import Babel
from flask_caching import Cache
from flask_cors import CORS
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_moment import Moment
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData

from .exceptions import N_

# Named constraints let Alembic alter them on every engine, SQLite included.
naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=naming_convention))
migrate = Migrate()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message_category = "info"
# Shown in the reader's language: app/i18n.py gives Flask-Login gettext as its localize_callback.
login_manager.login_message = N_("Please log in to access this page.")
mail = Mail()
moment = Moment()
babel = Babel()
csrf = CSRFProtect()
cors = CORS()
cache = Cache()
limiter = Limiter(key_func=get_remote_address)
