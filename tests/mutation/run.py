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
import concurrent.futures
import fcntl
import json
import shutil
import subprocess
import sys
import time
import tomllib
from contextlib import ExitStack
from pathlib import Path

from . import postgres
from .hand_written import run_constants
from .mutants import KILLED, ModuleScore, Mutant, combine
from .mutmut_runs import describe_survivors, mutmut_results, mutmut_statuses, run_mutmut
from .tree import ROOT, copy_tree

HERE = Path(__file__).resolve().parent
SCORES = HERE / "scores.json"
REPORT_DIR = ROOT / "test-artifacts" / "mutation"


def load_toml(name: str) -> dict:
    return tomllib.loads((HERE / name).read_text("utf-8"))


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


def open_postgres(stack: ExitStack, modules: list[str], count: int = 1) -> list[str]:
    """The URLs of this run's ``count`` PostgreSQL databases (dropped when ``stack`` closes) when ``modules`` want a
    second pass on them; none, said in one line, when the server does not answer."""
    if not modules:
        return []
    urls, what = stack.enter_context(postgres.postgres_databases(count))
    if not urls:
        required = " (CI=true: required)" if postgres.required() else ""
        print(f"No PostgreSQL pass: {what}; what survives SQLite in {', '.join(modules)} is not checked{required}")
    else:
        print(f"PostgreSQL pass for {', '.join(modules)} on {what}", flush=True)
    return urls


def share_out(names: list[str], urls: list[str]) -> list[tuple[str, list[str]]]:
    """``names`` dealt out to the databases ``urls`` in turn; a database with none to run is left out."""
    shares = [(url, names[number :: len(urls)]) for number, url in enumerate(urls)]
    return [(url, share) for url, share in shares if share]


def recheck_on_postgres(
    copy: Path, survivors: list[Mutant], tests: list[str], deadline: float | None, log, postgres_urls: list[str]
) -> None:
    """Run the mutants that survived SQLite again with their tests on PostgreSQL: a mutant either engine's tests
    kill is killed. They share the databases out, one mutant at a time on each (its tests empty it), each share in
    a copy of its own. Not checked without a database."""
    modules = sorted({m.module for m in survivors})
    if not postgres_urls:
        combine(survivors, {})
        return
    shares = share_out([m.name for m in survivors], postgres_urls)

    def recheck(number: int, url: str, share: list[str]) -> dict[str, str]:
        tree = copy if number == 0 else copy_tree()
        try:
            shutil.rmtree(tree / "mutants", ignore_errors=True)
            if run_mutmut(tree, modules, tests, 1, deadline, log, share, url) is None:
                print(f"mutmut failed on {', '.join(modules)} on PostgreSQL; its output is in {log.name}", flush=True)
                return dict.fromkeys(share, "error")
            statuses = {name: status for m in modules for name, status in mutmut_statuses(tree, m).items()}
            return {name: statuses[name] for name in share if name in statuses}
        finally:
            if tree != copy:
                shutil.rmtree(tree.parent, ignore_errors=True)

    with concurrent.futures.ThreadPoolExecutor(len(shares)) as pool:
        results = pool.map(lambda numbered: recheck(numbered[0], *numbered[1]), enumerate(shares))
        combine(survivors, {name: status for result in results for name, status in result.items()})


def run_mutmut_groups(
    modules: list[str], mapping: dict, jobs: int, deadline: float | None, log, postgres_urls: list[str]
) -> tuple[list[Mutant], list[tuple[str, float]]]:
    """One mutmut run per set of tests, so that a module's mutants run only its own tests; then, for the modules
    marked ``postgresql``, a run on PostgreSQL of what survived. The mutants and how long each run took."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for module in modules:
        if mapping[module].get("mutmut", True):
            groups.setdefault(tuple(mapping[module]["tests"]), []).append(module)
    mutants: list[Mutant] = []
    phases: list[tuple[str, float]] = []
    if not groups:
        return mutants, phases
    copy = copy_tree()
    try:
        for tests, group in groups.items():
            if deadline is not None and time.monotonic() > deadline:
                mutants += [Mutant(module, f"{module}: mutmut", "not checked") for module in group]
                continue
            print(f"mutmut: {', '.join(group)} with {len(tests)} test files", flush=True)
            started = time.monotonic()
            shutil.rmtree(copy / "mutants", ignore_errors=True)
            if run_mutmut(copy, group, list(tests), jobs, deadline, log) is None:
                print(f"mutmut failed on {', '.join(group)}; its output is in {log.name}", flush=True)
                mutants += [Mutant(module, f"{module}: mutmut failed", "error") for module in group]
                continue
            found = mutmut_results(copy, group)
            mutants += found
            phases.append((f"mutmut on {', '.join(group)}", time.monotonic() - started))
            on_postgres = [m for m in group if mapping[m].get("postgresql", False)]
            survivors = [m for m in found if m.module in on_postgres and m.status not in KILLED | {"not checked"}]
            if survivors:
                started = time.monotonic()
                recheck_on_postgres(copy, survivors, list(tests), deadline, log, postgres_urls)
                phases.append((f"{len(survivors)} survivors on PostgreSQL", time.monotonic() - started))
            # From the mutants the last run made: the same source gives the same mutants.
            describe_survivors(copy, found)
    finally:
        shutil.rmtree(copy.parent, ignore_errors=True)
    return mutants, phases


def below_record(scores: list[ModuleScore], recorded: dict[str, float]) -> list[ModuleScore]:
    """The modules scoring below their recorded score, even were every mutant left unchecked killed."""
    return [s for s in scores if s.score is not None and s.best_possible < recorded.get(s.module, 0)]


def failures(
    scores: list[ModuleScore], recorded: dict[str, float], mutants: list[Mutant], postgres_missing: list[str]
) -> list[str]:
    """Why the run fails: a module below its recorded score, mutmut failing, or no PostgreSQL with ``CI=true``."""
    lines = [
        f"FAILED: {s.module} scores {s.score:.1f}%, below its recorded {recorded[s.module]:.1f}%"
        for s in below_record(scores, recorded)
    ]
    if failed := sorted({m.module for m in mutants if m.status == "error"}):
        lines.append(f"FAILED: mutmut could not run on {', '.join(failed)}")
    if postgres_missing and postgres.required():
        lines.append(f"FAILED: no PostgreSQL for {', '.join(postgres_missing)} (CI=true)")
    return lines


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
    on_postgres = [module for module in modules if mapping[module].get("postgresql", False)]
    with ExitStack() as stack:
        postgres_urls = open_postgres(stack, on_postgres, args.jobs)
        if constants:
            print(f"Hand-written mutants: {len(constants)}", flush=True)
            started = time.monotonic()
            mutants += run_constants(constants, mapping, args.jobs, deadline, next(iter(postgres_urls), None))
            phases.append((f"{len(constants)} hand-written mutants", time.monotonic() - started))
        with open(args.report.parent / "mutmut.log", "w") as log:
            found, mutmut_phases = run_mutmut_groups(modules, mapping, args.jobs, deadline, log, postgres_urls)
        mutants += found
        phases += mutmut_phases
    mark_equivalents(mutants)

    scores = [ModuleScore(module, [m for m in mutants if m.module == module]) for module in modules]
    text = report(scores, recorded, time.monotonic() - start, note, phases)
    args.report.write_text(text, "utf-8")
    (args.report.parent / "scores.json").write_text(
        json.dumps({s.module: s.score for s in scores}, indent=2) + "\n", "utf-8"
    )
    print(text)
    print(f"Report: {args.report}")
    lines = failures(scores, recorded, mutants, [] if postgres_urls else on_postgres)
    if args.record_scores:
        # A score below its record is a failure to fix, not a new record: lowering one is an edit of scores.json.
        fallen = {s.module for s in below_record(scores, recorded)}
        measured = {module: score for module, score in recordable(scores).items() if module not in fallen}
        record_scores(measured)
        if skipped := [s.module for s in scores if s.module not in measured]:
            print(f"Not recorded (not every mutant checked, or below the record): {', '.join(skipped)}")
    for line in lines:
        print(line)
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
