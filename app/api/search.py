"""Searching posts: the search page's syntax and ranking, in pages shaped like every other list of posts."""

from typing import Any

from marshmallow import fields

from ..models import Post
from ..services import search
from ..services.search_query import MAX_QUERY_LENGTH
from . import api
from .openapi import operation
from .queries import page_links, page_size
from .schemas import PageQuerySchema, PostPageSchema

SYNTAX = (
    'Words match their other forms too (`running` finds `run`); `"an exact phrase"` in double quotes; `-word` '
    "leaves out the posts that have it; `or` between words finds either side. Posts are ordered by relevance, "
    "then newest first."
)


class SearchQuerySchema(PageQuerySchema):
    """``?q=`` with the pagination every list takes."""

    q = fields.String(
        required=True,
        metadata={"description": f"What to search for, at most {MAX_QUERY_LENGTH} characters.", "example": "flask"},
    )


@api.get("/search/posts")
@operation(
    "Search posts, best match first",
    tag="search",
    response=PostPageSchema,
    query=SearchQuerySchema,
    description=f"{SYNTAX}\n\nOnly the newest matches are ranked, 1,000 unless the server's `FLASKY_SEARCH_RANKED` "
    "says otherwise: `count` is at most that many, and the pages list the best of them; add words to reach older "
    "posts.\n\nA query with nothing to search for (empty, too long, only common words such as `the`, only "
    "punctuation or only `-word`) gets 422, with the reason in `errors.q`.",
)
def search_posts(args: dict[str, Any]) -> dict[str, Any]:
    pagination = search.search_posts(args["q"], args["page"], page_size(args, "FLASKY_POSTS_PER_PAGE"))
    posts = [match.post for match in pagination.items]
    counts = Post.comment_counts(posts)
    return {
        "posts": [post.to_json(comment_count=counts[post.id]) for post in posts],
        **page_links(pagination, "api.search_posts", q=args["q"]),
    }
