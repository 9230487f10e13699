"""The slow-query report of a load run, as Markdown and HTML: SQL per endpoint and per statement shape, the top
offenders with their plans, Locust's figures and a latency-over-time chart drawn as inline SVG, and beside Locust's
figures the server's own per endpoint, from its /metrics before and after the run, with a chart of them.

    python -m tests.load.report reports/load-<timestamp> --database-url postgresql://...
"""

import argparse
import csv
import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.exc import SQLAlchemyError

from app.profiling import Aggregate, by_endpoint, by_statement, read_records
from tests.load.harness import describe, driver_url, read_failures, read_locust_stats
from tests.load.server_metrics import ALL_ENDPOINTS, EndpointFigures, endpoint_chart, read_figures

TOP_STATEMENTS = 15
EXPLAINED = 5


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Plan:
    shape: str
    statement: str
    plan: str


def milliseconds(value: float) -> str:
    return f"{value:.2f}"


def per_request(result: Aggregate) -> str:
    value = result.queries_per_request
    return "-" if value is None else f"{value:.2f}"


def endpoint_table(results: list[Aggregate]) -> Table:
    headers = ["Endpoint", "Requests", "Queries", "Queries/request", "Total ms", "p50 ms", "p95 ms", "Max ms"]
    rows = [
        [
            result.key,
            str(result.requests),
            str(result.count),
            per_request(result),
            milliseconds(result.total_ms),
            milliseconds(result.p50_ms),
            milliseconds(result.p95_ms),
            milliseconds(result.max_ms),
        ]
        for result in results
    ]
    return Table(headers, rows)


def statement_table(results: list[Aggregate]) -> Table:
    headers = ["#", "Statement (normalised)", "Count", "Per request", "Total ms", "p50 ms", "p95 ms", "Max ms"]
    rows = [
        [
            str(number),
            shorten(result.key, 220),
            str(result.count),
            per_request(result),
            milliseconds(result.total_ms),
            milliseconds(result.p50_ms),
            milliseconds(result.p95_ms),
            milliseconds(result.max_ms),
        ]
        for number, result in enumerate(results[:TOP_STATEMENTS], start=1)
    ]
    return Table(headers, rows)


def locust_table(csv_prefix: Path) -> Table:
    headers = ["Request", "Count", "Failures", "Median ms", "p95 ms", "p99 ms", "Max ms", "Req/s"]
    with open(f"{csv_prefix}_stats.csv", newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    return Table(
        headers,
        [
            [
                f"{row['Type']} {row['Name']}".strip() if row["Name"] != "Aggregated" else "**All**",
                row["Request Count"],
                row["Failure Count"],
                row["Median Response Time"],
                row["95%"],
                row["99%"],
                f"{float(row['Max Response Time']):.0f}",
                f"{float(row['Requests/s']):.1f}",
            ]
            for row in sorted(rows, key=lambda row: row["Name"] == "Aggregated")
        ],
    )


def optional(value: float | None, template: str = "{:.1f}") -> str:
    return "-" if value is None else template.format(value)


def server_table(figures: list[EndpointFigures]) -> Table:
    headers = ["Endpoint", "Requests", "5xx", "p50 ms", "p95 ms", "Mean ms", "Queries/request", "SQL ms/request"]
    headers.append("Database share")
    rows = [
        [
            "**All**" if row.endpoint == ALL_ENDPOINTS else row.endpoint,
            str(row.requests),
            str(row.server_errors),
            optional(row.p50_ms),
            optional(row.p95_ms),
            f"{row.mean_ms:.1f}",
            optional(row.queries_per_request, "{:.2f}"),
            optional(row.database_ms_per_request, "{:.2f}"),
            optional(row.database_share, "{:.0%}"),
        ]
        for row in figures
    ]
    return Table(headers, rows)


def server_fact(figures: list[EndpointFigures], csv_prefix: Path) -> str:
    """Locust's and the server's medians and 95th percentiles of every request, side by side."""
    server = figures[-1]
    fact = (
        f"Server side (/metrics): p50 {optional(server.p50_ms)} ms, p95 {optional(server.p95_ms)} ms, "
        f"{optional(server.queries_per_request, '{:.2f}')} queries/request, "
        f"database share {optional(server.database_share, '{:.0%}')}"
    )
    if not Path(f"{csv_prefix}_stats.csv").exists():
        return fact
    with open(f"{csv_prefix}_stats.csv", newline="", encoding="utf-8") as file:
        total = next(row for row in csv.DictReader(file) if row["Name"] == "Aggregated")
    return f"{fact}; Locust: p50 {total['Median Response Time']} ms, p95 {total['95%']} ms"


def failure_table(csv_prefix: Path) -> Table:
    rows = [
        [row["Method"], row["Name"], shorten(row["Error"], 200), row["Occurrences"]]
        for row in read_failures(csv_prefix)
    ]
    return Table(["Method", "Request", "Error", "Occurrences"], rows)


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def explain(database_url: str, results: list[Aggregate]) -> list[Plan]:
    """EXPLAIN (ANALYZE on PostgreSQL, in a rolled-back transaction) the slowest sample of the top SELECTs."""
    engine = create_engine(driver_url(database_url))
    postgres = engine.dialect.name == "postgresql"
    prefix = "EXPLAIN ANALYZE " if postgres else "EXPLAIN QUERY PLAN "
    plans = []
    for result in [r for r in results if r.key.upper().startswith("SELECT")][:EXPLAINED]:
        sample = result.slowest
        parameters = sample["parameters"]
        parameters = tuple(parameters) if isinstance(parameters, list) else parameters
        try:
            with engine.connect() as connection:
                rows = connection.exec_driver_sql(prefix + sample["statement"], parameters).all()
                connection.rollback()
            plan = "\n".join(" | ".join(str(cell) for cell in row) if not postgres else str(row[0]) for row in rows)
        except (SQLAlchemyError, TypeError, ValueError) as error:
            plan = f"(no plan: {error.__class__.__name__}: {shorten(str(error), 300)})"
        plans.append(Plan(shape=result.key, statement=sample["statement"], plan=plan))
    engine.dispose()
    return plans


def latency_series(csv_prefix: Path) -> list[dict[str, float]]:
    """Seconds since the start, users, requests/s, p50 and p95 of the aggregated rows of the stats history."""
    path = Path(f"{csv_prefix}_stats_history.csv")
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as file:
        rows = [row for row in csv.DictReader(file) if row["Name"] == "Aggregated"]

    def number(value: str) -> float:
        return float(value) if value not in ("", "N/A") else 0.0

    points = [
        {
            "t": number(row["Timestamp"]),
            "users": number(row["User Count"]),
            "rps": number(row["Requests/s"]),
            "p50": number(row["50%"]),
            "p95": number(row["95%"]),
        }
        for row in rows
    ]
    start = points[0]["t"] if points else 0
    for point in points:
        point["t"] -= start
    return points


def latency_chart(points: list[dict[str, float]], width: int = 760, height: int = 280) -> str:
    """An SVG line chart of p50 and p95 latency (left axis, ms) and requests/s (right axis) over the run."""
    if len(points) < 2:
        return "<p>Not enough history for a chart.</p>"
    left, right, top, bottom = 56, 56, 16, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    t_max = max(point["t"] for point in points) or 1
    ms_max = max(max(point["p95"] for point in points), 1) * 1.1
    rps_max = max(max(point["rps"] for point in points), 1) * 1.1

    def x(t: float) -> float:
        return left + t / t_max * plot_w

    def y(value: float, top_value: float) -> float:
        return top + plot_h - value / top_value * plot_h

    def line(key: str, top_value: float, colour: str, dash: str = "") -> str:
        coordinates = " ".join(f"{x(point['t']):.1f},{y(point[key], top_value):.1f}" for point in points)
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        return f'<polyline fill="none" stroke="{colour}" stroke-width="2"{extra} points="{coordinates}"/>'

    grid = []
    for step in range(5):
        fraction = step / 4
        grid_y = top + plot_h - fraction * plot_h
        grid.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{grid_y:.1f}" y2="{grid_y:.1f}" stroke="#ddd"/>')
        grid.append(f'<text x="{left - 6}" y="{grid_y + 4:.1f}" text-anchor="end">{ms_max * fraction:.0f}</text>')
        grid.append(f'<text x="{left + plot_w + 6}" y="{grid_y + 4:.1f}">{rps_max * fraction:.0f}</text>')
        grid_x = left + fraction * plot_w
        grid.append(f'<text x="{grid_x:.1f}" y="{height - 18}" text-anchor="middle">{t_max * fraction:.0f} s</text>')
    legend = (
        f'<text x="{left}" y="{height - 2}" fill="#1f77b4">— p50 ms</text>'
        f'<text x="{left + 90}" y="{height - 2}" fill="#d62728">— p95 ms</text>'
        f'<text x="{left + 180}" y="{height - 2}" fill="#2ca02c">- - requests/s (right axis)</text>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
        f'font-size="11" role="img" aria-label="Latency and throughput over the run">'
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#999"/>'
        + "".join(grid)
        + line("p50", ms_max, "#1f77b4")
        + line("p95", ms_max, "#d62728")
        + line("rps", rps_max, "#2ca02c", "5,4")
        + legend
        + "</svg>"
    )


def markdown_table(table: Table) -> str:
    if not table.rows:
        return "_None._\n"
    lines = ["| " + " | ".join(table.headers) + " |", "|" + "---|" * len(table.headers)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in table.rows]
    return "\n".join(lines) + "\n"


def html_table(table: Table) -> str:
    if not table.rows:
        return "<p><em>None.</em></p>"
    head = "".join(f"<th>{html.escape(cell)}</th>" for cell in table.headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell.strip('*'))}</td>" for cell in row) + "</tr>" for row in table.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


@dataclass
class Report:
    title: str
    facts: list[str]
    sections: list[tuple[str, Table]]
    plans: list[Plan]
    chart: str
    server_chart: str = ""

    def markdown(self) -> str:
        parts = [f"# {self.title}\n", *(f"- {fact}" for fact in self.facts), ""]
        parts.append("Latency over time and server-side latency per endpoint: see the charts in report.html.\n")
        for heading, table in self.sections:
            parts += [f"## {heading}\n", markdown_table(table)]
        parts.append("## Plans of the top statements\n")
        for number, plan in enumerate(self.plans, start=1):
            parts += [f"### {number}. `{shorten(plan.shape, 160)}`\n", "```", plan.plan, "```\n"]
        return "\n".join(parts)

    def html(self) -> str:
        facts = "".join(f"<li>{html.escape(fact)}</li>" for fact in self.facts)
        sections = "".join(f"<h2>{html.escape(heading)}</h2>{html_table(table)}" for heading, table in self.sections)
        plans = "".join(
            f"<h3>{number}. <code>{html.escape(shorten(plan.shape, 160))}</code></h3>"
            f"<pre>{html.escape(plan.plan)}</pre>"
            for number, plan in enumerate(self.plans, start=1)
        )
        server = f"<h2>Server side per endpoint (/metrics)</h2>{self.server_chart}" if self.server_chart else ""
        style = (
            "body{font-family:sans-serif;margin:2em;max-width:80em}table{border-collapse:collapse;margin-bottom:1em}"
            "td,th{border:1px solid #ccc;padding:.25em .5em;font-size:.9em;text-align:left;vertical-align:top}"
            "pre{background:#f6f6f6;padding:.75em;overflow-x:auto;font-size:.85em}"
        )
        return (
            f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(self.title)}</title>"
            f"<style>{style}</style></head><body><h1>{html.escape(self.title)}</h1><ul>{facts}</ul>"
            f"<h2>Latency over time</h2>{self.chart}{server}{sections}"
            f"<h2>Plans of the top statements</h2>{plans}</body></html>"
        )


def build_report(output: Path, database_url: str, run: dict[str, Any] | None = None) -> Report:
    """Aggregate ``output``/sql and Locust's CSVs in ``output``; write report.md and report.html there."""
    records = list(read_records(output / "sql"))
    endpoints = by_endpoint(records)
    statements = by_statement(records)
    csv_prefix = output / "locust"
    server_figures = read_figures(output)
    facts = [f"Database: {describe(database_url)}", f"SQL statements recorded: {len(records)}"]
    facts += [f"{key}: {value}" for key, value in (run or {}).items()]
    sections: list[tuple[str, Table]] = []
    locust_ran = Path(f"{csv_prefix}_stats.csv").exists()
    if locust_ran:
        totals = read_locust_stats(csv_prefix)
        facts.append(f"Locust: {totals.requests} requests, {totals.failures} failures")
        sections.append(("Locust requests", locust_table(csv_prefix)))
    if server_figures:
        facts.append(server_fact(server_figures, csv_prefix))
        sections.append(("Server side per endpoint (/metrics, before and after the run)", server_table(server_figures)))
    if locust_ran:
        sections.append(("Locust failures", failure_table(csv_prefix)))
    sections += [
        ("SQL by endpoint", endpoint_table(endpoints)),
        ("SQL by statement (top by total time)", statement_table(statements)),
    ]
    report = Report(
        title=f"Flasky load run {output.name}",
        facts=facts,
        sections=sections,
        plans=explain(database_url, statements),
        chart=latency_chart(latency_series(csv_prefix)),
        server_chart=endpoint_chart(server_figures) if server_figures else "",
    )
    (output / "report.md").write_text(report.markdown(), encoding="utf-8")
    (output / "report.html").write_text(report.html(), encoding="utf-8")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="The run's folder (holding sql/, locust_*.csv, metrics-*.prom).")
    parser.add_argument("--database-url", required=True, help="The database the run used, for EXPLAIN.")
    arguments = parser.parse_args()
    run_file = arguments.output / "run.json"
    run = json.loads(run_file.read_text()) if run_file.exists() else None
    build_report(arguments.output, arguments.database_url, run)
    print(f"Wrote {arguments.output / 'report.md'} and {arguments.output / 'report.html'}")


if __name__ == "__main__":
    main()
