"""The cards of a list of posts, rendered once and shared by every reader until the data they show changes.

A card of ``_posts.html`` is the same for every reader but for its Edit link, so it is kept in two parts, the one
before that link and the one after it (the permalink and the comment count), and the link is rendered for each
reader between them. A part is kept in the page cache's store (``app.page_cache``) under the page cache's
*generation*, the language, the post, the title's tag and (the part after the link) the comment count shown, so
any commit that changes a row a card shows (the post, its author, their role, its tags, comments) ends every
card. The generation is read before the request reads any row, its session and user included (``read_generation``),
so a card is never kept under a generation newer than its rows. Without the page cache, or while its store does not
answer, cards are rendered each time.
"""

from collections.abc import Callable, Sequence
from contextlib import suppress

from flask import Flask, current_app, g, request
from flask_babel import get_locale
from markupsafe import Markup

from .extensions import cache
from .models import Post
from .page_cache import REQUEST_GENERATION, CacheUnavailable, PageCache

# The views whose pages show a list of posts (``_posts.html``).
ENDPOINTS = frozenset({"main.index", "main.user", "main.post"})


def read_generation() -> None:
    """First of the request's functions: the generation its cards are kept under, on ``g`` (``None``: not kept)."""
    g.pop(REQUEST_GENERATION, None)
    if request.endpoint not in ENDPOINTS or request.method not in ("GET", "HEAD"):
        return
    page_cache: PageCache = current_app.extensions["page_cache"]
    with suppress(CacheUnavailable):
        setattr(g, REQUEST_GENERATION, page_cache.call(page_cache.generation.read))


class PostCards:
    """The kept parts of the cards of ``posts``, fetched together; the parts rendered afresh are kept together."""

    def __init__(self, posts: Sequence[Post], title_tag: str, comment_counts: dict[int, int]) -> None:
        self.generation = g.get(REQUEST_GENERATION)
        locale = get_locale()
        self.keys = {
            post.id: (
                f"card:{self.generation}:{locale}:{title_tag}:{post.id}:head",
                f"card:{self.generation}:{locale}:{post.id}:{comment_counts[post.id]}:tail",
            )
            for post in posts
        }
        self.found: dict[str, str] = {}
        self.rendered: dict[str, str] = {}
        if self.generation is not None and self.keys:
            keys = [key for pair in self.keys.values() for key in pair]
            self.found = self.call(lambda: dict(zip(keys, cache.get_many(*keys), strict=True))) or {}

    def call(self, action: Callable) -> object:
        page_cache: PageCache = current_app.extensions["page_cache"]
        try:
            return page_cache.call(action)
        except CacheUnavailable:
            self.generation = None
            return None

    def part(self, post: Post, which: int, caller: Callable[[], str]) -> Markup:
        key = self.keys[post.id][which]
        html = self.found.get(key)
        if html is None:
            html = self.rendered[key] = str(caller())
        # Rendered by _posts.html, escaped there, and kept only here, as the page cache keeps whole pages.
        return Markup(html)  # noqa: S704

    def head(self, post: Post, caller: Callable[[], str]) -> Markup:
        """The card up to its Edit link (the author, the date, the title, the body, the tags), ``caller`` renders it."""
        return self.part(post, 0, caller)

    def tail(self, post: Post, caller: Callable[[], str]) -> Markup:
        """The card after its Edit link: the permalink and the comment count."""
        return self.part(post, 1, caller)

    def keep(self) -> str:
        """Keep the parts rendered for this page; nothing to show."""
        if self.generation is not None and self.rendered:
            self.call(lambda: cache.set_many(self.rendered))
        return ""


def init_post_cards(app: Flask) -> None:
    """Give templates ``post_cards``; keep the cards when the page cache is on."""
    app.jinja_env.globals["post_cards"] = PostCards
    if "page_cache" in app.extensions:
        app.before_request_funcs.setdefault(None, []).insert(0, read_generation)
