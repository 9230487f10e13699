"""Errors particular to the API; HTTP errors already answer JSON under ``/api/`` (see ``app/errors.py``)."""

import marshmallow
from flask import Response, jsonify

from ..errors import json_error
from ..exceptions import ValidationError
from . import api


@api.errorhandler(ValidationError)
def invalid_resource(error: ValidationError) -> Response:
    """A model refused the data it was given."""
    return json_error(422, str(error), "invalid fields")


@api.errorhandler(marshmallow.ValidationError)
def invalid_fields(error: marshmallow.ValidationError) -> Response:
    """A request failed its schema: say which fields are wrong and why."""
    messages = error.normalized_messages()
    summary = "; ".join(f"{field}: {' '.join(map(str, problems))}" for field, problems in sorted(messages.items()))
    response = jsonify({"error": "invalid fields", "message": summary, "errors": messages})
    response.status_code = 422
    return response
