"""The Markdown body that posts and comments share: rendered to sanitised HTML whenever it is set."""

from typing import Any

from ..exceptions import ValidationError
from ..validation import STORABLE_RULE, is_storable


def body_from_json(data: Any, kind: str) -> str:
    """The ``body`` of a post or comment sent as JSON, as the book's ``from_json`` reads it."""
    if not isinstance(data, dict):
        raise ValidationError(f"A {kind} must be a JSON object with a 'body'.")
    body = data.get("body")
    if body is None:
        raise ValidationError(f"A {kind} needs a 'body'.")
    if not isinstance(body, str):
        raise ValidationError(f"The {kind}'s 'body' must be a string.")
    if not body.strip():
        raise ValidationError(f"The {kind}'s 'body' must not be empty.")
    if not is_storable(body):
        raise ValidationError(f"The {kind}'s 'body' {STORABLE_RULE}.")
    return body
