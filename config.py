"""Configuration classes, chosen by name in ``create_app``; values come from the environment and ``.env``."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from dotenv import load_dotenv

basedir = Path(__file__).resolve().parent
load_dotenv(basedir / ".env")


def env_int(name: str, default: int) -> int:
    """Read an integer setting from the environment."""
    return int(os.environ.get(name, default))


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean setting from the environment ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(name: str, default: str) -> str:
    """Read a database URL, steering PostgreSQL URLs to the psycopg 3 driver."""
    url = os.environ.get(name) or default
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY") or secrets.token_hex(32)

    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = env_bool("MAIL_USE_TLS")
    MAIL_USE_SSL = env_bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_TIMEOUT = env_int("MAIL_TIMEOUT", 10)
    # Flask-Mail would otherwise print every SMTP exchange whenever the app runs in debug mode.
    MAIL_DEBUG = env_bool("MAIL_DEBUG")

    FLASKY_ADMIN = os.environ.get("FLASKY_ADMIN")
    FLASKY_MAIL_SUBJECT_PREFIX = os.environ.get("FLASKY_MAIL_SUBJECT_PREFIX", "[Flasky]")
    FLASKY_MAIL_SENDER = os.environ.get("FLASKY_MAIL_SENDER", "Flasky Admin <flasky@example.com>")
    # Where links in mails point: the site's public address (with any path prefix), never the request's Host.
    FLASKY_BASE_URL = os.environ.get("FLASKY_BASE_URL", "http://127.0.0.1:5000")
    # Avatars (app/avatars/): "local", identicons served by Flasky itself, works offline; "gravatar", Gravatar's
    # pictures, with the local identicon (at FLASKY_BASE_URL, which Gravatar must reach) for those who have none.
    FLASKY_AVATARS = os.environ.get("FLASKY_AVATARS", "local")
    # How long a page waits to learn whether its mail went, so it can say when it did not (see app/email.py).
    FLASKY_MAIL_WAIT = float(os.environ.get("FLASKY_MAIL_WAIT", 3))
    FLASKY_POSTS_PER_PAGE = env_int("FLASKY_POSTS_PER_PAGE", 20)
    # A search ranks only this many of its matches, the newest, so its cost stays flat however common the words.
    FLASKY_SEARCH_RANKED = env_int("FLASKY_SEARCH_RANKED", 1000)
    FLASKY_FOLLOWERS_PER_PAGE = env_int("FLASKY_FOLLOWERS_PER_PAGE", 50)
    FLASKY_COMMENTS_PER_PAGE = env_int("FLASKY_COMMENTS_PER_PAGE", 30)
    FLASKY_MESSAGES_PER_PAGE = env_int("FLASKY_MESSAGES_PER_PAGE", 20)
    FLASKY_NOTIFICATIONS_PER_PAGE = env_int("FLASKY_NOTIFICATIONS_PER_PAGE", 20)
    # How often an open page asks for the notification count; a hidden tab asks less and less often (notifications.js).
    FLASKY_NOTIFICATIONS_POLL_SECONDS = env_int("FLASKY_NOTIFICATIONS_POLL_SECONDS", 30)
    FLASKY_API_TOKEN_EXPIRATION = env_int("FLASKY_API_TOKEN_EXPIRATION", 3600)
    FLASKY_API_MAX_CONTENT_LENGTH = env_int("FLASKY_API_MAX_CONTENT_LENGTH", 64 * 1024)
    # Conduit (RealWorld) API at /api: "open" registration makes confirmed users at once; "closed" refuses it.
    FLASKY_CONDUIT_REGISTRATION = os.environ.get("FLASKY_CONDUIT_REGISTRATION", "open")
    FLASKY_CONDUIT_TOKEN_EXPIRATION = env_int("FLASKY_CONDUIT_TOKEN_EXPIRATION", 24 * 3600)
    FLASKY_CONDUIT_MAX_LIMIT = env_int("FLASKY_CONDUIT_MAX_LIMIT", 100)
    # Browser origins allowed to call /api/, comma-separated, or "*"; none by default (same origin only).
    FLASKY_CORS_ORIGINS = [
        origin.strip() for origin in os.environ.get("FLASKY_CORS_ORIGINS", "").split(",") if origin.strip()
    ]
    MAX_CONTENT_LENGTH = env_int("FLASKY_MAX_CONTENT_LENGTH", 1024 * 1024)
    FLASKY_SLOW_DB_QUERY_TIME = float(os.environ.get("FLASKY_SLOW_DB_QUERY_TIME", 0.5))
    # On for load runs: X-DB-Queries / X-DB-Time headers and every statement written to FLASKY_SQL_PROFILE_DIR.
    FLASKY_PROFILE_SQL = env_bool("FLASKY_PROFILE_SQL")
    FLASKY_SQL_PROFILE_DIR = os.environ.get("FLASKY_SQL_PROFILE_DIR", "sql-profile")
    # Prometheus metrics at /metrics, off by default; when on, only for the bearer of the token or the networks below.
    FLASKY_METRICS = env_bool("FLASKY_METRICS")
    FLASKY_METRICS_TOKEN = os.environ.get("FLASKY_METRICS_TOKEN")
    FLASKY_METRICS_NETWORKS = [
        network.strip() for network in os.environ.get("FLASKY_METRICS_NETWORKS", "").split(",") if network.strip()
    ]
    # scrypt with N=2**17 meets OWASP ASVS 5.0 11.4.2; Werkzeug's default N=2**15 does not.
    FLASKY_PASSWORD_HASH_METHOD = os.environ.get("FLASKY_PASSWORD_HASH_METHOD", "scrypt:131072:8:1")

    # Redis for the task queue (mail and other slow work); unset, that work runs on a background thread.
    REDIS_URL = os.environ.get("REDIS_URL")
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    # Signed-out readers' pages from a cache (app/page_cache.py): Redis when set, else this process's memory with
    # the generation in a file all workers of the host share (FLASKY_PAGE_CACHE_GENERATION_FILE, else a temp file).
    FLASKY_PAGE_CACHE = env_bool("FLASKY_PAGE_CACHE", True)
    CACHE_REDIS_URL = os.environ.get("REDIS_URL")
    FLASKY_PAGE_CACHE_GENERATION_FILE = os.environ.get("FLASKY_PAGE_CACHE_GENERATION_FILE")
    # Every write a cached page shows ends it at once; this only bounds how late a user's "last seen" may show.
    CACHE_DEFAULT_TIMEOUT = env_int("FLASKY_PAGE_CACHE_TIMEOUT", 60)
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down: count in each process's memory until it is back, rather than failing the request.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    FLASKY_AUTH_RATE_LIMIT = os.environ.get("FLASKY_AUTH_RATE_LIMIT", "10 per minute")

    # Outages (app/resilience.py, app/database.py, app/outbox.py). Seconds a 503 asks clients to wait.
    FLASKY_RETRY_AFTER = env_int("FLASKY_RETRY_AFTER", 5)
    # Connecting to PostgreSQL: attempts before a request answers 503, the first pause (doubling), each one's timeout.
    FLASKY_DB_CONNECT_ATTEMPTS = env_int("FLASKY_DB_CONNECT_ATTEMPTS", 3)
    FLASKY_DB_CONNECT_RETRY_DELAY = float(os.environ.get("FLASKY_DB_CONNECT_RETRY_DELAY", 0.1))
    FLASKY_DB_CONNECT_TIMEOUT = env_int("FLASKY_DB_CONNECT_TIMEOUT", 3)
    # How long a request whose answer to COMMIT was lost keeps asking the server whether it committed.
    FLASKY_DB_SETTLE_SECONDS = float(os.environ.get("FLASKY_DB_SETTLE_SECONDS", 5))
    # The outbox: seconds before each new attempt of a failed delivery (then it is "failed"), how long a claim
    # lasts, and how often a request or a worker picks up what waits (0: never).
    FLASKY_OUTBOX_RETRY_DELAYS = [
        int(delay) for delay in os.environ.get("FLASKY_OUTBOX_RETRY_DELAYS", "10,30,60,300").split(",") if delay.strip()
    ]
    FLASKY_OUTBOX_LEASE = env_int("FLASKY_OUTBOX_LEASE", 300)
    FLASKY_OUTBOX_DRAIN_INTERVAL = float(os.environ.get("FLASKY_OUTBOX_DRAIN_INTERVAL", 15))
    # Created by gunicorn.conf.py on SIGTERM: /readyz answers 503 while the instance drains.
    FLASKY_DRAIN_FILE = os.environ.get("FLASKY_DRAIN_FILE")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # How long a sign-in lasts (app/services/sessions.py): a browser session, a remember-me cookie (days).
    PERMANENT_SESSION_LIFETIME = timedelta(days=env_int("FLASKY_SESSION_DAYS", 31))
    REMEMBER_COOKIE_DURATION = timedelta(days=env_int("FLASKY_REMEMBER_DAYS", 365))
    # Seconds after a sign-in when sensitive actions (2FA off, ending all other sessions) ask for the password again.
    FLASKY_REAUTHENTICATE_AFTER = env_int("FLASKY_REAUTHENTICATE_AFTER", 600)
    # Roles, comma-separated (such as "administrator"), whose users must turn on two-step sign-in.
    FLASKY_REQUIRE_2FA_FOR = [
        role.strip().lower() for role in os.environ.get("FLASKY_REQUIRE_2FA_FOR", "").split(",") if role.strip()
    ]
    # The site's languages (app/i18n.py): a user's own setting, else the footer's cookie, else the browser's best.
    FLASKY_LANGUAGES = ["en", "es"]
    BABEL_DEFAULT_LOCALE = "en"
    FLASKY_LOCALE_COOKIE = "locale"
    FLASKY_LOCALE_COOKIE_DAYS = env_int("FLASKY_LOCALE_COOKIE_DAYS", 365)
    # The name authenticator apps show next to the account.
    FLASKY_TOTP_ISSUER = os.environ.get("FLASKY_TOTP_ISSUER", "Flasky")
    FLASKY_HSTS = False
    # Set behind one reverse proxy (load balancer, nginx): trust its X-Forwarded-For/-Proto/-Host/-Port/-Prefix.
    FLASKY_PROXY_FIX = env_bool("FLASKY_PROXY_FIX")
    # Level of the JSON log lines written to stderr in production.
    FLASKY_LOG_LEVEL = os.environ.get("FLASKY_LOG_LEVEL", "INFO")

    @staticmethod
    def init_app(app) -> None:
        """Hook for configuration that needs the application object."""


class DevelopmentConfig(Config):
    DEBUG = True
    SQLALCHEMY_DATABASE_URI = database_url("DEV_DATABASE_URL", "sqlite:///flasky-dev.sqlite")


class TestingConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False
    SQLALCHEMY_DATABASE_URI = database_url("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_ENABLED = env_bool("FLASKY_TEST_RATELIMIT")
    # Mail goes by thread unless a test sets a Redis URL for the task queue itself.
    REDIS_URL = None
    # Off so that query budgets count a page's own work; the page cache's tests turn it on.
    FLASKY_PAGE_CACHE = False
    CACHE_REDIS_URL = None
    # A cheap hash keeps the suite fast; production strength is tested separately.
    FLASKY_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1"
    # Tests drain the outbox themselves, when they mean to.
    FLASKY_OUTBOX_DRAIN_INTERVAL = 0
    FLASKY_BASE_URL = "http://localhost"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    FLASKY_HSTS = True
    # No random fallback: sessions and tokens must survive a restart and agree across workers.
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # No default: links in mail must point at the public site, never at a guess.
    FLASKY_BASE_URL = os.environ.get("FLASKY_BASE_URL")
    SQLALCHEMY_DATABASE_URI = database_url("DATABASE_URL", "sqlite:///flasky.sqlite")

    @classmethod
    def init_app(cls, app) -> None:
        if not app.config.get("SECRET_KEY"):
            raise SystemExit("Flasky: SECRET_KEY must be set in the environment for the production configuration.")
        if not app.config.get("FLASKY_BASE_URL"):
            raise SystemExit("Flasky: FLASKY_BASE_URL (the site's public URL, for links in mail) must be set.")
        from app.log import configure_logging

        configure_logging(app.config["FLASKY_LOG_LEVEL"])


config = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
    "default": DevelopmentConfig,
}
