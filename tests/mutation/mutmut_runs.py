"""Running mutmut in the copy of the tree, and reading what it found: each mutant's status, line and change."""

import ast
import json
import os
import re
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import IO

from .mutants import KILLED, Mutant
from .tree import environment_for_tests

MUTMUT = str(Path(sys.executable).parent / "mutmut")
STATUS_BY_EXIT_CODE = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped",
                       36: "timeout", 37: "caught by type check", 24: "timeout", -24: "timeout", 152: "timeout",
                       255: "timeout", -11: "segfault", -9: "segfault"}  # fmt: skip


def toml_value(value: object) -> str:
    return json.dumps(value)


def configure_mutmut(copy: Path, modules: list[str], tests: list[str]) -> None:
    """Point the copy's ``[tool.mutmut]`` at ``modules`` and their ``tests``."""
    pyproject = copy / "pyproject.toml"
    text = pyproject.read_text("utf-8")
    settings = tomllib.loads(text)["tool"]["mutmut"]
    settings |= {"only_mutate": modules, "pytest_add_cli_args_test_selection": tests}
    text = re.sub(r"(?ms)^\[tool\.mutmut\]\n.*?(?=^\[|\Z)", "", text)
    table = "\n".join(f"{key} = {toml_value(value)}" for key, value in settings.items())
    pyproject.write_text(f"{text.rstrip()}\n\n[tool.mutmut]\n{table}\n", "utf-8")


def run_mutmut(
    copy: Path,
    modules: list[str],
    tests: list[str],
    jobs: int,
    deadline: float | None,
    log: IO[str],
    names: list[str] | None = None,
    database_url: str | None = None,
) -> bool | None:
    """Run mutmut in ``copy`` (only on the mutants ``names`` when given; on the PostgreSQL database ``database_url``
    when given): False when the deadline stopped it (the mutants checked by then keep their result), None when it
    failed."""
    configure_mutmut(copy, modules, tests)
    command = [MUTMUT, "run", "--max-children", str(jobs), *(names or [])]
    process = subprocess.Popen(
        command, cwd=copy, env=environment_for_tests(database_url), stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        process.wait(timeout=None if deadline is None else max(deadline - time.monotonic(), 1))
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait()
        return False
    return True if process.returncode == 0 else None


def mutmut_statuses(copy: Path, module: str) -> dict[str, str]:
    """The status of every mutant mutmut made of ``module``, by mutmut's name for it."""
    meta = copy / "mutants" / f"{module}.meta"
    if not meta.exists():
        return {}
    exit_codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
    return {
        name: "not checked" if code is None else STATUS_BY_EXIT_CODE.get(code, "suspicious")
        for name, code in exit_codes.items()
    }


def mutmut_results(copy: Path, modules: list[str]) -> list[Mutant]:
    """Every mutant mutmut made of ``modules``, with its status."""
    return [
        Mutant(module, name, status) for module in modules for name, status in mutmut_statuses(copy, module).items()
    ]


def describe_survivors(copy: Path, mutants: list[Mutant]) -> None:
    """Give each of ``mutants`` that was checked and not killed its line and change."""
    for mutant in mutants:
        if mutant.status not in KILLED and mutant.status != "not checked":
            mutant.line, mutant.change = describe(copy, mutant)


def function_starts(path: Path) -> dict[str, int]:
    """The first line of each function and method of ``path``, by mutmut's name for it."""
    starts = {}
    tree = ast.parse(path.read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    starts[f"xǁ{node.name}ǁ{item.name}"] = item.lineno
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            starts[f"x_{node.name}"] = node.lineno
    return starts


def describe(copy: Path, mutant: Mutant) -> tuple[int | None, str]:
    """Where the mutant is in the source and what it changes, from ``mutmut show``."""
    command = [MUTMUT, "show", mutant.name]
    shown = subprocess.run(
        command, cwd=copy, env=environment_for_tests(), capture_output=True, text=True, check=False
    ).stdout
    function = mutant.name.rsplit(".", 1)[1].rsplit("__mutmut_", 1)[0]
    start = function_starts(copy / mutant.module).get(function)
    hunk = re.search(r"^@@ -(\d+)", shown, re.M)
    removed = [line[1:].strip() for line in shown.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:].strip() for line in shown.splitlines() if line.startswith("+") and not line.startswith("+++")]
    line = None
    if start is not None and hunk:
        body = shown[hunk.end() :].split("\n", 1)[1].splitlines()
        offset = next((i for i, text in enumerate(body) if text.startswith("-")), 0)
        line = start + int(hunk.group(1)) - 1 + offset
    return line, f"`{' '.join(removed)}` → `{' '.join(added)}`"
