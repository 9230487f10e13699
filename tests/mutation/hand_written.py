"""The hand-written mutants of ``constants.toml``: each applied in a copy of the tree, and its module's tests run."""

import concurrent.futures
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .mutants import Mutant
from .tree import ROOT, copy_tree, environment_for_tests

PYTEST = ("-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly")


def apply_constant(copy: Path, mutant: dict) -> tuple[Path, str]:
    path = copy / mutant["file"]
    original = path.read_text("utf-8")
    if original.count(mutant["find"]) != 1:
        raise SystemExit(f"constants.toml is stale: {mutant['find']!r} is not once in {mutant['file']}")
    path.write_text(original.replace(mutant["find"], mutant["replace"]), "utf-8")
    return path, original


def constant_line(mutant: dict) -> int:
    return (ROOT / mutant["file"]).read_text("utf-8").split(mutant["find"])[0].count("\n") + 1


def run_constant(copy: Path, mutant: dict, result: Mutant, tests: list[str], deadline: float | None, env: dict) -> None:
    """Apply ``mutant`` in ``copy``, run ``tests`` with ``env`` and set ``result``'s status, unless out of time."""
    if deadline is not None and time.monotonic() > deadline:
        return
    path, original = apply_constant(copy, mutant)
    try:
        timeout = None if deadline is None else max(deadline - time.monotonic(), 1)
        completed = subprocess.run(
            [sys.executable, "-m", "pytest", *PYTEST, *tests],
            cwd=copy, env=env, capture_output=True, timeout=timeout, check=False,
        )  # fmt: skip
        result.status = "survived" if completed.returncode == 0 else "killed"
    except subprocess.TimeoutExpired:
        result.status = "not checked"
    finally:
        path.write_text(original, "utf-8")


def run_constants(
    constants: list[dict], mapping: dict, jobs: int, deadline: float | None, postgres_url: str | None = None
) -> list[Mutant]:
    """Apply each hand-written mutant in a copy of its own worker and run its module's tests on SQLite; those of a
    ``postgresql = true`` module that survive run again, one at a time, on the database ``postgres_url`` (not
    checked without one)."""
    copies = [copy_tree() for _ in range(max(min(jobs, len(constants)), 1))]
    free = list(copies)

    def check(number: int, mutant: dict) -> Mutant:
        copy = free.pop()
        try:
            label = f"{mutant['file']}: constant {number}"
            change = f"`{mutant['find'].strip()}` → `{mutant['replace'].strip()}`"
            result = Mutant(mutant["file"], label, "not checked", constant_line(mutant), change)
            run_constant(copy, mutant, result, mapping[mutant["file"]]["tests"], deadline, environment_for_tests())
            return result
        finally:
            free.append(copy)

    try:
        with concurrent.futures.ThreadPoolExecutor(len(copies)) as pool:
            results = list(pool.map(lambda pair: check(*pair), enumerate(constants, 1)))
        for mutant, result in zip(constants, results, strict=True):
            if result.status == "survived" and mapping[mutant["file"]].get("postgresql", False):
                result.status = "not checked"
                if postgres_url is not None:
                    env = environment_for_tests(postgres_url)
                    run_constant(copies[0], mutant, result, mapping[mutant["file"]]["tests"], deadline, env)
        return results
    finally:
        for copy in copies:
            shutil.rmtree(copy.parent, ignore_errors=True)
