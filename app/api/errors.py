"""API v1's error shape, ``{"error": short, "message": detail}``, for refusals, invalid fields and HTTP errors."""

import marshmallow
from flask import Response, jsonify
from flask.blueprints import BlueprintSetupState
from werkzeug.exceptions import HTTPException

from ..errors import copy_headers, domain_status, json_error, register_error_renderer, status_phrase
from ..exceptions import DomainError, Invalid
from . import api

INVALID_FIELDS = "invalid fields"
# The statuses whose body also lists the messages for each field at fault.
FIELD_STATUSES = {409, 422}


def error_response(status: int, message: str, error: str, errors: dict[str, list[str]] | None = None) -> Response:
    """The JSON error body, with ``errors`` per field when given."""
    body: dict[str, object] = {"error": error, "message": message}
    if errors is not None:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    return response


@api.errorhandler(DomainError)
def refused(error: DomainError) -> Response:
    """A domain rule refused the request: its status, message and, for 409 and 422, each field's messages."""
    status = domain_status(error)
    short = INVALID_FIELDS if isinstance(error, Invalid) else status_phrase(status)
    return error_response(status, error.message, short, error.errors if status in FIELD_STATUSES else None)


@api.errorhandler(marshmallow.ValidationError)
def invalid_fields(error: marshmallow.ValidationError) -> Response:
    """A request failed its schema: say which fields are wrong and why."""
    messages = error.normalized_messages()
    summary = "; ".join(f"{field}: {' '.join(map(str, problems))}" for field, problems in sorted(messages.items()))
    return error_response(422, summary, INVALID_FIELDS, messages)


def http_error(error: HTTPException) -> Response:
    """Any HTTP error under ``/api/v1``, an unknown URL or a refused method included, keeping its headers."""
    status = error.code or 500
    return copy_headers(error, json_error(status, error.description or status_phrase(status)))


@api.record_once
def render_http_errors(state: BlueprintSetupState) -> None:
    register_error_renderer(state.app, state.url_prefix, http_error)
