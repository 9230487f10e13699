"""The search page: posts and people matching what a reader typed in the navbar's search box."""

from flask import abort, current_app, render_template, request

from ..converters import LARGEST_ID
from ..exceptions import Invalid
from ..i18n import translated
from ..page_cache import cached_page
from ..services.search import search_people, search_posts
from . import search


@search.route("/search")
@cached_page("q", "page")
def index() -> str:
    """The posts matching ``q``, best match first, and on the first page the people whose names match."""
    text = request.args.get("q")
    page = request.args.get("page", 1, type=int)
    if abs(page) > LARGEST_ID:
        abort(404)
    if text is None:
        return render_template("search.html", q="")
    try:
        pagination = search_posts(text, page, current_app.config["FLASKY_POSTS_PER_PAGE"])
        people = search_people(text) if pagination.page == 1 else []
    except Invalid as error:
        return render_template("search.html", q=text, problem=translated(error.message))
    return render_template("search.html", q=text, pagination=pagination, people=people)
