"""What a chaos run (tests/load/chaos.py) measured: answers by phase, writes and mails lost, the probes, the logs.

The figures come from the lines ``tests/load/chaos_locustfile.py`` recorded for every request, compared with what is
in the database and in the SMTP server's mailbox once the outbox is empty.
"""

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, select

from app.models import Comment, Post, User
from tests.load.harness import driver_url

# The kinds of answer counted in each phase; a status of 0 means no answer came at all.
ANSWER_KINDS = ("ok", "4xx", "503", "other 5xx", "no answer")
# Log messages counted in the servers' logs: the warning of each outage, once per process.
LOGGED = {
    "rate limiter fell back to memory": "Rate limit storage unreachable",
    "Redis does not answer": "Redis does not answer",
    "database does not answer": "The database does not answer",
    "tracebacks": '"exception"',
}


@dataclass
class Phase:
    name: str
    start: float
    end: float


@dataclass
class Writes:
    """Writes by how they were answered, and against the database: lost (goal 0) and phantom (goal 0)."""

    answered: dict[str, int] = field(default_factory=dict)
    lost: list[str] = field(default_factory=list)
    phantom: list[str] = field(default_factory=list)
    in_doubt_kept: int = 0


def answer_kind(status: int) -> str:
    if status == 0:
        return "no answer"
    if status == 503:
        return "503"
    if status >= 500:
        return "other 5xx"
    return "4xx" if status >= 400 else "ok"


def read_records(paths: list[Path]) -> list[dict]:
    records = []
    for path in paths:
        if path.exists():
            records += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return records


def phase_of(moment: float, phases: list[Phase]) -> str:
    return next((phase.name for phase in phases if phase.start <= moment < phase.end), phases[-1].name)


def answers_by_phase(records: list[dict], phases: list[Phase]) -> dict[str, Counter]:
    """Each phase's answers by kind (``ANSWER_KINDS``), and the statuses of the 5xx other than 503."""
    counts = {phase.name: Counter() for phase in phases}
    for line in records:
        kind = answer_kind(line["status"])
        phase = counts[phase_of(line["time"], phases)]
        phase[kind] += 1
        if kind == "other 5xx":
            phase[f"status {line['status']} ({line['name']})"] += 1
    return counts


def stored_values(database: str) -> dict[str, set[str]]:
    """What is in the database, read on a connection of its own: post and comment bodies, account addresses."""
    engine = create_engine(driver_url(database))
    try:
        with engine.connect() as connection:
            return {
                "post": set(connection.scalars(select(Post.body))),
                "comment": set(connection.scalars(select(Comment.body))),
                "account": set(connection.scalars(select(User.email))),
            }
    finally:
        engine.dispose()


def check_writes(records: list[dict], stored: dict[str, set[str]]) -> Writes:
    """Each write against the database: kept when it answered saved, absent when it answered not saved."""
    writes = Writes()
    for line in records:
        if "write" not in line or line["value"] is None:
            continue
        outcome, present = line["outcome"], line["value"] in stored[line["write"]]
        writes.answered[outcome] = writes.answered.get(outcome, 0) + 1
        if outcome == "saved" and not present:
            writes.lost.append(f"{line['write']}: {line['value']}")
        elif outcome in ("unsaved", "refused") and present:
            writes.phantom.append(f"{line['write']}: {line['value']} ({line['status']})")
        elif outcome == "in doubt" and present:
            writes.in_doubt_kept += 1
    return writes


def saved_accounts(records: list[dict]) -> set[str]:
    return {line["value"] for line in records if line.get("write") == "account" and line["outcome"] == "saved"}


def count_logged(paths: list[Path]) -> dict[str, int]:
    text = "\n".join(path.read_text(encoding="utf-8", errors="replace") for path in paths if path.exists())
    return {label: text.count(phrase) for label, phrase in LOGGED.items()}


def goals_met(report: dict) -> bool:
    """No 5xx but 503, no request without an answer, no write lost or phantom, no mail lost."""
    totals = report["answers"]["total"]
    writes = report["writes"]
    return (
        totals.get("other 5xx", 0) == 0
        and totals.get("no answer", 0) == 0
        and not writes["lost"]
        and not writes["phantom"]
        and not report["mails"]["missing"]
    )


def markdown(report: dict) -> str:
    """The report as Markdown: the run, answers by phase, writes, mails, probes and log lines."""
    lines = [f"# Chaos run {report['started']}", "", f"Run: {report['run']}", "", "## Answers by phase", ""]
    lines += ["| Phase | " + " | ".join(ANSWER_KINDS) + " |", "|---" * (len(ANSWER_KINDS) + 1) + "|"]
    for name, counts in report["answers"].items():
        lines.append(f"| {name} | " + " | ".join(str(counts.get(kind, 0)) for kind in ANSWER_KINDS) + " |")
        lines += [f"|   {key} | {value} |" for key, value in counts.items() if key.startswith("status ")]
    writes, mails = report["writes"], report["mails"]
    lines += ["", "## Writes", "", f"Answered: {writes['answered']}."]
    lines += [f"Lost (answered saved, not in the database): {len(writes['lost'])} {writes['lost'][:10]}."]
    lines += [f"Phantom (answered not saved, in the database): {len(writes['phantom'])} {writes['phantom'][:10]}."]
    lines += [f"In doubt, found saved afterwards: {writes['in_doubt_kept']}."]
    lines += ["", "## Mails", "", f"Accounts saved: {mails['expected']}; confirmation mails delivered: "]
    lines[-1] += f"{mails['delivered']}; missing: {len(mails['missing'])}. Outbox at the end: {mails['outbox']}."
    lines += ["", "## /readyz during each phase", ""]
    lines += [f"- {phase}: {seen}" for phase, seen in report["readiness"].items()]
    lines += ["", "## Log lines", "", *(f"- {label}: {count}" for label, count in report["logged"].items())]
    lines += ["", f"Worker restarts: {report['worker_restarts']}.", "", f"Goals met: {report['goals_met']}.", ""]
    return "\n".join(lines)


def write_report(output: Path, report: dict) -> None:
    report["goals_met"] = goals_met(report)
    (output / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    (output / "report.md").write_text(markdown(report), encoding="utf-8")


def build_report(
    output: Path,
    database: str,
    phases: list[Phase],
    readiness: list[tuple[float, int, int, str]],
    delivered: set[str],
    outbox: dict[str, int],
    run: dict,
    worker_restarts: int,
) -> dict:
    """Gather every figure of the run in ``output``; returns the report, also written as report.md and .json."""
    records = read_records(sorted(output.glob("record-*.jsonl")))
    answers = answers_by_phase(records, phases)
    answers["total"] = sum(answers.values(), Counter())
    writes = check_writes(records, stored_values(database))
    expected = saved_accounts(records)
    seen: dict[str, Counter] = {phase.name: Counter() for phase in phases}
    for moment, instance, status, state in readiness:
        seen[phase_of(moment, phases)][f"instance {instance}: {status} {state}"] += 1
    report = {
        "started": run["started"],
        "run": run,
        "answers": {name: dict(counts) for name, counts in answers.items()},
        "writes": asdict(writes),
        "mails": {
            "expected": len(expected),
            "delivered": len(expected & delivered),
            "missing": sorted(expected - delivered),
            "outbox": outbox,
        },
        "readiness": {name: dict(counts) for name, counts in seen.items()},
        "logged": count_logged(sorted(output.glob("gunicorn-*.log")) + [output / "worker.log"]),
        "worker_restarts": worker_restarts,
    }
    write_report(output, report)
    return report
