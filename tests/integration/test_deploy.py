"""Running in production: gunicorn's settings, JSON log lines, the ProxyFix switch, and a release then a start."""

import json
import logging
import os
import runpy
import subprocess
import sys

import pytest
import requests
from flask import request

from app.log import JsonFormatter, configure_logging
from tests.apps import make_app
from tests.appserver import ROOT, Gunicorn, production_environment, run_flask

GUNICORN_SETTINGS = ROOT / "gunicorn.conf.py"
GUNICORN_VARIABLES = ("GUNICORN_BIND", "PORT", "WEB_CONCURRENCY", "FLASKY_LOG_LEVEL")


@pytest.fixture
def gunicorn_settings(monkeypatch):
    """Read gunicorn.conf.py as gunicorn does, under the environment a test sets."""
    for name in GUNICORN_VARIABLES:
        monkeypatch.delenv(name, raising=False)

    def read(**environment: str) -> dict:
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(GUNICORN_SETTINGS))

    return read


@pytest.fixture
def root_logger():
    """The root logger, with its handlers and level put back after the test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield root
    root.handlers[:] = handlers
    root.setLevel(level)


def a_record(message: str = "hello", **attributes) -> logging.LogRecord:
    record = logging.LogRecord("app.test", logging.WARNING, __file__, 1, message, None, None)
    record.__dict__.update(attributes)
    return record


def test_gunicorn_binds_all_interfaces_on_port_8000_by_default(gunicorn_settings):
    assert gunicorn_settings()["bind"] == "0.0.0.0:8000"


def test_gunicorn_binds_the_port_the_platform_gives(gunicorn_settings):
    assert gunicorn_settings(PORT="5000")["bind"] == "0.0.0.0:5000"


def test_gunicorn_bind_can_be_set_outright(gunicorn_settings):
    settings = gunicorn_settings(PORT="5000", GUNICORN_BIND="unix:/run/flasky.sock")
    assert settings["bind"] == "unix:/run/flasky.sock"


def test_gunicorn_runs_two_workers_a_cpu_plus_one(gunicorn_settings):
    assert gunicorn_settings()["workers"] == 2 * len(os.sched_getaffinity(0)) + 1


def test_gunicorn_workers_follow_web_concurrency(gunicorn_settings):
    assert gunicorn_settings(WEB_CONCURRENCY="3")["workers"] == 3


def test_gunicorn_opens_no_control_socket_that_instances_on_one_host_would_share(gunicorn_settings):
    assert gunicorn_settings()["control_socket_disable"] is True


def test_gunicorn_logs_access_to_stdout_and_errors_to_stderr_as_json(gunicorn_settings):
    settings = gunicorn_settings(FLASKY_LOG_LEVEL="warning")
    assert (settings["accesslog"], settings["errorlog"]) == ("-", "-")
    handlers = settings["logconfig_dict"]["handlers"]
    loggers = settings["logconfig_dict"]["loggers"]
    assert handlers[loggers["gunicorn.access"]["handlers"][0]]["stream"] == "ext://sys.stdout"
    assert handlers[loggers["gunicorn.error"]["handlers"][0]]["stream"] == "ext://sys.stderr"
    assert loggers["gunicorn.error"]["level"] == "WARNING"
    assert settings["logconfig_dict"]["formatters"]["json"]["()"] == "app.log.JsonFormatter"
    assert settings["timeout"] == 30


def test_a_log_record_is_one_line_of_json():
    line = JsonFormatter().format(a_record("disk %s is full", args=("/var",), volume="/var"))
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "app.test"
    assert entry["message"] == "disk /var is full"
    assert entry["volume"] == "/var"
    assert entry["time"].endswith("+00:00")


def test_a_log_record_made_in_a_request_names_the_request(app):
    with app.test_request_context("/posts/3", method="POST", environ_base={"REMOTE_ADDR": "203.0.113.7"}):
        entry = json.loads(JsonFormatter().format(a_record()))
    assert entry["request"] == {"method": "POST", "path": "/posts/3", "remote_addr": "203.0.113.7"}


def test_a_logged_exception_and_stack_are_kept_in_the_line():
    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError:
        record = a_record(exc_info=sys.exc_info(), stack_info="Stack (most recent call last):\n  here")
    entry = json.loads(JsonFormatter().format(record))
    assert entry["exception"].endswith("ZeroDivisionError: division by zero")
    assert entry["stack"].endswith("here")


def test_configuring_logging_twice_keeps_one_json_handler(root_logger):
    configure_logging("warning")
    configure_logging("debug")
    json_handlers = [handler for handler in root_logger.handlers if isinstance(handler.formatter, JsonFormatter)]
    assert len(json_handlers) == 1
    assert root_logger.level == logging.DEBUG


def test_an_unknown_log_level_stops_the_start_with_a_message(root_logger):
    with pytest.raises(SystemExit, match="FLASKY_LOG_LEVEL='loud' is not a logging level"):
        configure_logging("loud")


def test_production_writes_json_lines_on_stderr_at_the_level_set_in_the_environment(tmp_path):
    script = (
        "import logging\n"
        "from app import create_app\n"
        "app = create_app('production')\n"
        "app.logger.info('not shown')\n"
        "app.logger.warning('disk %s is full', '/var')\n"
        "logging.getLogger('app.jobs').error('job failed', extra={'job': 'j1'})\n"
    )
    environment = production_environment(f"sqlite:///{tmp_path / 'flasky.sqlite'}", FLASKY_LOG_LEVEL="WARNING")
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    entries = [json.loads(line) for line in result.stderr.splitlines()]
    assert [(entry["level"], entry["message"]) for entry in entries] == [
        ("WARNING", "disk /var is full"),
        ("ERROR", "job failed"),
    ]
    assert entries[1]["job"] == "j1"
    assert result.stdout == ""


@pytest.fixture
def where_app():
    """Build an app with a page that shows the URL and client address it sees, under a ProxyFix setting."""

    def build(proxy_fix: bool):
        app = make_app("testing", {"FLASKY_PROXY_FIX": proxy_fix})
        app.add_url_rule("/where", "where", lambda: {"url": request.url, "client": request.remote_addr})
        return app

    return build


FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "flasky.example.com"}


def test_behind_a_proxy_the_app_sees_the_client_and_the_public_url(where_app):
    client = where_app(proxy_fix=True).test_client()
    seen = client.get("/where", headers=FORWARDED, environ_base={"REMOTE_ADDR": "10.0.0.2"}).get_json()
    assert seen == {"url": "https://flasky.example.com/where", "client": "203.0.113.7"}


def test_without_proxy_fix_forwarded_headers_are_not_trusted(where_app):
    client = where_app(proxy_fix=False).test_client()
    seen = client.get("/where", headers=FORWARDED, environ_base={"REMOTE_ADDR": "10.0.0.2"}).get_json()
    assert seen == {"url": "http://localhost/where", "client": "10.0.0.2"}


def test_a_release_then_gunicorn_serves_a_ready_app_and_logs_json(tmp_path):
    environment = production_environment(f"sqlite:///{tmp_path / 'flasky.sqlite'}", WEB_CONCURRENCY="1")
    assert "Database at head" in run_flask(environment, "deploy").stdout
    server = Gunicorn(environment, tmp_path)
    try:
        server.start()
        response = requests.get(f"{server.url}/readyz", timeout=10)
        assert response.status_code == 200
        assert response.json() == {
            "status": "ok",
            "checks": {"database": "ok", "migrations": "ok"},
            "degraded": [],
            "serving": True,
        }
    finally:
        server.stop()
    access = [json.loads(line) for line in server.stdout().splitlines()]
    assert any(
        entry["logger"] == "gunicorn.access" and '"GET /readyz HTTP/1.1" 200' in entry["message"] for entry in access
    )
    errors = [json.loads(line) for line in server.stderr().splitlines()]
    assert any(
        entry["logger"] == "gunicorn.error" and entry["message"].startswith("Booting worker") for entry in errors
    )
