"""The load report's server-side figures: percentiles from histogram buckets, and per-endpoint figures of a run."""

import pytest

from tests.load.server_metrics import ALL_ENDPOINTS, bucket_quantile, endpoint_chart, endpoint_figures

INF = float("inf")


def test_a_quantile_is_interpolated_inside_the_bucket_it_falls_in():
    # 10 requests under 10 ms, 10 more between 10 and 20 ms: the median is the 10 ms bound, p75 halfway up.
    buckets = [(0.01, 10), (0.02, 20), (INF, 20)]

    assert bucket_quantile(0.5, buckets) == pytest.approx(0.01)
    assert bucket_quantile(0.75, buckets) == pytest.approx(0.015)


def test_a_quantile_in_the_infinite_bucket_is_the_largest_finite_bound():
    assert bucket_quantile(0.95, [(0.01, 1), (0.02, 2), (INF, 10)]) == pytest.approx(0.02)


def test_no_requests_have_no_quantile():
    assert bucket_quantile(0.5, [(0.01, 0), (INF, 0)]) is None


def scrape_text(index: tuple[int, float, int, float], user: tuple[int, float, int, float], scrapes: int) -> str:
    """A /metrics text: for each page, (requests under 10 ms, total seconds, statements, SQL seconds)."""
    lines = [
        "# TYPE flasky_http_request_duration_seconds histogram",
        "# TYPE flasky_http_request_db_statements histogram",
        "# TYPE flasky_http_request_db_duration_seconds histogram",
    ]
    for endpoint, (fast, seconds, statements, database) in (("main.index", index), ("main.user", user)):
        labels = f'endpoint="{endpoint}",status="200"'
        lines += [
            f'flasky_http_request_duration_seconds_bucket{{{labels},le="0.01"}} {fast}',
            f'flasky_http_request_duration_seconds_bucket{{{labels},le="0.02"}} {2 * fast}',
            f'flasky_http_request_duration_seconds_bucket{{{labels},le="+Inf"}} {2 * fast}',
            f"flasky_http_request_duration_seconds_count{{{labels}}} {2 * fast}",
            f"flasky_http_request_duration_seconds_sum{{{labels}}} {seconds}",
            f'flasky_http_request_db_statements_count{{endpoint="{endpoint}"}} {2 * fast}',
            f'flasky_http_request_db_statements_sum{{endpoint="{endpoint}"}} {statements}',
            f'flasky_http_request_db_duration_seconds_count{{endpoint="{endpoint}"}} {2 * fast}',
            f'flasky_http_request_db_duration_seconds_sum{{endpoint="{endpoint}"}} {database}',
        ]
    lines.append(f'flasky_http_request_duration_seconds_count{{endpoint="metrics",status="200"}} {scrapes}')
    return "\n".join(lines) + "\n"


def test_the_figures_are_what_the_run_added_between_the_scrapes():
    before = scrape_text(index=(5, 0.1, 30, 0.01), user=(0, 0.0, 0, 0.0), scrapes=3)
    after = scrape_text(index=(15, 0.4, 90, 0.04), user=(2, 0.06, 24, 0.03), scrapes=4)

    index, user, everything = endpoint_figures(before, after)

    assert (index.endpoint, index.requests, user.endpoint, user.requests) == ("main.index", 20, "main.user", 4)
    assert index.p50_ms == pytest.approx(10)
    assert index.mean_ms == pytest.approx(15)
    assert index.queries_per_request == pytest.approx(3)
    assert index.database_share == pytest.approx(0.1)
    assert user.queries_per_request == pytest.approx(6)
    assert everything.endpoint == ALL_ENDPOINTS
    assert everything.requests == 24
    assert everything.queries_per_request == pytest.approx(84 / 24)


def test_the_runs_own_scrapes_and_idle_endpoints_are_left_out():
    text = scrape_text(index=(5, 0.1, 30, 0.01), user=(1, 0.02, 6, 0.001), scrapes=3)
    later = scrape_text(index=(6, 0.12, 36, 0.012), user=(1, 0.02, 6, 0.001), scrapes=9)

    assert [figures.endpoint for figures in endpoint_figures(text, later)] == ["main.index", ALL_ENDPOINTS]
    assert endpoint_figures(text, text) == []


def test_the_chart_names_every_endpoint_and_its_p95():
    before = scrape_text(index=(0, 0.0, 0, 0.0), user=(0, 0.0, 0, 0.0), scrapes=1)
    after = scrape_text(index=(10, 0.2, 30, 0.01), user=(3, 0.05, 9, 0.01), scrapes=2)

    chart = endpoint_chart(endpoint_figures(before, after))

    assert chart.startswith("<svg")
    assert ">main.index<" in chart
    assert ">main.user<" in chart
    assert "19 ms</text>" in chart
