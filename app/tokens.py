"""Signed, expiring tokens: one salt per purpose, so a token of one purpose never serves another."""

import time
from typing import Any

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"flasky.{purpose}")


def generate_token(purpose: str, payload: dict[str, Any], expiration: int) -> str:
    """Sign ``payload`` for ``purpose``; the token is refused ``expiration`` seconds from now."""
    return _serializer(purpose).dumps({**payload, "exp": int(expiration)})


def load_token(purpose: str, token: str | bytes | None) -> dict[str, Any] | None:
    """Return the payload of a valid, unexpired token of ``purpose``, or ``None``."""
    if not token:
        return None
    try:
        data, signed_at = _serializer(purpose).loads(token, return_timestamp=True)
    except (BadData, UnicodeError, TypeError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("exp"), int):
        return None
    age = time.time() - signed_at.timestamp()
    if age > data["exp"]:
        return None
    return data
