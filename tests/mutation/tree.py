"""The copy of the working tree mutants are written in, and the environment its tests run with."""

import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Left out of the copy: nothing the tests import lives there.
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", ".nox", ".tox", "mutants", "test-artifacts", "reports", "instance", "htmlcov", ".hypothesis",
    "__pycache__", ".pytest_cache", ".ruff_cache", "*.egg-info", "node_modules",
)  # fmt: skip


def copy_tree() -> Path:
    """A copy of the working tree in a temporary directory, where mutants may be written."""
    copy = Path(tempfile.mkdtemp(prefix="flasky-mutation-")) / "tree"
    shutil.copytree(ROOT, copy, ignore=NOT_COPIED, symlinks=True)
    return copy


def environment_for_tests(database_url: str | None = None) -> dict[str, str]:
    """SQLite, whatever the caller's environment names; the PostgreSQL database ``database_url`` when given."""
    env = {k: v for k, v in os.environ.items() if k not in ("TEST_DATABASE_URL", "MUTANT_UNDER_TEST")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    if database_url is not None:
        env["TEST_DATABASE_URL"] = database_url
    return env
