"""OpenTelemetry tracing, off unless the standard ``OTEL_*`` variables turn it on: spans for requests and SQL queries.

``OTEL_TRACES_EXPORTER`` names the exporters, comma-separated: ``console`` comes with the SDK, ``otlp`` once an OTLP
exporter package is installed (it then reads ``OTEL_EXPORTER_OTLP_PROTOCOL`` and ``OTEL_EXPORTER_OTLP_ENDPOINT``).
Unset or ``none``, or with ``OTEL_SDK_DISABLED=true``, nothing is traced. The SDK itself reads ``OTEL_SERVICE_NAME``,
``OTEL_RESOURCE_ATTRIBUTES``, ``OTEL_TRACES_SAMPLER`` and the ``OTEL_BSP_*`` batching settings.
"""

import os
from importlib.metadata import entry_points

from flask import Flask
from opentelemetry.instrumentation.flask import FlaskInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter

from .extensions import db

# Where installed packages offer their span exporters, under the names OTEL_TRACES_EXPORTER uses.
EXPORTER_ENTRY_POINTS = "opentelemetry_traces_exporter"
# "otlp" is either transport; each exporter package registers its own name. Without a protocol set, the Python SDK
# (and so opentelemetry-instrument) picks gRPC: Flasky does the same.
OTLP_EXPORTERS = {
    "grpc": ("otlp_proto_grpc", "opentelemetry-exporter-otlp-proto-grpc"),
    "http/protobuf": ("otlp_proto_http", "opentelemetry-exporter-otlp-proto-http"),
}


def exporter_names() -> list[str]:
    """The exporters the environment asks for; none unless ``OTEL_TRACES_EXPORTER`` names one."""
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return []
    names = (name.strip() for name in os.environ.get("OTEL_TRACES_EXPORTER", "").split(","))
    return [name for name in names if name and name != "none"]


def otlp_exporter() -> tuple[str, str]:
    """The entry point and package of the OTLP exporter for the protocol ``OTEL_EXPORTER_OTLP_*PROTOCOL`` names."""
    protocol = (
        os.environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or os.environ.get("OTEL_EXPORTER_OTLP_PROTOCOL") or "grpc"
    )
    if protocol.strip() not in OTLP_EXPORTERS:
        raise SystemExit(f"Flasky: OTLP protocol {protocol!r} is not one of {', '.join(OTLP_EXPORTERS)}.")
    return OTLP_EXPORTERS[protocol.strip()]


def load_exporter(name: str) -> SpanExporter:
    """The span exporter an installed package registers as ``name``, built with its defaults and ``OTEL_*`` settings."""
    entry_point, package = otlp_exporter() if name == "otlp" else (name, "the package that provides it")
    found = entry_points(group=EXPORTER_ENTRY_POINTS, name=entry_point)
    if not found:
        raise SystemExit(
            f"Flasky: OTEL_TRACES_EXPORTER names {name!r}, but no installed package provides {entry_point!r}: "
            f"install {package} ('console' comes with opentelemetry-sdk)."
        )
    exporter_class = next(iter(found)).load()
    return exporter_class()


def instrument(app: Flask, provider: TracerProvider) -> None:
    """Trace each request of ``app`` as a server span, with each SQL statement on its engines as a child span."""
    FlaskInstrumentor.instrument_app(app, tracer_provider=provider)
    # The instrumentation opens its span in a before_request function; moved first, it also covers the requests
    # that the rate limiter or the CSRF check refuse before anything else runs.
    hooks = app.before_request_funcs[None]
    hooks.insert(0, hooks.pop())
    with app.app_context():
        SQLAlchemyInstrumentor().instrument(engines=list(db.engines.values()), tracer_provider=provider)


def init_tracing(app: Flask) -> None:
    """Trace ``app`` when ``OTEL_TRACES_EXPORTER`` names an exporter; do nothing otherwise."""
    names = exporter_names()
    if not names:
        return
    provider = TracerProvider()
    for name in names:
        provider.add_span_processor(BatchSpanProcessor(load_exporter(name)))
    app.extensions["tracing"] = provider
    instrument(app, provider)
