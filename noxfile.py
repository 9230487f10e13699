"""Sessions for developers who prefer nox: ``nox -s tests``, ``nox -s lint``, ``nox -s e2e``."""

import os

import nox

nox.options.sessions = ["lint", "tests"]
nox.options.reuse_existing_virtualenvs = True

CONSTRAINTS = ("-c", "requirements/constraints.txt")


def install(session: nox.Session) -> None:
    session.install(*CONSTRAINTS, "-e", ".[test]")


@nox.session
def tests(session: nox.Session) -> None:
    """Unit and integration tests with branch coverage (TEST_DATABASE_URL picks the database)."""
    install(session)
    session.run(
        "pytest",
        "tests/unit",
        "tests/integration",
        "--cov=app",
        "--cov-branch",
        "--cov-report=term-missing:skip-covered",
        "--cov-fail-under=95",
        *session.posargs,
        env={"TEST_DATABASE_URL": os.environ.get("TEST_DATABASE_URL", "")},
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
