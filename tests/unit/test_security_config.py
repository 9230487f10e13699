"""Security settings: where rate limits are counted, where mail links point, cookie flags per configuration."""

from tests.unit.test_config import load_config  # noqa: F401 - the fixture, shared


def test_rate_limits_are_counted_in_redis_when_redis_url_is_set(load_config):  # noqa: F811
    assert load_config(REDIS_URL="redis://cache:6379/0").Config.RATELIMIT_STORAGE_URI == "redis://cache:6379/0"


def test_rate_limits_are_counted_in_memory_without_redis(monkeypatch, load_config):  # noqa: F811
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert load_config().Config.RATELIMIT_STORAGE_URI == "memory://"


def test_mail_links_point_at_the_configured_base_url(monkeypatch, load_config):  # noqa: F811
    monkeypatch.delenv("FLASKY_BASE_URL", raising=False)
    assert load_config().Config.FLASKY_BASE_URL == "http://127.0.0.1:5000"
    assert load_config(FLASKY_BASE_URL="https://blog.example").Config.FLASKY_BASE_URL == "https://blog.example"
    assert load_config().TestingConfig.FLASKY_BASE_URL == "http://localhost"


def test_cookies_are_http_only_and_lax_everywhere_and_secure_in_production(load_config):  # noqa: F811
    settings = load_config()
    for name in ("SESSION", "REMEMBER"):
        assert getattr(settings.Config, f"{name}_COOKIE_HTTPONLY") is True
        assert getattr(settings.Config, f"{name}_COOKIE_SAMESITE") == "Lax"
        assert getattr(settings.ProductionConfig, f"{name}_COOKIE_SECURE") is True
    assert settings.ProductionConfig.FLASKY_HSTS is True
    assert settings.Config.FLASKY_HSTS is False
