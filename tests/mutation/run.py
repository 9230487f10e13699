"""Mutation testing of the domain layer and the security-critical modules: ``python -m tests.mutation.run``.

Works in a copy of the tree, never in it: mutmut mutates the function bodies of the modules of ``modules.toml``
(in the copy's ``mutants/``) and runs, for each mutant, the module's tests that call the mutated function; then the
hand-written mutants of ``constants.toml`` (module constants and decorators applied to views, which run at import
time and which mutmut skips) are applied one at a time and the module's tests run. Mutants listed in
``equivalent.toml`` are left out of the score. The report (score per module, every survivor with file:line and the
change) is written to ``test-artifacts/mutation/report.md`` and printed.

``--changed`` mutates only the modules a change touches (``git diff BASE...HEAD``; BASE is ``origin/main`` or the
commit before HEAD), within ``--time-budget`` seconds, and fails when a touched module scores below its recorded
score in ``scores.json``. ``--record-scores`` writes the scores of a full run there.
"""

import argparse
import ast
import concurrent.futures
import fcntl
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SCORES = HERE / "scores.json"
REPORT_DIR = ROOT / "test-artifacts" / "mutation"
# Left out of the copy: nothing the tests import lives there.
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", ".nox", ".tox", "mutants", "test-artifacts", "reports", "instance", "htmlcov", ".hypothesis",
    "__pycache__", ".pytest_cache", ".ruff_cache", "*.egg-info", "node_modules",
)  # fmt: skip
KILLED = {"killed", "timeout", "caught by type check", "segfault"}
PYTEST = ("-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly")


@dataclass
class Mutant:
    module: str
    name: str
    status: str
    line: int | None = None
    change: str = ""
    equivalent: str | None = None


@dataclass
class ModuleScore:
    module: str
    mutants: list[Mutant] = field(default_factory=list)

    def counted(self) -> list[Mutant]:
        return [m for m in self.mutants if m.equivalent is None and m.status != "not checked"]

    @property
    def killed(self) -> int:
        return sum(m.status in KILLED for m in self.counted())

    @property
    def survived(self) -> list[Mutant]:
        return [m for m in self.counted() if m.status not in KILLED]

    @property
    def score(self) -> float | None:
        counted = self.counted()
        return round(100 * self.killed / len(counted), 1) if counted else None

    @property
    def best_possible(self) -> float | None:
        """The score if every mutant the time budget left unchecked were killed: below the record, it surely is."""
        considered = [m for m in self.mutants if m.equivalent is None]
        unchecked = sum(m.status == "not checked" for m in considered)
        return round(100 * (self.killed + unchecked) / len(considered), 1) if considered else None


def load_toml(name: str) -> dict:
    return tomllib.loads((HERE / name).read_text("utf-8"))


def copy_tree() -> Path:
    """A copy of the working tree in a temporary directory, where mutants may be written."""
    copy = Path(tempfile.mkdtemp(prefix="flasky-mutation-")) / "tree"
    shutil.copytree(ROOT, copy, ignore=NOT_COPIED, symlinks=True)
    return copy


def test_environment() -> dict[str, str]:
    """SQLite only, whatever the caller's environment names."""
    env = {k: v for k, v in os.environ.items() if k not in ("TEST_DATABASE_URL", "MUTANT_UNDER_TEST")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


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


def run_mutmut(copy: Path, modules: list[str], tests: list[str], jobs: int, deadline: float | None, log) -> bool | None:
    """Run mutmut in ``copy``: False when the deadline stopped it (the mutants checked by then keep their result),
    None when it failed."""
    configure_mutmut(copy, modules, tests)
    command = [str(Path(sys.executable).parent / "mutmut"), "run", "--max-children", str(jobs)]
    process = subprocess.Popen(
        command, cwd=copy, env=test_environment(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        process.wait(timeout=None if deadline is None else max(deadline - time.monotonic(), 1))
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait()
        return False
    return True if process.returncode == 0 else None


STATUS_BY_EXIT_CODE = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped",
                       36: "timeout", 37: "caught by type check", 24: "timeout", -24: "timeout", 152: "timeout",
                       255: "timeout", -11: "segfault", -9: "segfault"}  # fmt: skip


def mutmut_results(copy: Path, modules: list[str]) -> list[Mutant]:
    """Every mutant mutmut made of ``modules``, with its status and, unless killed, its line and change."""
    mutants = []
    for module in modules:
        meta = copy / "mutants" / f"{module}.meta"
        if not meta.exists():
            continue
        for name, exit_code in json.loads(meta.read_text("utf-8"))["exit_code_by_key"].items():
            status = "not checked" if exit_code is None else STATUS_BY_EXIT_CODE.get(exit_code, "suspicious")
            mutants.append(Mutant(module, name, status))
    for mutant in mutants:
        if mutant.status not in KILLED and mutant.status != "not checked":
            mutant.line, mutant.change = describe(copy, mutant)
    return mutants


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
    shown = subprocess.run(
        [str(Path(sys.executable).parent / "mutmut"), "show", mutant.name],
        cwd=copy, env=test_environment(), capture_output=True, text=True, check=False,
    ).stdout  # fmt: skip
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


def apply_constant(copy: Path, mutant: dict) -> tuple[Path, str]:
    path = copy / mutant["file"]
    original = path.read_text("utf-8")
    if original.count(mutant["find"]) != 1:
        raise SystemExit(f"constants.toml is stale: {mutant['find']!r} is not once in {mutant['file']}")
    path.write_text(original.replace(mutant["find"], mutant["replace"]), "utf-8")
    return path, original


def constant_line(mutant: dict) -> int:
    return (ROOT / mutant["file"]).read_text("utf-8").split(mutant["find"])[0].count("\n") + 1


def run_constants(constants: list[dict], mapping: dict, jobs: int, deadline: float | None) -> list[Mutant]:
    """Apply each hand-written mutant in a copy of its own worker and run its module's tests."""
    copies = [copy_tree() for _ in range(max(min(jobs, len(constants)), 1))]
    free = list(copies)

    def check(number: int, mutant: dict) -> Mutant:
        copy = free.pop()
        try:
            label = f"{mutant['file']}: constant {number}"
            change = f"`{mutant['find'].strip()}` → `{mutant['replace'].strip()}`"
            result = Mutant(mutant["file"], label, "not checked", constant_line(mutant), change)
            if deadline is not None and time.monotonic() > deadline:
                return result
            path, original = apply_constant(copy, mutant)
            try:
                tests = mapping[mutant["file"]]["tests"]
                timeout = None if deadline is None else max(deadline - time.monotonic(), 1)
                completed = subprocess.run(
                    [sys.executable, "-m", "pytest", *PYTEST, *tests],
                    cwd=copy, env=test_environment(), capture_output=True, timeout=timeout, check=False,
                )  # fmt: skip
                result.status = "survived" if completed.returncode == 0 else "killed"
            except subprocess.TimeoutExpired:
                pass
            finally:
                path.write_text(original, "utf-8")
            return result
        finally:
            free.append(copy)

    try:
        with concurrent.futures.ThreadPoolExecutor(len(copies)) as pool:
            return list(pool.map(lambda pair: check(*pair), enumerate(constants, 1)))
    finally:
        for copy in copies:
            shutil.rmtree(copy.parent, ignore_errors=True)


def mark_equivalents(mutants: list[Mutant]) -> None:
    """Mark the survivors ``equivalent.toml`` names by module and change (mutmut's numbers move as code is edited)."""
    entries = load_toml("equivalent.toml").get("equivalent", [])
    reasons = {(entry["module"], entry["change"]): entry["reason"] for entry in entries}
    for mutant in mutants:
        if mutant.status not in KILLED:
            mutant.equivalent = reasons.get((mutant.module, mutant.change))


def changed_modules(in_scope: list[str], base: str | None) -> tuple[list[str], str]:
    """The in-scope modules changed between ``base`` (default: origin/main, else HEAD's parent) and HEAD."""

    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)

    if base is None:
        candidates = ["origin/main", "HEAD~1"]
        base = next((ref for ref in candidates if git("rev-parse", "--verify", "--quiet", ref).returncode == 0), None)
        if base is None:
            return [], "no base to compare with (no origin/main, no parent commit)"
    diff = git("diff", "--name-only", f"{base}...HEAD")
    if diff.returncode != 0:
        return [], f"cannot compare with {base}: {diff.stderr.strip().splitlines()[0]}"
    changed = set(diff.stdout.split())
    return [module for module in in_scope if module in changed], f"changes since {base}"


def recordable(scores: list[ModuleScore]) -> dict[str, float]:
    """The scores of the modules whose every mutant was checked: a score over some of them would not reproduce."""
    return {
        s.module: s.score for s in scores if s.score is not None and all(m.status != "not checked" for m in s.mutants)
    }


def record_scores(measured: dict[str, float], path: Path = SCORES) -> dict[str, float]:
    """Merge ``measured`` into the scores ``path`` holds and return them all, re-read under an exclusive lock on the
    file: a run that recorded while this one ran keeps its scores, and two runs recording at once take turns."""
    with open(path, "a+", encoding="utf-8") as file:
        fcntl.flock(file, fcntl.LOCK_EX)  # released when the file closes
        file.seek(0)
        text = file.read()
        recorded = (json.loads(text) if text.strip() else {}) | measured
        file.truncate(0)
        file.write(json.dumps(dict(sorted(recorded.items())), indent=2) + "\n")
        return recorded


def report(
    scores: list[ModuleScore], recorded: dict, elapsed: float, note: str, phases: list[tuple[str, float]]
) -> str:
    lines = [
        "# Mutation testing report",
        "",
        f"{note}; {elapsed / 60:.1f} minutes. Reproduce: `nox -s mutation` (or `python -m tests.mutation.run`).",
        "",
        "| module | mutants | equivalent | killed | survived | score | recorded |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for entry in scores:
        equivalent = sum(m.equivalent is not None for m in entry.mutants)
        unchecked = sum(m.status == "not checked" and m.equivalent is None for m in entry.mutants)
        score = "–" if entry.score is None else f"{entry.score:.1f}%"
        if unchecked:
            score += f" ({unchecked} not checked in time)"
        previous = recorded.get(entry.module)
        lines.append(
            f"| `{entry.module}` | {len(entry.mutants)} | {equivalent} | {entry.killed} | {len(entry.survived)} "
            f"| {score} | {'–' if previous is None else f'{previous:.1f}%'} |"
        )
    survivors = [m for entry in scores for m in entry.survived]
    lines += ["", f"## Surviving mutants ({len(survivors)})", ""]
    lines += [f"- `{m.module}:{m.line}` ({m.name}, {m.status}): {m.change}" for m in survivors] or ["None."]
    equivalents = [m for entry in scores for m in entry.mutants if m.equivalent is not None]
    lines += ["", f"## Equivalent mutants ({len(equivalents)}, from tests/mutation/equivalent.toml)", ""]
    lines += [f"- `{m.module}` {m.name}: {m.equivalent}" for m in equivalents] or ["None."]
    lines += ["", "## Time", ""]
    lines += [f"- {phase}: {seconds / 60:.1f} minutes" for phase, seconds in phases]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("modules", nargs="*", help="modules of modules.toml to mutate (default: all)")
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at once (default: 2)")
    parser.add_argument("--changed", action="store_true", help="only the in-scope modules the change touches")
    parser.add_argument("--base", help="with --changed: the commit to compare HEAD with")
    parser.add_argument("--time-budget", type=float, help="stop after this many seconds (default with --changed: 300)")
    parser.add_argument("--record-scores", action="store_true", help="write the measured scores to scores.json")
    parser.add_argument("--report", type=Path, default=REPORT_DIR / "report.md")
    args = parser.parse_args(argv)

    mapping = load_toml("modules.toml")["modules"]
    recorded = json.loads(SCORES.read_text("utf-8")) if SCORES.exists() else {}
    modules = args.modules or list(mapping)
    note = f"{len(modules)} modules"
    if unknown := [module for module in modules if module not in mapping]:
        parser.error(f"not in tests/mutation/modules.toml: {', '.join(unknown)}")
    if args.changed:
        modules, why = changed_modules(modules, args.base)
        if not modules:
            print(f"Mutation testing: no module in scope changed ({why}); nothing to mutate.")
            return 0
        note = f"{len(modules)} changed modules ({why})"
        args.time_budget = args.time_budget or 300
    start = time.monotonic()
    deadline = None if args.time_budget is None else start + args.time_budget

    mutants: list[Mutant] = []
    # How long each part took, for the report: a module's tests decide how long its mutants take.
    phases: list[tuple[str, float]] = []
    args.report.parent.mkdir(parents=True, exist_ok=True)
    constants = [c for c in load_toml("constants.toml").get("mutant", []) if c["file"] in modules]
    if constants:
        print(f"Hand-written mutants: {len(constants)}", flush=True)
        started = time.monotonic()
        mutants += run_constants(constants, mapping, args.jobs, deadline)
        phases.append((f"{len(constants)} hand-written mutants", time.monotonic() - started))
    # One mutmut run per set of tests, so that a module's mutants run only its own tests.
    groups: dict[tuple[str, ...], list[str]] = {}
    for module in modules:
        if mapping[module].get("mutmut", True):
            groups.setdefault(tuple(mapping[module]["tests"]), []).append(module)
    if groups:
        copy = copy_tree()
        try:
            with open(args.report.parent / "mutmut.log", "w") as log:
                for tests, group in groups.items():
                    if deadline is not None and time.monotonic() > deadline:
                        mutants += [Mutant(module, f"{module}: mutmut", "not checked") for module in group]
                        continue
                    print(f"mutmut: {', '.join(group)} with {len(tests)} test files", flush=True)
                    started = time.monotonic()
                    shutil.rmtree(copy / "mutants", ignore_errors=True)
                    if run_mutmut(copy, group, list(tests), args.jobs, deadline, log) is None:
                        print(f"mutmut failed on {', '.join(group)}; its output is in {log.name}", flush=True)
                        mutants += [Mutant(module, f"{module}: mutmut failed", "error") for module in group]
                        continue
                    mutants += mutmut_results(copy, group)
                    phases.append((f"mutmut on {', '.join(group)}", time.monotonic() - started))
        finally:
            shutil.rmtree(copy.parent, ignore_errors=True)
    mark_equivalents(mutants)

    scores = [ModuleScore(module, [m for m in mutants if m.module == module]) for module in modules]
    text = report(scores, recorded, time.monotonic() - start, note, phases)
    args.report.write_text(text, "utf-8")
    (args.report.parent / "scores.json").write_text(
        json.dumps({s.module: s.score for s in scores}, indent=2) + "\n", "utf-8"
    )
    print(text)
    print(f"Report: {args.report}")
    if args.record_scores:
        measured = recordable(scores)
        recorded = record_scores(measured)
        if skipped := [s.module for s in scores if s.module not in measured]:
            print(f"Not recorded (not every mutant checked): {', '.join(skipped)}")
    fallen = [s for s in scores if s.score is not None and s.best_possible < recorded.get(s.module, 0)]
    for entry in fallen:
        print(f"FAILED: {entry.module} scores {entry.score:.1f}%, below its recorded {recorded[entry.module]:.1f}%")
    failed = sorted({m.module for m in mutants if m.status == "error"})
    if failed:
        print(f"FAILED: mutmut could not run on {', '.join(failed)}")
    return 1 if fallen or failed else 0


if __name__ == "__main__":
    sys.exit(main())
