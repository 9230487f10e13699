"""URL converters shared by every blueprint."""

from flask import g, has_request_context, request, url_for
from werkzeug.routing import IntegerConverter

LARGEST_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` with an upper bound: a larger number is no id any table holds, so the URL is not found."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - Werkzeug's argument name
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


def url_for_id(endpoint: str, id: int) -> str:  # noqa: A002 - the routes' argument name
    """``url_for(endpoint, id=id)`` for a route whose one argument is ``id``, from a template built once per request
    (a page of API posts links each post three times; building each link costs more than the rest of its JSON)."""
    if not has_request_context():
        return url_for(endpoint, id=id)
    templates = g.setdefault("id_url_templates", {})
    key = (endpoint, request.script_root)
    parts = templates.get(key)
    if parts is None:
        prefix, _, suffix = url_for(endpoint, id=LARGEST_ID).rpartition(str(LARGEST_ID))
        parts = templates[key] = (prefix, suffix)
    return f"{parts[0]}{id}{parts[1]}"
