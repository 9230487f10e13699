"""The application's JSON provider: a body nested too deeply to parse is bad JSON, not a server error."""

from typing import Any

from flask.json.provider import DefaultJSONProvider


class JSONProvider(DefaultJSONProvider):
    """Flask's default provider, except that ``loads`` raises ``ValueError`` for JSON nested too deeply.

    Python's parser recurses once per nested array or object, so ``"[" * 50000`` raises ``RecursionError``.
    Flask's request turns a ``ValueError`` from ``loads`` into 400 Bad Request (``None`` with ``silent=True``),
    as it does for any other body that is not JSON.
    """

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError as error:
            raise ValueError("JSON nested too deeply to parse") from error
