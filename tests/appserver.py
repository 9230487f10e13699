"""Flasky served for real: from a thread of the test process, or as production runs it, in subprocesses.

``serve_in_thread`` serves an application the test built (browser tests, concurrent requests); ``run_flask`` and
``Gunicorn`` run ``flask`` commands and gunicorn in subprocesses, each bounded in time.
"""

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import requests
from flask import Flask
from werkzeug.serving import make_server

from tests.apps import csrf_token
from tests.mailserver import free_port

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class LiveServer:
    """The application served over HTTP, and the address a client reaches it at."""

    app: Flask
    url: str


@contextmanager
def serve_in_thread(app: Flask, name: str = "live-server") -> Iterator[LiveServer]:
    """Serve ``app`` with Werkzeug's threaded server on a free port of 127.0.0.1, from a thread, until the block ends.

    Requests run on other threads than the test, each in its own application context: give the app a database
    those threads share (a file or a server, not ``sqlite://`` in memory).
    """
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def production_environment(database_url: str, redis_url: str = "", **settings: str) -> dict[str, str]:
    """The environment of a production process: FLASK_CONFIG=production and the given services."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith(("FLASK", "TEST_"))}
    environment.update(
        FLASK_APP="flasky",
        FLASK_CONFIG="production",
        SECRET_KEY="the same secret on every instance",
        FLASKY_BASE_URL="http://127.0.0.1",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        FLASKY_ADMIN="",
        FLASKY_LOG_LEVEL="INFO",
        WEB_CONCURRENCY="2",
        # Stopping at once on SIGTERM: only the tests of stopping wait for a load balancer.
        GUNICORN_DRAIN_SECONDS="0",
    )
    environment.update(settings)
    return environment


def run_flask(environment: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``flask *args`` to completion, failing the test if it fails or outlives ``timeout`` seconds."""
    result = subprocess.run(
        [sys.executable, "-m", "flask", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


class Gunicorn:
    """``gunicorn -c gunicorn.conf.py`` on a free port of 127.0.0.1, its output kept in files under ``logs``."""

    def __init__(self, environment: dict[str, str], logs: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.environment = {**environment, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        self.stdout_path = logs / f"gunicorn-{self.port}.out"
        self.stderr_path = logs / f"gunicorn-{self.port}.err"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> "Gunicorn":
        """Start gunicorn and wait until ``/healthz`` answers, or fail with its log after ``timeout`` seconds."""
        with self.stdout_path.open("w") as stdout, self.stderr_path.open("w") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
                cwd=ROOT,
                env=self.environment,
                stdout=stdout,
                stderr=stderr,
            )
        self._wait_until_serving(timeout)
        return self

    def _wait_until_serving(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass
            try:
                self.process.wait(timeout=0.1)
            except subprocess.TimeoutExpired:
                continue
            raise AssertionError(f"gunicorn exited with {self.process.returncode}:\n{self.stderr()}")
        raise AssertionError(f"gunicorn did not serve /healthz within {timeout}s:\n{self.stderr()}")

    def stop(self) -> None:
        """Stop gunicorn gracefully, or kill it when it takes longer than 15 seconds."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)

    def stdout(self) -> str:
        return self.stdout_path.read_text()

    def stderr(self) -> str:
        return self.stderr_path.read_text()


class Browser:
    """A client that keeps its cookies itself and sends them to any instance, as a browser behind one host would.

    Production cookies are ``Secure``, and these instances speak plain HTTP on 127.0.0.1, so ``requests``
    would keep them to itself.
    """

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def get(self, url: str) -> requests.Response:
        return self._follow(requests.get(url, headers=self._headers(), allow_redirects=False, timeout=10))

    def post(self, url: str, data: dict[str, str]) -> requests.Response:
        """Post ``data`` with the CSRF token of the form on the page at ``url``."""
        token = csrf_token(self.get(url).text)
        response = requests.post(
            url, data={**data, "csrf_token": token}, headers=self._headers(), allow_redirects=False, timeout=10
        )
        return self._follow(response)

    def _headers(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}

    def _follow(self, response: requests.Response) -> requests.Response:
        for _ in range(5):
            self.cookies.update(response.cookies.get_dict())
            if not response.is_redirect:
                return response
            target = urljoin(response.url, response.headers["Location"])
            response = requests.get(target, headers=self._headers(), allow_redirects=False, timeout=10)
        raise AssertionError(f"more than 5 redirects from {response.url}")
