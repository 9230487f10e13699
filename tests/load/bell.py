"""``python -m tests.load.bell``: what one open tab's notification bell costs the server, measured.

Serves the app with gunicorn (production settings, SQL profiling on) on a fake data set, signs demo@example.com in
through the login form, and polls ``/notifications/count`` as ``app/static/js/notifications.js`` does, sending the
last answer's ETag. For the 304 an unchanged count gets, and the 200 a changed one gets, it reports the SQL statements
and their time (``X-DB-Queries``, ``X-DB-Time``), the round trip and the bytes each way; then what a visible tab and a
hidden one (backed off to its longest interval) cost per minute. It asserts nothing.
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import requests

from config import Config
from tests.load.harness import ROOT, DataSet, describe, ensure_dataset, gunicorn
from tests.load.site import PASSWORD, PlainHttpCookieJar, csrf_token

READER = "demo@example.com"
# notifications.js: a hidden tab doubles its interval up to this many times the visible one.
HIDDEN_BACKOFF = 20


def signed_in(base_url: str) -> requests.Session:
    browser = requests.Session()
    browser.cookies = PlainHttpCookieJar()
    token = csrf_token(browser.get(f"{base_url}/auth/login", timeout=10).text)
    browser.post(
        f"{base_url}/auth/login", data={"email": READER, "password": PASSWORD, "csrf_token": token}, timeout=10
    )
    return browser


def wire_bytes(headers: dict[str, str], first_line: str, body: bytes) -> int:
    """Bytes of an HTTP/1.1 message: its first line, its headers, the blank line and the body."""
    return len(first_line) + 2 + sum(len(f"{name}: {value}\r\n") for name, value in headers.items()) + 2 + len(body)


def measure(browser: requests.Session, url: str, etag: str | None, polls: int) -> dict[str, float]:
    """``polls`` requests, with ``etag`` as If-None-Match when given: medians per request."""
    rounds, statements, database_ms, received, sent = [], [], [], [], []
    for _ in range(polls):
        headers = {"If-None-Match": etag} if etag else {}
        started = time.perf_counter()
        response = browser.get(url, headers=headers, timeout=10)
        rounds.append((time.perf_counter() - started) * 1000)
        statements.append(int(response.headers["X-DB-Queries"]))
        database_ms.append(float(response.headers["X-DB-Time"]))
        received.append(
            wire_bytes(response.headers, f"HTTP/1.1 {response.status_code} {response.reason}", response.content)
        )
        request = response.request
        sent.append(wire_bytes(request.headers, f"GET {request.path_url} HTTP/1.1", b""))
    return {
        "status": response.status_code,
        "statements": statistics.median(statements),
        "database ms": statistics.median(database_ms),
        "round trip ms": statistics.median(rounds),
        "bytes received": statistics.median(received),
        "bytes sent": statistics.median(sent),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="the data set's database (default: a SQLite file in a temporary folder)")
    parser.add_argument("--polls", type=int, default=1000)
    parser.add_argument("--interval", type=int, default=Config.FLASKY_NOTIFICATIONS_POLL_SECONDS)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = arguments.database_url or f"sqlite:///{Path(folder) / 'bell.sqlite'}"
        ensure_dataset(url, DataSet(users=1_000, posts=1_000))
        with gunicorn(url, 1, ROOT / "reports" / "bell-gunicorn.log", FLASKY_PROFILE_SQL="1") as base_url:
            browser = signed_in(base_url)
            count_url = f"{base_url}/notifications/count"
            etag = browser.get(count_url, timeout=10).headers["ETag"]
            results = {"unchanged (304)": measure(browser, count_url, etag, arguments.polls)}
            results["changed (200)"] = measure(browser, count_url, None, arguments.polls)
    print(f"{describe(url)}, {arguments.polls} polls each, medians per request:")
    for label, result in results.items():
        print(f"  {label}: " + ", ".join(f"{name} {value:g}" for name, value in result.items()))
    unchanged = results["unchanged (304)"]
    for tab, interval in (("visible", arguments.interval), ("hidden", arguments.interval * HIDDEN_BACKOFF)):
        per_minute = 60 / interval
        print(
            f"One {tab} tab (a poll every {interval} s), per minute while nothing changes: {per_minute:g} requests, "
            f"{per_minute * unchanged['statements']:g} statements, {per_minute * unchanged['database ms']:.2f} ms "
            f"of database time, {per_minute * unchanged['round trip ms']:.1f} ms of server time, "
            f"{per_minute * (unchanged['bytes received'] + unchanged['bytes sent']):.0f} bytes on the wire."
        )


if __name__ == "__main__":
    main()
