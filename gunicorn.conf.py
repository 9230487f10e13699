"""Gunicorn settings for production, read from ./gunicorn.conf.py: ``gunicorn flasky:app``.

Every value can be changed from the environment, so one image serves a laptop, a container platform and a VM.
"""

import os

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
