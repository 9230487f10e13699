"""Conduit's error shape, ``{"errors": {"field": ["message"]}}``, for every error under ``/api`` but API v1."""

from typing import Any

import marshmallow
from flask import Response, jsonify, request
from flask.blueprints import BlueprintSetupState
from werkzeug.exceptions import HTTPException

from ..errors import copy_headers, domain_status, register_error_renderer, status_phrase
from ..exceptions import DomainError, NotAllowed
from . import conduit
from .schemas import CONDUIT_NAMES

# What each HTTP error says about the request, as field and message.
HTTP_ERRORS = {
    401: ("token", "is missing"),
    403: ("resource", "forbidden"),
    404: ("resource", "not found"),
    405: ("method", "not allowed"),
    429: ("request", "too many; try again later"),
}
# The resource each noun of a Conduit URL names; a refusal names the last one, as in {"article": ["forbidden"]}.
RESOURCES = {"users": "user", "user": "user", "profiles": "profile", "articles": "article", "comments": "comment"}


def errors_response(status: int, errors: dict[str, list[str]]) -> Response:
    response = jsonify({"errors": errors})
    response.status_code = status
    return response


def http_error_response(error: HTTPException) -> Response:
    """An HTTP error in Conduit's shape, keeping headers such as ``Allow`` and ``Retry-After``."""
    status = error.code or 500
    field, message = HTTP_ERRORS.get(status, ("request", status_phrase(status)))
    return copy_headers(error, errors_response(status, {field: [message]}))


@conduit.record_once
def render_http_errors(state: BlueprintSetupState) -> None:
    """Answer every HTTP error under Conduit's prefix in its shape, unknown URLs included."""
    register_error_renderer(state.app, state.url_prefix or "/", http_error_response)


def requested_resource() -> str:
    """The resource the request's URL acts on, such as ``comment`` for ``/articles/<slug>/comments/<id>``."""
    nouns = [RESOURCES[part] for part in request.url_rule.rule.split("/") if part in RESOURCES]
    return nouns[-1] if nouns else "resource"


@conduit.errorhandler(DomainError)
def domain_error(error: DomainError) -> Response:
    """A domain refusal: its field messages under Conduit's names; a forbidden action names its resource."""
    if isinstance(error, NotAllowed):
        return errors_response(403, {requested_resource(): ["forbidden"]})
    errors = {CONDUIT_NAMES.get(field, field): messages for field, messages in error.errors.items()}
    return errors_response(domain_status(error), errors or {"request": [error.message]})


@conduit.errorhandler(marshmallow.ValidationError)
def invalid_request(error: marshmallow.ValidationError) -> Response:
    """A request its schema refused: 422 with every field's messages."""
    return errors_response(422, field_messages(error.messages))


def field_messages(messages: Any, owner: str = "request") -> dict[str, list[str]]:
    """marshmallow's messages, nested as the body is (``{"user": {"email": [...]}}``), keyed by field name alone.

    A problem with an object as a whole (marshmallow's ``_schema``) is named by the key that holds the object.
    """
    if not isinstance(messages, dict):
        return {owner: list(messages)}
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        for field, problems in field_messages(value, owner if key == "_schema" else key).items():
            flat.setdefault(field, []).extend(problems)
    return flat
