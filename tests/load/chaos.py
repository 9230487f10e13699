"""``nox -s chaos``: the write profile against two gunicorn instances while Redis, then PostgreSQL, go away.

Only services of its own are taken away, never the machine's: a redis-server on a free port (stopped, then started
again empty, as after a crash), a TCP proxy in front of PostgreSQL and a database of its own (``flasky_chaos``,
rebuilt each run; the proxy is cut, then restored), an SMTP server that keeps every mail, and a ``flask worker``
restarted whenever it exits, as a process manager would. The timeline: warm-up, Redis away for ``--outage``
seconds, recovery, PostgreSQL away as long, recovery. Then it waits for the outbox to empty and counts, from every
answer Locust got: 5xx other than 503 (goal 0), 503s, writes lost (answered saved, not in the database; goal 0) and
phantom (answered not saved, in the database; goal 0), and confirmation mails lost (goal 0). Report in
reports/chaos-<timestamp>/ (report.md, report.json, each server's log); the exit status is 1 when a goal is missed.
"""

import argparse
import os
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from pathlib import Path

import requests
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url

from app.models import OutboxMessage
from tests.load.chaos_report import Phase, build_report
from tests.load.harness import (
    ROOT,
    DataSet,
    app_environment,
    driver_url,
    drop_database,
    ensure_dataset,
    gunicorn,
    run_locust,
)
from tests.mailserver import MailServer
from tests.outages import RedisServer, TcpProxy

CHAOS_LOCUSTFILE = Path(__file__).resolve().parent / "chaos_locustfile.py"
LOCUST_START = 15
DATA = DataSet(users=50, posts=300, follows=5, comments=300, seed=7)
# Cheap hashes for the fake accounts: the run is about outages, not scrypt. Claims lapse after 30 s rather than 5
# minutes, so a job Redis lost when it stopped is sent again within the run.
SETTINGS = {
    "FLASKY_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    "FLASKY_OUTBOX_DRAIN_INTERVAL": "2",
    "FLASKY_OUTBOX_LEASE": "30",
}


def options(argv: list[str] | None = None) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=env("CHAOS_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/flasky_chaos"),
        help="A PostgreSQL database the run may drop and rebuild [CHAOS_DATABASE_URL]",
    )
    parser.add_argument("--users", type=int, default=int(env("CHAOS_USERS", 12)), help="Locust users per instance")
    parser.add_argument("--workers", type=int, default=int(env("CHAOS_WORKERS", 2)), help="gunicorn workers each")
    parser.add_argument("--outage", type=float, default=float(env("CHAOS_OUTAGE", 10)), help="Seconds each is away")
    parser.add_argument("--calm", type=float, default=float(env("CHAOS_CALM", 20)), help="Seconds between outages")
    parser.add_argument("--output", type=Path, help="Output folder [reports/chaos-<timestamp>]")
    return parser.parse_args(argv)


class Worker:
    """``flask worker``, started again whenever it exits, until ``stop()``; its output in ``log_path``."""

    def __init__(self, environment: dict[str, str], log_path: Path) -> None:
        self.environment = environment
        self.log_path = log_path
        self.restarts = 0
        self.stopping = threading.Event()
        self.process: subprocess.Popen | None = None
        self.thread = threading.Thread(target=self.supervise, name="worker-supervisor", daemon=True)

    def start(self) -> "Worker":
        self.thread.start()
        return self

    def supervise(self) -> None:
        with self.log_path.open("ab") as log:
            while not self.stopping.is_set():
                command = [sys.executable, "-m", "flask", "worker"]
                self.process = subprocess.Popen(command, cwd=ROOT, env=self.environment, stdout=log, stderr=log)
                self.process.wait()
                if not self.stopping.is_set():
                    self.restarts += 1
                    time.sleep(1)

    def stop(self) -> None:
        self.stopping.set()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.thread.join(timeout=30)


class Probes:
    """``/readyz`` of every instance twice a second, as a load balancer asks: (time, instance, status, state)."""

    def __init__(self, urls: list[str]) -> None:
        self.urls = urls
        self.samples: list[tuple[float, int, int, str]] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.probe, name="probes", daemon=True)

    def start(self) -> "Probes":
        self.thread.start()
        return self

    def probe(self) -> None:
        while not self.stopping.wait(0.5):
            for number, url in enumerate(self.urls, start=1):
                try:
                    response = requests.get(f"{url}/readyz", timeout=5)
                    self.samples.append((time.time(), number, response.status_code, response.json()["status"]))
                except (requests.RequestException, ValueError) as error:
                    self.samples.append((time.time(), number, 0, error.__class__.__name__))

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=10)


def outbox_counts(database: str) -> dict[str, int]:
    engine = create_engine(driver_url(database))
    try:
        with engine.connect() as connection:
            query = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            return dict(connection.execute(query).tuples().all())
    finally:
        engine.dispose()


def wait_for_outbox(database: str, timeout: float) -> dict[str, int]:
    """Wait until the outbox holds nothing but failed messages, or ``timeout`` seconds pass; what it holds then."""
    deadline = time.monotonic() + timeout
    while True:
        counts = outbox_counts(database)
        if set(counts) <= {"failed"} or time.monotonic() > deadline:
            return counts
        time.sleep(1)


def wait_for_first_answers(records: list[Path], timeout: float = 60) -> None:
    """Wait until Locust, slow to start, has answers from every instance: the warm-up starts then."""
    deadline = time.monotonic() + timeout
    while not all(path.exists() and path.stat().st_size for path in records) and time.monotonic() < deadline:
        time.sleep(0.2)


def follow_timeline(redis: RedisServer, proxy: TcpProxy, outage: float, calm: float) -> list[Phase]:
    """Warm up, take Redis away and back, then PostgreSQL; the phases as they happened."""
    phases: list[Phase] = []

    def phase(name: str, seconds: float) -> None:
        start = time.time()
        time.sleep(seconds)
        phases.append(Phase(name, start, time.time()))

    phase("warm-up", calm)
    redis.stop()
    phase("Redis stopped", outage)
    redis.start()
    phase("after Redis", calm)
    proxy.cut()
    phase("PostgreSQL cut", outage)
    proxy.restore()
    phase("after PostgreSQL", calm)
    phases[-1].end = float("inf")
    return phases


def main(argv: list[str] | None = None) -> int:
    arguments = options(argv)
    output = arguments.output or ROOT / "reports" / time.strftime("chaos-%Y%m%d-%H%M%S")
    output.mkdir(parents=True, exist_ok=True)
    database = arguments.database_url
    drop_database(database)
    ensure_dataset(database, DATA, **SETTINGS)
    server = make_url(driver_url(database))
    run_seconds = 3 * arguments.calm + 2 * arguments.outage
    with ExitStack() as stack:
        redis = RedisServer(output).start()
        stack.callback(redis.stop)
        proxy = TcpProxy(server.host or "127.0.0.1", server.port or 5432).start()
        stack.callback(proxy.stop)
        mail = MailServer().start()
        stack.callback(mail.stop)
        proxied = server.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        settings = {**SETTINGS, "REDIS_URL": redis.url(), "MAIL_SERVER": mail.host, "MAIL_PORT": str(mail.port)}
        worker = Worker(app_environment(proxied, **settings), output / "worker.log").start()
        stack.callback(worker.stop)
        urls = [
            stack.enter_context(gunicorn(proxied, arguments.workers, output / f"gunicorn-{number}.log", **settings))
            for number in (1, 2)
        ]
        probes = Probes(urls).start()
        stack.callback(probes.stop)
        print(f"2 instances of {arguments.workers} workers, {arguments.users} Locust users each, {run_seconds:.0f} s.")
        loads = [
            threading.Thread(
                target=run_locust,
                args=(url, output / f"locust-{number}" / "locust"),
                kwargs={
                    "users": arguments.users,
                    "spawn_rate": arguments.users,
                    # Locust is slow to start; the timeline waits for its first answers, so it runs longer.
                    "run_time": f"{run_seconds + LOCUST_START:.0f}s",
                    "timeout": run_seconds + LOCUST_START + 120,
                    "locustfile": CHAOS_LOCUSTFILE,
                    "settings": {"CHAOS_RECORD": str(output / f"record-{number}.jsonl")},
                },
            )
            for number, url in enumerate(urls, start=1)
        ]
        for load in loads:
            load.start()
        wait_for_first_answers([output / f"record-{number}.jsonl" for number in (1, 2)])
        phases = follow_timeline(redis, proxy, arguments.outage, arguments.calm)
        for load in loads:
            load.join()
        outbox = wait_for_outbox(database, timeout=120)
        delivered = {address for message in mail.messages for address in message["X-Envelope-To"].split(", ")}
    run = {
        "started": time.strftime("%Y-%m-%d %H:%M", time.localtime(phases[0].start)),
        "instances": 2,
        "gunicorn workers each": arguments.workers,
        "Locust users each": arguments.users,
        "outage seconds": arguments.outage,
        "calm seconds": arguments.calm,
        "data set": f"{DATA.users} users, {DATA.posts} posts",
    }
    report = build_report(output, database, phases, probes.samples, delivered, outbox, run, worker.restarts)
    print((output / "report.md").read_text(encoding="utf-8"))
    return 0 if report["goals_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
