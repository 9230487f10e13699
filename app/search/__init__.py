"""Full-text search: the ``/search`` page and the ``flask search reindex`` command."""

from flask import Blueprint

from ..services.search_query import MAX_QUERY_LENGTH

search = Blueprint("search", __name__, cli_group="search")


@search.app_context_processor
def search_box() -> dict[str, int]:
    """The longest query, for the search boxes of every page."""
    return {"search_max_length": MAX_QUERY_LENGTH}


from . import cli, views  # noqa: E402, F401
