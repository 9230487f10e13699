"""The checks every interface applies to what clients send: storable text, lengths read from the columns, names."""

import re
from typing import Any

from sqlalchemy.orm import InstrumentedAttribute

from .exceptions import N_

USERNAME_PATTERN = r"[A-Za-z][A-Za-z0-9_.]*"
USERNAME_RULE = N_("must start with a letter and have only letters, numbers, dots or underscores")
STORABLE_RULE = N_("must be text without NUL characters or unpaired surrogates")


def is_storable(text: str) -> bool:
    """True unless ``text`` holds what no database column takes: NUL or an unpaired surrogate."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def column_length(column: InstrumentedAttribute[Any]) -> int | None:
    """The most characters a ``String(n)`` model column holds, such as ``column_length(User.username)``; ``None``
    for text of any length."""
    return getattr(column.property.columns[0].type, "length", None)


def is_username(text: str) -> bool:
    """Whether ``text`` is a well-formed username; a trailing newline is not allowed, as ``$`` would allow."""
    return re.fullmatch(USERNAME_PATTERN, text) is not None


class Problems:
    """The problems found in one request's fields, gathered so that every field's problem is reported at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def text(self, field: str, value: Any, *, max_length: int | None = None, required: bool = True) -> str | None:
        """``value`` if it is text a column can store, within ``max_length``; blank is refused when ``required``."""
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(field, N_("can't be blank"))
            return None
        if not isinstance(value, str):
            self.add(field, N_("must be a string"))
        elif not is_storable(value):
            self.add(field, STORABLE_RULE)
        elif max_length is not None and len(value) > max_length:
            self.add(field, N_("is too long (maximum is %(maximum)d characters)", maximum=max_length))
        else:
            return value
        return None

    def raise_if_any(self, error: type[Exception]) -> None:
        if self.errors:
            raise error(errors=self.errors)
