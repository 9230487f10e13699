"""``nox -s load``: build or reuse a large data set, serve it with gunicorn, run the Locust profiles headless, report.

Every option also reads an environment variable (shown in ``--help``). Output: reports/load-<timestamp>/ with
Locust's CSV and HTML reports, the SQL statement log (sql/), the server's /metrics before and after the run
(metrics-before.prom, metrics-after.prom), report.md and report.html.
"""

import argparse
import json
import os
import secrets
import sys
import time
from pathlib import Path

from tests.load.harness import (
    ROOT,
    DataSet,
    default_workers,
    describe,
    ensure_dataset,
    gunicorn,
    read_locust_stats,
    run_locust,
)
from tests.load.report import build_report
from tests.load.server_metrics import AFTER_FILE, BEFORE_FILE, scrape

DEFAULT_DATABASE = f"sqlite:///{ROOT / 'instance' / 'flasky-load.sqlite'}"


def options(argv: list[str] | None = None) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=int(env("LOAD_USERS", 50)), help="Locust users [LOAD_USERS, 50]")
    parser.add_argument(
        "--spawn-rate",
        type=float,
        default=float(env("LOAD_SPAWN_RATE", 5)),
        help="Users started per second [LOAD_SPAWN_RATE, 5]",
    )
    parser.add_argument(
        "--run-time", default=env("LOAD_RUN_TIME", "2m"), help="How long Locust runs [LOAD_RUN_TIME, 2m]"
    )
    parser.add_argument(
        "--database-url", default=env("LOAD_DATABASE_URL", DEFAULT_DATABASE), help="[LOAD_DATABASE_URL, a SQLite file]"
    )
    parser.add_argument(
        "--workers", type=int, default=int(env("LOAD_WORKERS", default_workers())), help="[LOAD_WORKERS]"
    )
    parser.add_argument("--data-users", type=int, default=int(env("LOAD_DATA_USERS", 10_000)))
    parser.add_argument("--data-posts", type=int, default=int(env("LOAD_DATA_POSTS", 100_000)))
    parser.add_argument("--data-follows", type=int, default=int(env("LOAD_DATA_FOLLOWS", 20)))
    parser.add_argument("--data-comments", type=int, default=int(env("LOAD_DATA_COMMENTS", 300_000)))
    parser.add_argument("--rebuild", action="store_true", help="Drop the database and build the data set afresh.")
    parser.add_argument("--output", type=Path, help="Output folder [reports/load-<timestamp>]")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = options(argv)
    output = arguments.output or ROOT / "reports" / time.strftime("load-%Y%m%d-%H%M%S")
    output.mkdir(parents=True, exist_ok=True)
    data = DataSet(
        users=arguments.data_users,
        posts=arguments.data_posts,
        follows=arguments.data_follows,
        comments=arguments.data_comments,
    )
    started = time.perf_counter()
    outcome = ensure_dataset(arguments.database_url, data, rebuild=arguments.rebuild)
    print(f"Data set {outcome} in {time.perf_counter() - started:.0f} s on {describe(arguments.database_url)}.")
    metrics_token = secrets.token_urlsafe(32)
    profiling = {
        "FLASKY_PROFILE_SQL": "1",
        "FLASKY_SQL_PROFILE_DIR": str(output / "sql"),
        "FLASKY_METRICS": "on",
        "FLASKY_METRICS_TOKEN": metrics_token,
    }
    with gunicorn(arguments.database_url, arguments.workers, output / "gunicorn.log", **profiling) as base_url:
        print(
            f"gunicorn ({arguments.workers} workers) at {base_url}; "
            f"Locust: {arguments.users} users for {arguments.run_time}."
        )
        (output / BEFORE_FILE).write_text(scrape(base_url, metrics_token), encoding="utf-8")
        status = run_locust(
            base_url,
            output / "locust",
            users=arguments.users,
            spawn_rate=arguments.spawn_rate,
            run_time=arguments.run_time,
            html=output / "locust.html",
        )
        (output / AFTER_FILE).write_text(scrape(base_url, metrics_token), encoding="utf-8")
    run = {
        "Users": arguments.users,
        "Spawn rate": arguments.spawn_rate,
        "Run time": arguments.run_time,
        "Gunicorn workers": arguments.workers,
        "Data set": f"{data.users} users, {data.posts} posts, {data.follows} follows each, {data.comments} comments",
    }
    (output / "run.json").write_text(json.dumps(run, indent=2))
    build_report(output, arguments.database_url, run)
    totals = read_locust_stats(output / "locust")
    print(f"{totals.requests} requests, {totals.failures} failures. Reports in {output}/ (report.html, locust.html).")
    return status


if __name__ == "__main__":
    sys.exit(main())
