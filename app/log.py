"""Production logging: one JSON object a line on stderr, which log collectors read without parsing rules."""

import json
import logging
import sys
from datetime import UTC, datetime

from flask import has_request_context, request
from opentelemetry import trace

# Attributes every LogRecord has; anything else on a record came from ``extra=`` and is logged as a field.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Format a record as one line of JSON: time, level, logger, message, request, trace, extra fields, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        if has_request_context():
            entry["request"] = {"method": request.method, "path": request.path, "remote_addr": request.remote_addr}
        # With tracing on (app/tracing.py), the line names its trace, so a log search leads to the trace and back.
        span = trace.get_current_span().get_span_context()
        if span.is_valid:
            entry["trace_id"] = trace.format_trace_id(span.trace_id)
            entry["span_id"] = trace.format_span_id(span.span_id)
        entry.update({key: value for key, value in vars(record).items() if key not in _RECORD_ATTRIBUTES})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str) -> None:
    """Send every logger's records at ``level`` and above to stderr as JSON lines, replacing an earlier setup."""
    root = logging.getLogger()
    try:
        root.setLevel(level.upper())
    except ValueError:
        raise SystemExit(
            f"Flasky: FLASKY_LOG_LEVEL={level!r} is not a logging level (DEBUG, INFO, WARNING, ERROR, CRITICAL)."
        ) from None
    for handler in list(root.handlers):
        if isinstance(handler.formatter, JsonFormatter):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
