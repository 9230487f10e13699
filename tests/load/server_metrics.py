"""The server's own figures for a load run, from ``/metrics`` (app/metrics.py) read as the run starts and as it ends.

The difference between the two scrapes is what the run's requests cost inside gunicorn, per Flask endpoint:
latency percentiles estimated from the histogram buckets (as Prometheus's ``histogram_quantile`` does, so they are
as fine as the buckets), SQL statements per request, and the share of the time spent in the database.
"""

import html
import math
import urllib.request
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

BEFORE_FILE = "metrics-before.prom"
AFTER_FILE = "metrics-after.prom"
ALL_ENDPOINTS = "All"
# The run's own scrapes, not the load.
LEFT_OUT = {"metrics"}
DURATION = "flasky_http_request_duration_seconds"
STATEMENTS = "flasky_http_request_db_statements"
DATABASE_TIME = "flasky_http_request_db_duration_seconds"

Series = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(base_url: str, token: str) -> str:
    """The text of ``/metrics``, read with the bearer token."""
    address = f"{base_url}/metrics"
    request = urllib.request.Request(address, headers={"Authorization": f"Bearer {token}"})  # noqa: S310 - ours
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own server
        return response.read().decode()


def parse(text: str) -> Series:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def difference(before: Series, after: Series) -> Series:
    """What each series gained between the scrapes (a series new in ``after`` started from 0)."""
    return {key: value - before.get(key, 0.0) for key, value in after.items()}


def bucket_quantile(share: float, buckets: list[tuple[float, float]]) -> float | None:
    """The ``share`` quantile (0..1) of cumulative ``(upper bound, count)`` buckets, ascending with +Inf last.

    Interpolated linearly inside the bucket it falls in; in the +Inf bucket, the largest finite bound.
    """
    total = buckets[-1][1] if buckets else 0
    if total <= 0:
        return None
    rank = share * total
    lower_bound, lower_count = 0.0, 0.0
    for bound, count in buckets:
        if count >= rank:
            if math.isinf(bound):
                return lower_bound
            if count == lower_count:
                return bound
            return lower_bound + (bound - lower_bound) * (rank - lower_count) / (count - lower_count)
        lower_bound, lower_count = bound, count
    return lower_bound


@dataclass
class EndpointFigures:
    """One endpoint's requests during the run, as the server measured them."""

    endpoint: str
    requests: int
    server_errors: int
    p50_ms: float | None
    p95_ms: float | None
    mean_ms: float
    queries_per_request: float | None
    database_ms_per_request: float | None

    @property
    def database_share(self) -> float | None:
        """The part of the request's time spent in SQL statements."""
        if self.database_ms_per_request is None or not self.mean_ms:
            return None
        return self.database_ms_per_request / self.mean_ms


@dataclass
class Totals:
    """The sums of one endpoint's (or every endpoint's) series."""

    buckets: dict[float, float]
    requests: float = 0.0
    server_errors: float = 0.0
    seconds: float = 0.0
    statements: float = 0.0
    statement_requests: float = 0.0
    database_seconds: float = 0.0

    def figures(self, endpoint: str) -> EndpointFigures:
        ordered = sorted(self.buckets.items())
        counted = self.statement_requests
        return EndpointFigures(
            endpoint=endpoint,
            requests=round(self.requests),
            server_errors=round(self.server_errors),
            p50_ms=_milliseconds(bucket_quantile(0.5, ordered)),
            p95_ms=_milliseconds(bucket_quantile(0.95, ordered)),
            mean_ms=self.seconds / self.requests * 1000 if self.requests else 0.0,
            queries_per_request=self.statements / counted if counted else None,
            database_ms_per_request=self.database_seconds / counted * 1000 if counted else None,
        )


def _milliseconds(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


def endpoint_figures(before_text: str, after_text: str) -> list[EndpointFigures]:
    """Figures per endpoint, the busiest first, then the ``All`` row over every endpoint."""
    gained = difference(parse(before_text), parse(after_text))
    totals: dict[str, Totals] = defaultdict(lambda: Totals(buckets=defaultdict(float)))
    for (name, label_items), value in gained.items():
        labels = dict(label_items)
        endpoint = labels.get("endpoint")
        if endpoint is None or endpoint in LEFT_OUT:
            continue
        for total in (totals[endpoint], totals[ALL_ENDPOINTS]):
            add(total, name, labels, value)
    endpoints = sorted(
        (total.figures(endpoint) for endpoint, total in totals.items() if endpoint != ALL_ENDPOINTS and total.requests),
        key=lambda figures: (-figures.requests, figures.endpoint),
    )
    if not endpoints:
        return []
    return [*endpoints, totals[ALL_ENDPOINTS].figures(ALL_ENDPOINTS)]


def add(total: Totals, name: str, labels: dict[str, str], value: float) -> None:
    """Add one series' gain to ``total``."""
    if name == f"{DURATION}_bucket":
        total.buckets[float(labels["le"])] += value
    elif name == f"{DURATION}_count":
        total.requests += value
        if labels["status"].startswith("5"):
            total.server_errors += value
    elif name == f"{DURATION}_sum":
        total.seconds += value
    elif name == f"{STATEMENTS}_sum":
        total.statements += value
    elif name == f"{STATEMENTS}_count":
        total.statement_requests += value
    elif name == f"{DATABASE_TIME}_sum":
        total.database_seconds += value


def read_figures(output: Path) -> list[EndpointFigures]:
    """The figures of the run in ``output``, or none when it kept no scrapes."""
    before, after = output / BEFORE_FILE, output / AFTER_FILE
    if not (before.exists() and after.exists()):
        return []
    return endpoint_figures(before.read_text(encoding="utf-8"), after.read_text(encoding="utf-8"))


def endpoint_chart(figures: list[EndpointFigures], width: int = 760, bar_height: int = 18) -> str:
    """An SVG bar chart per endpoint: server-side p95 and p50 latency and the mean time in SQL statements.

    The axis is logarithmic (1 ms to the next power of ten above the slowest p95), so a page of 5 ms and a password
    check of 5 s both show.
    """
    rows = [row for row in figures if row.endpoint != ALL_ENDPOINTS and row.p95_ms is not None]
    if not rows:
        return "<p>No server-side figures.</p>"
    label_w, right, top, legend_h = 230, 60, 8, 34
    plot_w = width - label_w - right
    height = top + len(rows) * (bar_height + 6) + legend_h
    decades = max(math.ceil(math.log10(max(max(row.p95_ms for row in rows), 10))), 1)

    def x(milliseconds: float | None) -> float:
        return label_w + math.log10(max(milliseconds or 0, 1)) / decades * plot_w

    def bar(row_y: float, milliseconds: float | None, colour: str, inset: int) -> str:
        return (
            f'<rect x="{label_w}" y="{row_y + inset:.1f}" width="{x(milliseconds) - label_w:.1f}" '
            f'height="{bar_height - 2 * inset}" fill="{colour}"/>'
        )

    parts = []
    for number, row in enumerate(rows):
        row_y = top + number * (bar_height + 6)
        text_y = row_y + bar_height - 5
        parts.append(f'<text x="{label_w - 6}" y="{text_y}" text-anchor="end">{html.escape(row.endpoint)}</text>')
        parts += [bar(row_y, row.p95_ms, "#f4a6a6", 0), bar(row_y, row.p50_ms, "#1f77b4", 3)]
        parts.append(bar(row_y, row.database_ms_per_request, "#2ca02c", 7))
        parts.append(f'<text x="{x(row.p95_ms) + 4:.1f}" y="{text_y}">{row.p95_ms:.0f} ms</text>')
    axis_y = height - legend_h + 4
    for power in range(decades + 1):
        grid_x = x(10**power)
        parts.append(f'<line x1="{grid_x:.1f}" x2="{grid_x:.1f}" y1="{top}" y2="{axis_y}" stroke="#ddd"/>')
        parts.append(f'<text x="{grid_x:.1f}" y="{axis_y + 12}" text-anchor="middle">{10**power} ms</text>')
    parts.append(
        f'<text x="{label_w}" y="{height - 2}" fill="#e07070">■ p95</text>'
        f'<text x="{label_w + 60}" y="{height - 2}" fill="#1f77b4">■ p50</text>'
        f'<text x="{label_w + 120}" y="{height - 2}" fill="#2ca02c">■ mean time in SQL per request</text>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
        f'font-size="11" role="img" aria-label="Server-side latency and SQL time per endpoint">'
        + "".join(parts)
        + "</svg>"
    )
