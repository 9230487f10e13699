"""Pages that are the same for every signed-out reader, served from a cache until the data they show changes.

``@cached_page`` marks such a view. A signed-out ``GET`` with no flash message waiting is answered from the cache
(Flask-Caching: Redis when ``CACHE_REDIS_URL`` is set, this process's memory otherwise); a page rendered for it is
kept unless it is not a 200, sets a cookie, or holds anything of the visitor's own (a CSRF token, a flash message).
The key is the path, the query arguments the view reads, the request's language, and the *generation*.

The generation is a random value, replaced after every commit that changed a row the cached pages show (users,
roles, posts and their tags and favorites, comments, follows, blocks: ``PAGE_MODELS``), by the ORM session's
events, so every interface's writes (web, API v1, Conduit, the CLI) end every cached page before they return. A
reader reads the generation before the database: a page is only ever kept under a generation that was current
when its rows were read. With Redis the generation is a Redis key, shared by every worker and host; without, a
file, shared by the workers of one host (several hosts need Redis). Only a user's ``last_seen`` changes without
a new generation: written once a minute, it may show up to ``CACHE_DEFAULT_TIMEOUT`` late.

Redis away: pages are rendered, not cached, and the outage is logged once (``app.resilience.REDIS``). The cache is
left alone for ``RETRY_SECONDS`` after a failure, and a process that met a failure replaces the generation before
it uses the cache again, since a write it made meanwhile could not.
"""

import functools
import logging
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from contextlib import suppress
from hashlib import sha256
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, has_app_context, request, session
from flask_babel import get_locale
from flask_login import current_user
from redis.exceptions import RedisError
from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session
from werkzeug.wrappers import Response

from .extensions import cache
from .models import Block, Comment, Favorite, Follow, Post, PostTag, Role, Tag, User
from .resilience import REDIS, Dependency

logger = logging.getLogger(__name__)

PAGE_MODELS = (User, Role, Post, PostTag, Tag, Favorite, Comment, Follow, Block)
# Written once a minute by every signed-in request: a new generation for it would leave nothing cached.
UNWATCHED_USER_COLUMNS = frozenset({"last_seen"})
GENERATION_KEY = "page-generation"
CHANGED = "page_cache_changed"
# Where a request keeps the generation it read before its rows, when it reads it first thing (``g``).
REQUEST_GENERATION = "page_generation"
RETRY_SECONDS = 5.0


class CacheUnavailable(Exception):
    """The cache's store did not answer, or is being left alone after it did not."""


class RedisGeneration:
    """The generation as a key of the cache's Redis, created when missing (never expiring, but evictable)."""

    def read(self) -> str:
        value = cache.get(GENERATION_KEY)
        if value is None:
            cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=0)
            value = cache.get(GENERATION_KEY)
        return value

    def replace(self) -> None:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=0)


class FileGeneration:
    """The generation as a file's contents, replaced whole (``os.replace``) so a reader sees the old or the new."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> str:
        try:
            return self.path.read_text()
        except FileNotFoundError:
            self.replace()
            return self.path.read_text()

    def replace(self) -> None:
        value = uuid.uuid4().hex
        temporary = self.path.with_name(f"{self.path.name}.{value}")
        temporary.write_text(value)
        os.replace(temporary, self.path)


class PageCache:
    """One application's cached pages: where the generation lives, and whether its store answers."""

    def __init__(
        self, generation: RedisGeneration | FileGeneration, errors: tuple[type[Exception], ...], store: Dependency
    ) -> None:
        self.generation = generation
        self.errors = errors
        self.store = store
        self.retry_at = 0.0
        self.replace_owed = False

    def call(self, action: Callable[[], Any]) -> Any:
        """``action`` on the store; ``CacheUnavailable`` while it does not answer."""
        if time.monotonic() < self.retry_at:
            raise CacheUnavailable
        try:
            if self.replace_owed:
                self.generation.replace()
                self.replace_owed = False
            result = action()
        except self.errors as error:
            self.retry_at = time.monotonic() + RETRY_SECONDS
            self.replace_owed = True
            self.store.failed(error)
            raise CacheUnavailable from error
        return result

    def replace_generation(self) -> None:
        """Make every page cached so far unreachable; owed until the store answers when it does not."""
        try:
            self.call(self.generation.replace)
        except CacheUnavailable:
            self.replace_owed = True


def init_page_cache(app: Flask) -> None:
    """Cache the ``@cached_page`` views when ``FLASKY_PAGE_CACHE`` is on."""
    if not app.config["FLASKY_PAGE_CACHE"]:
        return
    redis_url = app.config["CACHE_REDIS_URL"]
    settings = {
        "CACHE_TYPE": "RedisCache" if redis_url else "SimpleCache",
        "CACHE_KEY_PREFIX": "flasky-page:",
        "CACHE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1} if redis_url else None,
    }
    cache.init_app(app, config=settings)
    if redis_url:
        page_cache = PageCache(RedisGeneration(), (RedisError,), REDIS)
    else:
        path = app.config["FLASKY_PAGE_CACHE_GENERATION_FILE"] or default_generation_file(app)
        page_cache = PageCache(
            FileGeneration(Path(path)), (OSError,), Dependency(f"The page cache's {path}", "pages are not cached")
        )
    app.extensions["page_cache"] = page_cache
    listen_for_changes()


def default_generation_file(app: Flask) -> Path:
    """A file of the temporary folder named for the database, so the workers of one host share it."""
    database = sha256(app.config["SQLALCHEMY_DATABASE_URI"].encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"flasky-page-generation-{database}"


def cached_page(*arguments: str) -> Callable:
    """Serve the view from the page cache to signed-out readers; ``arguments`` are the query arguments it reads.

    A request with any other query argument is rendered, not cached, so made-up URLs cannot fill the cache.
    """

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def cached_view(**values: Any) -> Any:
            page_cache = current_app.extensions.get("page_cache")
            if page_cache is None or not cacheable_request(arguments):
                return view(**values)
            try:
                # Read already by this request's first function when its page shows post cards (app.post_cards).
                generation = g.get(REQUEST_GENERATION) or page_cache.call(page_cache.generation.read)
                key = page_key(generation)
                page = page_cache.call(lambda: cache.get(key))
            except CacheUnavailable:
                return view(**values)
            if page is not None:
                return cached_response(page)
            response = current_app.make_response(view(**values))
            if cacheable_response(response):
                body = response.get_data(as_text=True)
                with suppress(CacheUnavailable):
                    page_cache.call(lambda: cache.set(key, body))
            response.vary.update(("Cookie", "Accept-Language"))
            return response

        return cached_view

    return decorate


def cacheable_request(arguments: tuple[str, ...]) -> bool:
    """A signed-out GET, asking only for ``arguments``, with no flash message waiting to be shown."""
    return (
        request.method in ("GET", "HEAD")
        and set(request.args) <= set(arguments)
        and "_flashes" not in session
        and not current_user.is_authenticated
    )


def page_key(generation: str) -> str:
    query = "&".join(f"{name}={request.args[name]}" for name in sorted(request.args))
    return f"{generation}:{get_locale()}:{request.path}?{query}"


def cacheable_response(response: Response) -> bool:
    """A 200 page holding nothing of this visitor's own."""
    return (
        request.method == "GET"
        and response.status_code == 200
        and response.mimetype == "text/html"
        and "Set-Cookie" not in response.headers
        and current_app.config["WTF_CSRF_FIELD_NAME"] not in g
        and not session.modified
        and "_flashes" not in session
    )


def cached_response(page: str) -> Response:
    response = current_app.response_class(page, mimetype="text/html")
    response.vary.update(("Cookie", "Accept-Language"))
    return response


def update_changes_cached_pages(instance: object) -> bool:
    """Whether the update of ``instance`` just flushed changes what a cached page shows."""
    if not isinstance(instance, PAGE_MODELS):
        return False
    if isinstance(instance, User):
        changed = {attribute.key for attribute in inspect(instance).attrs if attribute.history.has_changes()}
        return not changed <= UNWATCHED_USER_COLUMNS
    return True


def note_flushed_changes(session: Session, _flush_context: Any) -> None:
    """The session's lists still hold what the flush wrote (SQLAlchemy's ``after_flush``)."""
    added_or_deleted = (*session.new, *session.deleted)
    if any(isinstance(row, PAGE_MODELS) for row in added_or_deleted) or any(
        update_changes_cached_pages(row) for row in session.dirty
    ):
        session.info[CHANGED] = True


def note_bulk_changes(state: ORMExecuteState) -> None:
    """``update()`` and ``delete()`` statements skip the flush: unfollowing, unfavoriting, deleting an account."""
    if (state.is_update or state.is_delete or state.is_insert) and any(
        issubclass(mapper.class_, PAGE_MODELS) for mapper in state.all_mappers
    ):
        state.session.info[CHANGED] = True


def replace_generation_if_changed(session: Session) -> None:
    """After the transaction: a new generation when it changed a page's rows. After a rollback too, since a
    COMMIT whose answer was lost may have committed (``app.database``)."""
    if not session.info.pop(CHANGED, False) or not has_app_context():
        return
    page_cache = current_app.extensions.get("page_cache")
    if page_cache is not None:
        page_cache.replace_generation()


def listen_for_changes() -> None:
    """Watch every ORM session, once per process; apps without the page cache ignore what is heard."""
    if event.contains(Session, "after_commit", replace_generation_if_changed):
        return
    event.listen(Session, "after_flush", note_flushed_changes)
    event.listen(Session, "do_orm_execute", note_bulk_changes)
    event.listen(Session, "after_commit", replace_generation_if_changed)
    event.listen(Session, "after_rollback", replace_generation_if_changed)
