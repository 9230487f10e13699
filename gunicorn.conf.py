"""Gunicorn settings for production, read from ./gunicorn.conf.py: ``gunicorn flasky:app``.

Every value can be changed from the environment, so one image serves a laptop, a container platform and a VM.
"""

import os
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path

# The file whose presence tells every worker this instance is draining (see when_ready), one per master. Set before
# config is imported: it reads the environment once, and the workers inherit what the master imported.
os.environ.setdefault("FLASKY_DRAIN_FILE", str(Path(tempfile.gettempdir()) / f"flasky-draining-{os.getpid()}"))

from config import env_bool  # noqa: E402

wsgi_app = "flasky:app"

# PORT is what Heroku-style platforms hand the process; GUNICORN_BIND overrides both, e.g. "unix:/run/flasky.sock".
bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"

# The CPUs this process may run on (a container's cpuset), not every CPU of the host.
cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
# Gunicorn's own rule of thumb for sync workers; WEB_CONCURRENCY is the platform-wide override.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * cpus + 1)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

# A request running longer than this is killed and its worker replaced; mail and slow work go to the task queue.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Longer than a load balancer's idle timeout is pointless, shorter makes it reconnect: 5 s suits most.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so a slow leak never grows; the jitter keeps them from restarting together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))
# Heartbeat files in memory: a container's overlay filesystem can stall them and get workers killed.
shared_memory = "/dev/shm"  # noqa: S108 - only gunicorn's heartbeat files, nothing of the app's
worker_tmp_dir = shared_memory if os.path.isdir(shared_memory) else None
# Gunicorn 25.1+ opens a control socket in $HOME, one path for every instance on the host; nothing here uses it.
control_socket_disable = True

# Metrics from every worker (app/metrics.py): prometheus_client's multiprocess mode keeps each worker's figures in files
# of one folder, which the worker answering /metrics adds up. Chosen here, before any worker imports the app, and new
# for each start, since figures left in it by an earlier run would be counted again. Importing config reads .env too.
METRICS_DIRECTORY_PREFIX = "flasky-metrics-"
if env_bool("FLASKY_METRICS") and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix=METRICS_DIRECTORY_PREFIX)


def child_exit(server, worker) -> None:
    """Drop the figures only a live worker may report (gauges) and fold its counts into the folder's archive."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        from prometheus_client import multiprocess

        from app.metrics import fold_dead_worker

        multiprocess.mark_process_dead(worker.pid)
        fold_dead_worker(directory, worker.pid)


def on_exit(server) -> None:
    """Remove the metrics folder made above; one the operator set is theirs to keep or empty. Forget the drain."""
    directory = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR", ""))
    if directory.name.startswith(METRICS_DIRECTORY_PREFIX) and directory.parent == Path(tempfile.gettempdir()):
        shutil.rmtree(directory, ignore_errors=True)
    Path(os.environ["FLASKY_DRAIN_FILE"]).unlink(missing_ok=True)


# Stopping without losing a request: on SIGTERM every worker's /readyz answers 503 at once ("draining", through
# FLASKY_DRAIN_FILE), and the instance serves on for GUNICORN_DRAIN_SECONDS, while a load balancer notices
# and sends it no more; then gunicorn stops as usual: no new connections, each worker finishes its requests within
# graceful_timeout. Set the drain to the balancer's check interval times its failure threshold, and the platform's
# stop timeout above drain plus graceful_timeout. A second SIGTERM stops at once; SIGHUP replaces workers gracefully.
# The default of 5 s covers a balancer that checks every 2 s and gives up after 2 failures, with a second to spare.
DRAIN_SECONDS = float(os.environ.get("GUNICORN_DRAIN_SECONDS", "5"))


def when_ready(server) -> None:
    """Drain on SIGTERM before stopping, instead of stopping at once; a file left by an earlier run is no drain."""
    drain_file = Path(os.environ["FLASKY_DRAIN_FILE"])
    drain_file.unlink(missing_ok=True)

    def stop_after_the_drain() -> None:
        server.log.info("Draining for %.0f s: /readyz answers 503, requests are still served", DRAIN_SECONDS)
        time.sleep(DRAIN_SECONDS)
        server.signal(signal.SIGTERM, None)

    def drain_then_stop(signum, frame) -> None:
        if drain_file.exists():
            server.signal(signum, frame)
            return
        drain_file.touch()
        threading.Thread(target=stop_after_the_drain, name="drain", daemon=True).start()

    signal.signal(signal.SIGTERM, drain_then_stop)


# The access log on stdout, everything else on stderr, each line one JSON object like the app's own logs.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'
loglevel = os.environ.get("FLASKY_LOG_LEVEL", "INFO").lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "app.log.JsonFormatter"}},
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
        "stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
    },
    "root": {"level": loglevel.upper(), "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
    },
}
