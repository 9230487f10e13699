"""Sessions for developers who prefer nox: ``nox -s tests``, ``nox -s lint``, ``nox -s e2e``, ``nox -s chaos``,
``nox -s stateful``."""

import os

import nox

nox.options.sessions = ["lint", "tests"]
nox.options.reuse_existing_virtualenvs = True

CONSTRAINTS = ("-c", "requirements/constraints.txt")
# pytest-xdist as scripts/test runs it: one worker per core, at most 4, each on databases of its own (tests/workers.py).
PARALLEL = ("-n", "auto", "--maxprocesses", "4", "--dist", "worksteal")


def install(session: nox.Session) -> None:
    session.install(*CONSTRAINTS, "-e", ".[test]")


@nox.session
def tests(session: nox.Session) -> None:
    """Unit and integration tests with branch coverage, one worker per core (TEST_DATABASE_URL picks the database)."""
    install(session)
    session.run(
        "pytest",
        "tests/unit",
        "tests/integration",
        *PARALLEL,
        "--cov=app",
        "--cov-branch",
        "--cov-report=term-missing:skip-covered",
        "--cov-fail-under=95",
        *session.posargs,
        env={"TEST_DATABASE_URL": os.environ.get("TEST_DATABASE_URL", "")},
    )


@nox.session
def stateful(session: nox.Session) -> None:
    """The stateful test of every interface against its model, with Hypothesis's long ``stateful`` profile.

    TEST_DATABASE_URL picks the database; posargs go to pytest (``nox -s stateful -- -x``).
    """
    install(session)
    session.run(
        "pytest",
        "tests/integration/test_stateful.py",
        "--no-cov",
        *session.posargs,
        env={"HYPOTHESIS_PROFILE": "stateful", "TEST_DATABASE_URL": os.environ.get("TEST_DATABASE_URL", "")},
    )


@nox.session
def e2e(session: nox.Session) -> None:
    """Browser flows in headless Chromium against a live server."""
    install(session)
    session.run("pytest", "tests/e2e", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install(*CONSTRAINTS, "ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def load(session: nox.Session) -> None:
    """Locust load run on a large data set under gunicorn, with a slow-query report in reports/load-<timestamp>/.

    Options as posargs (``nox -s load -- --users 100 --run-time 5m``) or LOAD_* variables; see
    ``python -m tests.load.run --help``. LOAD_DATABASE_URL picks the database (default: a SQLite file).
    """
    install(session)
    session.run("python", "-m", "tests.load.run", *session.posargs)


@nox.session
def load_smoke(session: nox.Session) -> None:
    """The load profiles for about 20 seconds on a small data set: zero failures expected."""
    install(session)
    session.run("pytest", "tests/load", "-m", "load_smoke", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Requests/s, latency percentiles and SQL queries per request of the main pages and API lists.

    Options as posargs (``nox -s bench -- --engines postgresql --sizes 1000``);
    see ``python -m tests.load.bench --help``.
    """
    install(session)
    session.run("python", "-m", "tests.load.bench", *session.posargs)


@nox.session
def chaos(session: nox.Session) -> None:
    """The write profile against two gunicorn instances while Redis, then PostgreSQL, are away for 10 s each.

    Needs redis-server and a PostgreSQL server (CHAOS_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/
    flasky_chaos, dropped and rebuilt); only services of its own are stopped. Counts 5xx, 503s, writes and mails
    lost; report in reports/chaos-<timestamp>/. Options: ``nox -s chaos -- --outage 20``; see
    ``python -m tests.load.chaos --help``.
    """
    install(session)
    session.run("python", "-m", "tests.load.chaos", *session.posargs)


@nox.session
def mutation(session: nox.Session) -> None:
    """Mutation testing of the domain layer and the security-critical modules, on SQLite; about 20 minutes on 2 cores.

    mutmut's mutants and the hand-written ones of tests/mutation/constants.toml, each run against its module's tests
    (tests/mutation/modules.toml); report in test-artifacts/mutation/report.md. Options as posargs
    (``nox -s mutation -- app/tokens.py``, ``-- --record-scores``); see ``python -m tests.mutation.run --help``.
    """
    install(session)
    session.run("python", "-m", "tests.mutation.run", *session.posargs, env={"TEST_DATABASE_URL": ""})


@nox.session
def mutation_changed(session: nox.Session) -> None:
    """The short CI run: only the modules in scope that the change touches, failing below their recorded scores."""
    install(session)
    session.run("python", "-m", "tests.mutation.run", "--changed", *session.posargs, env={"TEST_DATABASE_URL": ""})
