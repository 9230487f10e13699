"""OpenTelemetry tracing: off by default, a server span per request with its SQL statements as children, logs that name
the trace. Spans go to the SDK's in-memory exporter."""

import io
import json
import logging

import pytest
from opentelemetry import trace
from opentelemetry.instrumentation.flask import FlaskInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from app import tracing
from app.log import JsonFormatter
from tests.apps import make_app, rate_limited
from tests.factories import UserFactory

OTEL_VARIABLES = (
    "OTEL_TRACES_EXPORTER",
    "OTEL_SDK_DISABLED",
    "OTEL_EXPORTER_OTLP_PROTOCOL",
    "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
)


@pytest.fixture
def otel_environment(monkeypatch):
    """No OTEL_* setting from the developer's shell; the test sets those it needs."""
    for name in OTEL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def uninstrumented():
    """Undo the SQLAlchemy instrumentation, which is one per process, after the test."""
    yield
    SQLAlchemyInstrumentor().uninstrument()


@pytest.fixture
def spans(app, uninstrumented):
    """The app traced as production traces it, its spans kept in memory as each one ends."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.instrument(app, provider)
    yield exporter
    FlaskInstrumentor.uninstrument_app(app)
    provider.shutdown()


def server_spans(exporter: InMemorySpanExporter) -> list[ReadableSpan]:
    return [span for span in exporter.get_finished_spans() if span.kind is SpanKind.SERVER]


def children(exporter: InMemorySpanExporter, parent: ReadableSpan) -> list[ReadableSpan]:
    return [
        span
        for span in exporter.get_finished_spans()
        if span.parent is not None and span.parent.span_id == parent.context.span_id
    ]


def test_each_request_is_one_server_span_named_by_its_route(client, spans):
    UserFactory(username="ada")
    spans.clear()

    client.get("/")
    client.get("/user/ada")

    assert [(span.name, span.attributes["http.route"]) for span in server_spans(spans)] == [
        ("GET /", "/"),
        ("GET /user/<username>", "/user/<username>"),
    ]


def test_the_sql_statements_of_a_request_are_its_child_spans(app, client, spans, tmp_path):
    app.config["FLASKY_PROFILE_SQL"] = True
    app.config["FLASKY_SQL_PROFILE_DIR"] = str(tmp_path)
    UserFactory(username="ada")
    spans.clear()

    response = client.get("/user/ada")

    [request_span] = server_spans(spans)
    # Opening a pooled connection is a child span too, one without a statement.
    statements = [span for span in children(spans, request_span) if "db.statement" in span.attributes]
    assert len(statements) == int(response.headers["X-DB-Queries"]) > 0
    assert {span.kind for span in statements} == {SpanKind.CLIENT}
    assert {span.context.trace_id for span in statements} == {request_span.context.trace_id}
    assert all(span.attributes["db.statement"].startswith("SELECT") for span in statements)


@pytest.mark.app_config(rate_limited("1 per minute"))
def test_a_request_the_rate_limiter_refuses_still_has_its_span(client, spans):
    client.post("/auth/login", data={"email": "john@example.com", "password": "wrong"})
    refused = client.post("/auth/login", data={"email": "john@example.com", "password": "wrong"})

    assert refused.status_code == 429
    assert [span.attributes["http.status_code"] for span in server_spans(spans)] == [200, 429]


@pytest.fixture
def json_log(app):
    """What the app logs, formatted as production formats it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    app.logger.addHandler(handler)
    yield stream
    app.logger.removeHandler(handler)


def test_a_log_line_written_in_a_request_names_its_trace(app, client, spans, json_log):
    UserFactory(username="ada")
    # Every statement counts as slow, so the request logs a line of its own.
    app.config["FLASKY_SLOW_DB_QUERY_TIME"] = 0
    spans.clear()

    client.get("/user/ada")

    [request_span] = server_spans(spans)
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    assert lines
    assert {line["trace_id"] for line in lines} == {trace.format_trace_id(request_span.context.trace_id)}
    assert {line["span_id"] for line in lines} == {trace.format_span_id(request_span.context.span_id)}


def test_a_log_line_outside_a_trace_names_none(app, json_log):
    app.logger.warning("no request, no trace")

    [line] = [json.loads(line) for line in json_log.getvalue().splitlines()]
    assert "trace_id" not in line


def test_tracing_is_off_by_default(otel_environment):
    app = make_app()

    assert "tracing" not in app.extensions
    assert not getattr(app, "_is_instrumented_by_opentelemetry", False)


def test_otel_traces_exporter_turns_tracing_on(otel_environment, uninstrumented):
    otel_environment.setenv("OTEL_TRACES_EXPORTER", "console")

    app = make_app()

    assert isinstance(app.extensions["tracing"], TracerProvider)
    assert app._is_instrumented_by_opentelemetry
    app.extensions["tracing"].shutdown()


@pytest.mark.parametrize(
    ("settings", "exporters"),
    [
        ({}, []),
        ({"OTEL_TRACES_EXPORTER": "none"}, []),
        ({"OTEL_TRACES_EXPORTER": "console"}, ["console"]),
        ({"OTEL_TRACES_EXPORTER": "otlp, console"}, ["otlp", "console"]),
        ({"OTEL_TRACES_EXPORTER": "console", "OTEL_SDK_DISABLED": "true"}, []),
        ({"OTEL_TRACES_EXPORTER": "console", "OTEL_SDK_DISABLED": "false"}, ["console"]),
    ],
)
def test_the_exporters_come_from_the_standard_variables(otel_environment, settings, exporters):
    for name, setting in settings.items():
        otel_environment.setenv(name, setting)

    assert tracing.exporter_names() == exporters


def test_an_exporter_no_package_provides_stops_the_start(otel_environment):
    otel_environment.setenv("OTEL_TRACES_EXPORTER", "no-such-exporter")

    with pytest.raises(SystemExit, match="no installed package provides 'no-such-exporter'"):
        make_app()


@pytest.mark.parametrize(
    ("protocol", "package"),
    [(None, "opentelemetry-exporter-otlp-proto-grpc"), ("http/protobuf", "opentelemetry-exporter-otlp-proto-http")],
)
def test_otlp_without_its_exporter_package_says_which_one_to_install(otel_environment, protocol, package):
    otel_environment.setenv("OTEL_TRACES_EXPORTER", "otlp")
    if protocol is not None:
        otel_environment.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", protocol)

    with pytest.raises(SystemExit, match=f"install {package}"):
        make_app()


def test_an_otlp_protocol_there_is_no_exporter_for_stops_the_start(otel_environment):
    otel_environment.setenv("OTEL_TRACES_EXPORTER", "otlp")
    otel_environment.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "carrier-pigeon")

    with pytest.raises(SystemExit, match="'carrier-pigeon' is not one of grpc, http/protobuf"):
        make_app()
