"""URL converters shared by every blueprint."""

from werkzeug.routing import IntegerConverter

LARGEST_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` with an upper bound: a larger number is no id any table holds, so the URL is not found."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - Werkzeug's argument name
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)
