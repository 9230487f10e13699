"""Configuration: the named classes, values from the environment, and production's safety checks."""

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix

import config as loaded_config
from app import create_app
from app.extensions import db, limiter

CONFIG_FILE = Path(loaded_config.__file__)
# Settings the tests below read; cleared so the developer's shell or .env cannot change the outcome.
SETTINGS = [
    "SECRET_KEY",
    "DATABASE_URL",
    "DEV_DATABASE_URL",
    "TEST_DATABASE_URL",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USE_TLS",
    "MAIL_USE_SSL",
    "FLASKY_ADMIN",
    "FLASKY_MAIL_SUBJECT_PREFIX",
    "FLASKY_POSTS_PER_PAGE",
    "FLASKY_FOLLOWERS_PER_PAGE",
    "FLASKY_COMMENTS_PER_PAGE",
    "FLASKY_SLOW_DB_QUERY_TIME",
    "FLASKY_PASSWORD_HASH_METHOD",
    "FLASKY_CORS_ORIGINS",
]


def skip_dotenv(*args: object, **kwargs: object) -> bool:
    """Stand in for ``load_dotenv`` so a developer's .env cannot leak into these tests."""
    return False


@pytest.fixture
def load_config(monkeypatch):
    """Execute config.py afresh with the given environment, leaving the imported module untouched."""
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("dotenv.load_dotenv", skip_dotenv)

    def load(**environment: str) -> ModuleType:
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        spec = importlib.util.spec_from_file_location("config_under_test", CONFIG_FILE)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return load


def test_config_names_every_configuration(load_config):
    config = load_config().config
    assert {"development", "testing", "production", "default"} <= set(config)
    assert config["default"] is config["development"]
    assert config["testing"].TESTING is True
    assert config["development"].DEBUG is True


def test_flasky_defaults(load_config):
    settings = load_config().Config
    assert settings.FLASKY_MAIL_SUBJECT_PREFIX == "[Flasky]"
    assert settings.FLASKY_POSTS_PER_PAGE == 20
    assert settings.FLASKY_FOLLOWERS_PER_PAGE == 50
    assert settings.FLASKY_COMMENTS_PER_PAGE == 30
    assert settings.FLASKY_SLOW_DB_QUERY_TIME == 0.5
    assert settings.FLASKY_ADMIN is None
    assert settings.FLASKY_PASSWORD_HASH_METHOD == "scrypt:131072:8:1"
    assert settings.MAIL_PORT == 25
    assert settings.MAIL_USE_TLS is False
    assert settings.FLASKY_CORS_ORIGINS == []


def test_settings_come_from_the_environment(load_config):
    settings = load_config(
        FLASKY_ADMIN="boss@example.com",
        FLASKY_MAIL_SUBJECT_PREFIX="[Blog]",
        FLASKY_POSTS_PER_PAGE="5",
        FLASKY_FOLLOWERS_PER_PAGE="7",
        FLASKY_COMMENTS_PER_PAGE="9",
        FLASKY_SLOW_DB_QUERY_TIME="1.5",
        MAIL_SERVER="smtp.example.com",
        MAIL_PORT="587",
        MAIL_USE_TLS="yes",
        MAIL_USE_SSL="0",
        SECRET_KEY="s3cret",
    ).Config
    assert settings.FLASKY_ADMIN == "boss@example.com"
    assert settings.FLASKY_MAIL_SUBJECT_PREFIX == "[Blog]"
    assert (settings.FLASKY_POSTS_PER_PAGE, settings.FLASKY_FOLLOWERS_PER_PAGE) == (5, 7)
    assert settings.FLASKY_COMMENTS_PER_PAGE == 9
    assert settings.FLASKY_SLOW_DB_QUERY_TIME == 1.5
    assert (settings.MAIL_SERVER, settings.MAIL_PORT) == ("smtp.example.com", 587)
    assert settings.MAIL_USE_TLS is True
    assert settings.MAIL_USE_SSL is False
    assert settings.SECRET_KEY == "s3cret"


@pytest.mark.parametrize("value", ["1", "true", "YES", " on "])
def test_true_words_turn_a_flag_on(load_config, value):
    assert load_config(MAIL_USE_SSL=value).Config.MAIL_USE_SSL is True


def test_without_a_secret_key_development_makes_a_random_one(load_config):
    first, second = load_config().DevelopmentConfig.SECRET_KEY, load_config().DevelopmentConfig.SECRET_KEY
    assert len(first) == 64
    assert first != second


@pytest.mark.parametrize(
    ("variable", "config_name"),
    [("DEV_DATABASE_URL", "development"), ("TEST_DATABASE_URL", "testing"), ("DATABASE_URL", "production")],
)
@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_postgres_urls_are_steered_to_psycopg(load_config, variable, config_name, scheme):
    config = load_config(**{variable: f"{scheme}://flasky:pw@db.example.com:5432/flasky"}).config
    assert config[config_name].SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://flasky:pw@db.example.com:5432/flasky"


def test_other_database_urls_are_kept(load_config):
    config = load_config(DATABASE_URL="mysql+pymysql://u@h/db", DEV_DATABASE_URL="").config
    assert config["production"].SQLALCHEMY_DATABASE_URI == "mysql+pymysql://u@h/db"
    assert config["development"].SQLALCHEMY_DATABASE_URI == "sqlite:///flasky-dev.sqlite"


def test_database_defaults(load_config):
    config = load_config().config
    assert config["testing"].SQLALCHEMY_DATABASE_URI == "sqlite://"
    assert config["production"].SQLALCHEMY_DATABASE_URI == "sqlite:///flasky.sqlite"


def test_testing_disables_csrf_and_hashes_cheaply(load_config):
    testing = load_config().TestingConfig
    assert testing.WTF_CSRF_ENABLED is False
    assert testing.FLASKY_PASSWORD_HASH_METHOD.startswith("pbkdf2:")


def test_production_refuses_to_start_without_a_secret_key():
    with pytest.raises(SystemExit) as stopped:
        create_app("production", {"SECRET_KEY": None, "FLASKY_BASE_URL": "https://flasky.example.com"})
    message = str(stopped.value)
    assert message == "Flasky: SECRET_KEY must be set in the environment for the production configuration."
    assert "\n" not in message


def test_production_without_secret_key_in_the_environment_has_none(load_config):
    assert load_config().ProductionConfig.SECRET_KEY is None


def test_production_refuses_to_start_without_a_base_url():
    with pytest.raises(SystemExit) as stopped:
        create_app("production", {"SECRET_KEY": "s3cret", "FLASKY_BASE_URL": None})
    message = str(stopped.value)
    assert message == "Flasky: FLASKY_BASE_URL (the site's public URL, for links in mail) must be set."
    assert "\n" not in message


def test_production_without_base_url_in_the_environment_has_none(load_config):
    assert load_config().ProductionConfig.FLASKY_BASE_URL is None


def test_production_starts_with_a_secret_key():
    app = create_app("production", {"SECRET_KEY": "s3cret", "FLASKY_BASE_URL": "https://flasky.example.com"})
    assert app.config["SECRET_KEY"] == "s3cret"
    assert not app.debug
    assert not app.testing


def test_overrides_replace_the_configuration_before_the_extensions_read_it(tmp_path):
    overrides = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'elsewhere.sqlite'}",
        "RATELIMIT_ENABLED": True,
        "FLASKY_AUTH_RATE_LIMIT": "2 per minute",
        "FLASKY_PROXY_FIX": True,
    }
    app = create_app("testing", overrides)
    assert {name: app.config[name] for name in overrides} == overrides
    assert limiter.enabled is True
    assert isinstance(app.wsgi_app, ProxyFix)
    with app.app_context():
        assert db.engine.url.database == str(tmp_path / "elsewhere.sqlite")
        db.engine.dispose()


def test_without_overrides_the_named_configuration_stands():
    testing = loaded_config.config["testing"]
    app = create_app("testing")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == testing.SQLALCHEMY_DATABASE_URI
    assert app.config["RATELIMIT_ENABLED"] is testing.RATELIMIT_ENABLED
    assert not isinstance(app.wsgi_app, ProxyFix)


def test_lower_case_overrides_are_refused_rather_than_ignored():
    with pytest.raises(ValueError, match="upper case; these would be ignored: secret_key"):
        create_app("testing", {"secret_key": "s3cret", "FLASKY_ADMIN": "boss@example.com"})
