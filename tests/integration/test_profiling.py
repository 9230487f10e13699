"""SQL profiling: per-response query headers, the statement log, slow-query warnings, the report's figures."""

import json
import logging

import pytest
from sqlalchemy import insert, select, text
from werkzeug.test import Client

from app import profiling
from app.extensions import db
from app.models import Comment, Role, User
from app.profiling import (
    NO_ENDPOINT,
    QUERIES_HEADER,
    TIME_HEADER,
    by_endpoint,
    by_statement,
    normalise_statement,
    percentile,
    read_records,
)
from tests.factories import UserFactory


@pytest.fixture
def profile_dir(app, tmp_path):
    """Profiling on, writing its statement log under a temporary folder."""
    directory = tmp_path / "sql"
    app.config["FLASKY_PROFILE_SQL"] = True
    app.config["FLASKY_SQL_PROFILE_DIR"] = str(directory)
    return directory


@pytest.fixture
def profiler(app):
    return app.extensions["sql_profiler"]


@pytest.fixture(autouse=True)
def lookup_page(app):
    """A page that looks a user up by name: a request that runs a known statement, whatever the real pages do."""

    def lookup(username: str) -> str:
        return db.session.scalar(select(User.username).filter_by(username=username)) or "nobody"

    app.add_url_rule("/lookup/<username>", endpoint="lookup", view_func=lookup)


def recorded(profiler, directory):
    profiler.flush()
    return list(read_records(directory))


def test_response_counts_its_queries_when_profiling_is_on(client, profile_dir, profiler):
    UserFactory(username="ada")

    response = client.get("/lookup/ada")

    assert response.status_code == 200
    records = [r for r in recorded(profiler, profile_dir) if r["request"] is not None]
    assert int(response.headers[QUERIES_HEADER]) == len(records) > 0
    assert float(response.headers[TIME_HEADER]) == pytest.approx(sum(r["duration_ms"] for r in records), abs=0.01)
    assert {r["endpoint"] for r in records} == {"lookup"}
    assert len({r["request"] for r in records}) == 1


def test_each_request_gets_its_own_count(client, profile_dir, profiler):
    UserFactory(username="ada")

    first = client.get("/lookup/ada")
    second = client.get("/lookup/ada")

    assert first.headers[QUERIES_HEADER] == second.headers[QUERIES_HEADER]
    assert len({r["request"] for r in recorded(profiler, profile_dir) if r["request"] is not None}) == 2


def test_response_has_no_query_headers_when_profiling_is_off(client, app):
    UserFactory(username="ada")

    response = client.get("/lookup/ada")

    assert response.status_code == 200
    assert QUERIES_HEADER not in response.headers
    assert TIME_HEADER not in response.headers


def test_query_headers_stop_when_profiling_is_turned_off(client, app, profile_dir):
    UserFactory(username="ada")
    assert QUERIES_HEADER in client.get("/lookup/ada").headers

    app.config["FLASKY_PROFILE_SQL"] = False

    assert QUERIES_HEADER not in client.get("/lookup/ada").headers


def test_statement_outside_a_request_is_recorded_without_endpoint(db, profile_dir, profiler):
    db.session.execute(text("SELECT 1"))

    [entry] = recorded(profiler, profile_dir)

    assert entry["endpoint"] == NO_ENDPOINT
    assert entry["request"] is None
    assert entry["statement"] == "SELECT 1"


def test_statement_log_stays_buffered_until_flushed(db, profile_dir, profiler):
    db.session.execute(text("SELECT 1"))

    assert not profile_dir.exists()
    profiler.flush()
    assert len(list(read_records(profile_dir))) == 1


def test_full_buffer_is_written_at_once(db, profile_dir, profiler):
    profiler.flush_every = 2

    db.session.execute(text("SELECT 1"))
    db.session.execute(text("SELECT 2"))

    lines = [json.loads(line) for path in profile_dir.glob("sql-*.jsonl") for line in path.read_text().splitlines()]
    assert [line["statement"] for line in lines] == ["SELECT 1", "SELECT 2"]


def test_old_buffer_is_written_with_the_next_statement(db, profile_dir, profiler):
    profiler.flush_interval = 0

    db.session.execute(text("SELECT 1"))

    assert len(list(profile_dir.glob("sql-*.jsonl"))) == 1


def test_flushing_nothing_writes_no_file(app, profile_dir, profiler):
    profiler.flush()

    assert not profile_dir.exists()


def test_slow_query_is_logged_with_statement_parameters_duration_and_endpoint(client, app, caplog):
    UserFactory(username="ada")
    app.config["FLASKY_SLOW_DB_QUERY_TIME"] = 0

    with caplog.at_level(logging.WARNING):
        client.get("/lookup/ada")

    [lookup] = [record.getMessage() for record in caplog.records if record.getMessage().startswith("Slow query")]
    assert "SELECT users.username" in lookup
    assert "FROM users" in lookup
    assert "'ada'" in lookup
    assert "Duration: " in lookup
    assert lookup.endswith("Endpoint: lookup")


def test_slow_bulk_insert_logs_its_first_row_cut_short(db, app, caplog):
    app.config["FLASKY_SLOW_DB_QUERY_TIME"] = 0
    rows = [{"body": f"{'x' * 3000}{n}"} for n in range(3)]

    with caplog.at_level(logging.WARNING):
        db.session.execute(insert(Comment), rows)

    [message] = [record.getMessage() for record in caplog.records if "INSERT INTO comments" in record.getMessage()]
    assert "x" * 100 in message
    assert "more characters)" in message
    assert len(message) < 3000


def test_bulk_insert_is_recorded_with_its_first_row(db, profile_dir, profiler):
    db.session.execute(insert(Role), [{"name": "first", "permissions": 0}, {"name": "second", "permissions": 0}])

    [entry] = [r for r in recorded(profiler, profile_dir) if r["statement"].startswith("INSERT INTO roles")]

    assert "first" in json.dumps(entry["parameters"])
    assert "second" not in json.dumps(entry["parameters"])


def test_fast_query_is_not_logged(client, app, caplog):
    UserFactory(username="ada")

    with caplog.at_level(logging.WARNING):
        client.get("/lookup/ada")

    assert not [record for record in caplog.records if record.getMessage().startswith("Slow query")]


@pytest.mark.parametrize(
    ("statement", "shape"),
    [
        ("SELECT * FROM users WHERE id = 42", "SELECT * FROM users WHERE id = ?"),
        ("SELECT * FROM users WHERE name = 'O''Brien'", "SELECT * FROM users WHERE name = ?"),
        ("SELECT users.id FROM users WHERE users.id = %(pk_1)s", "SELECT users.id FROM users WHERE users.id = ?"),
        ("SELECT a FROM t WHERE b = :b_1 AND c = ?", "SELECT a FROM t WHERE b = ? AND c = ?"),
        ("SELECT a FROM t WHERE id IN (%(id_1_1)s, %(id_1_2)s, %(id_1_3)s)", "SELECT a FROM t WHERE id IN (?)"),
        ("SELECT a FROM t WHERE id in (1, 2,\n 3)", "SELECT a FROM t WHERE id IN (?)"),
        ("SELECT a FROM t WHERE id IN (%(p_1)s::INTEGER, %(p_2)s::INTEGER)", "SELECT a FROM t WHERE id IN (?)"),
        ("SELECT a FROM t\n   LIMIT 20 OFFSET 3980", "SELECT a FROM t LIMIT ? OFFSET ?"),
        ("SELECT posts_1.id, anon_1.x FROM t", "SELECT posts_1.id, anon_1.x FROM t"),
        ("SELECT CAST(%(p)s AS VARCHAR), x::TEXT FROM t", "SELECT CAST(? AS VARCHAR), x::TEXT FROM t"),
        ("INSERT INTO t (a, b) VALUES (?, ?), (?, ?), (?, ?)", "INSERT INTO t (a, b) VALUES (?, ?)"),
        ("SELECT 1.5, -3", "SELECT ?, ?"),
    ],
)
def test_statements_differing_only_in_values_share_a_shape(statement, shape):
    assert normalise_statement(statement) == shape


def test_percentile_is_nearest_rank():
    values = [float(n) for n in range(1, 21)]

    assert percentile(values, 50) == 10
    assert percentile(values, 95) == 19
    assert percentile(values, 0) == 1
    assert percentile([7.0], 95) == 7


def synthetic_records():
    def entry(request, endpoint, statement, duration):
        return {"request": request, "endpoint": endpoint, "statement": statement, "duration_ms": duration}

    return [
        entry("1-1", "main.index", "SELECT * FROM posts LIMIT 20 OFFSET 0", 4.0),
        entry("1-1", "main.index", "SELECT count(*) FROM comments WHERE post_id IN (1, 2)", 1.0),
        entry("1-2", "main.index", "SELECT * FROM posts LIMIT 20 OFFSET 20", 6.0),
        entry("1-2", "main.index", "SELECT count(*) FROM comments WHERE post_id IN (3, 4, 5)", 2.0),
        entry("2-1", "lookup", "SELECT * FROM users WHERE username = 'ada'", 1.5),
        entry(None, NO_ENDPOINT, "SELECT * FROM users WHERE username = 'bob'", 0.5),
    ]


def test_report_groups_statements_by_shape_largest_total_first():
    results = by_statement(synthetic_records())

    assert [(r.key, r.count, r.total_ms) for r in results] == [
        ("SELECT * FROM posts LIMIT ? OFFSET ?", 2, 10.0),
        ("SELECT count(*) FROM comments WHERE post_id IN (?)", 2, 3.0),
        ("SELECT * FROM users WHERE username = ?", 2, 2.0),
    ]
    posts = results[0]
    assert (posts.p50_ms, posts.p95_ms, posts.max_ms) == (4.0, 6.0, 6.0)
    assert posts.slowest["statement"].endswith("OFFSET 20")
    assert posts.queries_per_request == 1
    assert results[2].requests == 1


def test_report_groups_by_endpoint_with_queries_per_request():
    results = {r.key: r for r in by_endpoint(synthetic_records())}

    assert results["main.index"].count == 4
    assert results["main.index"].requests == 2
    assert results["main.index"].queries_per_request == 2
    assert results["lookup"].queries_per_request == 1
    assert results[NO_ENDPOINT].queries_per_request is None


def test_records_are_read_from_every_file_skipping_blank_lines(tmp_path):
    (tmp_path / "sql-1.jsonl").write_text(json.dumps({"statement": "SELECT 1"}) + "\n\n")
    (tmp_path / "sql-2.jsonl").write_text(json.dumps({"statement": "SELECT 2"}) + "\n")
    (tmp_path / "notes.txt").write_text("not a record\n")

    assert [r["statement"] for r in read_records(tmp_path)] == ["SELECT 1", "SELECT 2"]


def test_profile_command_serves_the_app_writing_a_profile_per_request(app, runner, tmp_path, monkeypatch):
    UserFactory(username="ada")
    served = []

    def serve_one_request(host, port, application, **options):
        served.append((host, port))
        response = Client(application).get("/lookup/ada")
        assert response.status_code == 200

    monkeypatch.setattr(profiling, "run_simple", serve_one_request)
    profiles = tmp_path / "profiles"

    result = runner.invoke(args=["profile", "--profile-dir", str(profiles), "--port", "5123", "--length", "5"])

    assert result.exit_code == 0, result.output
    assert served == [("127.0.0.1", 5123)]
    assert [path.suffix for path in profiles.iterdir()] == [".prof"]
    assert "Profiling requests into" in result.output


def test_recorded_parameters_survive_as_json(client, profile_dir, profiler):
    UserFactory(username="ada")

    client.get("/lookup/ada")

    lookups = [r for r in recorded(profiler, profile_dir) if "ada" in json.dumps(r["parameters"])]
    assert lookups
