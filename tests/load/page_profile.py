"""Where a page's time goes: each page timed through the test client, and profiled with pyinstrument.

``python -m tests.load.page_profile`` builds a SQLite data set in a temporary folder (1,000 users, 10,000 posts,
20 follows each, 30,000 comments, as issue 16 measured), then serves it with the production configuration in this
process, without a server or a network in the way, and prints the CPU milliseconds per request and the p50 of wall
time of the anonymous home page, profile and post page, with the page cache off and on, and of the signed-in pages:
the demo reader's home page, its Followed feed and the API post list with a token, each request loading its session
afresh as in a server.
``--profile`` prints pyinstrument's call tree of each of them but the post page, the cache off. It asserts nothing.
"""

import argparse
import os
import statistics
import tempfile
import time
from base64 import b64encode
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.fake import generate
from app.models import Comment, Post, SessionKind, User
from app.services import sessions
from tests.login import log_in_as

READER = "demo@example.com"


def build(url: str, users: int, posts: int) -> None:
    app = create_app("production", settings(url, page_cache=False))
    with app.app_context():
        db.create_all()
        generate(users=users, posts=posts, follows_per_user=20, comments=posts * 3, seed=16)


def settings(url: str, page_cache: bool) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "page-profile",
        "FLASKY_BASE_URL": "http://localhost",
        "FLASKY_PAGE_CACHE": page_cache,
        "CACHE_REDIS_URL": None,
        "FLASKY_PAGE_CACHE_GENERATION_FILE": str(Path(url.removeprefix("sqlite:///")).with_suffix(".generation")),
        "FLASKY_LOG_LEVEL": "WARNING",
        # The test client speaks plain HTTP, as a TLS proxy's backend does.
        "SESSION_COOKIE_SECURE": False,
    }


def anonymous_pages(app: Flask) -> dict[str, tuple[FlaskClient, str]]:
    """The anonymous pages: home, the busiest author's profile, the most commented post, one client for all."""
    with app.app_context():
        author = db.session.scalar(
            select(User.username).join(Post, Post.author_id == User.id).group_by(User.id).order_by(func.count().desc())
        )
        post_id = db.session.scalar(select(Comment.post_id).group_by(Comment.post_id).order_by(func.count().desc()))
    client = app.test_client()
    paths = {"home": "/", "profile": f"/user/{author}", "post": f"/post/{post_id}"}
    return {f"{name}, anonymous": (client, path) for name, path in paths.items()}


def signed_in_pages(app: Flask) -> dict[str, tuple[FlaskClient, str]]:
    """The demo reader's home page and Followed feed (a web session), and the API post list (a token).

    The requests run outside this app context, as each request of a server runs in its own: one that shared it
    would find the user signed in already and never time the session's lookup.
    """
    with app.app_context():
        reader = db.session.scalar(select(User).filter_by(email=READER))
        home, followed, api = app.test_client(), app.test_client(), app.test_client()
        log_in_as(home, reader)
        log_in_as(followed, reader)
        token = sessions.issue_token(reader, SessionKind.API)
    followed.set_cookie("show_followed", "1")
    api.environ_base["HTTP_AUTHORIZATION"] = "Basic " + b64encode(f"{token}:".encode()).decode()
    return {
        "home, signed in": (home, "/"),
        "Followed, signed in": (followed, "/"),
        "API posts, token": (api, "/api/v1/posts/"),
    }


def timed(get: Callable[[], object], requests: int) -> tuple[float, float]:
    """Milliseconds of ``requests`` calls of ``get``, after two to warm up: CPU time per call, and the p50 of wall
    time. On a machine shared with other work the CPU time is the steadier figure."""
    get()
    get()
    times = []
    cpu_started = time.process_time()
    for _ in range(requests):
        started = time.perf_counter()
        get()
        times.append((time.perf_counter() - started) * 1000)
    return (time.process_time() - cpu_started) * 1000 / requests, statistics.median(times)


def request(client, path: str) -> Callable[[], object]:
    def get() -> object:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status)
        return response

    return get


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200, help="Requests timed per page.")
    parser.add_argument("--profile", action="store_true", help="Print pyinstrument's call tree of home and profile.")
    parser.add_argument("--directory", help="Keep the data set here (built once) rather than in a temporary folder.")
    arguments = parser.parse_args()
    directory = Path(arguments.directory or tempfile.mkdtemp(prefix="flasky-page-profile-"))
    directory.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{directory / f'pages-{arguments.users}-{arguments.posts}.sqlite'}"
    if not os.path.exists(url.removeprefix("sqlite:///")):
        build(url, arguments.users, arguments.posts)

    print(f"{'page':<22} {'cache':<6} {'CPU ms':>8} {'p50 ms':>8}")
    for page_cache in (False, True):
        app = create_app("production", settings(url, page_cache))
        for name, (client, path) in {**anonymous_pages(app), **signed_in_pages(app)}.items():
            cpu, median = timed(request(client, path), arguments.requests)
            print(f"{name:<22} {'on' if page_cache else 'off':<6} {cpu:8.2f} {median:8.2f}")

    if arguments.profile:
        from pyinstrument import Profiler

        app = create_app("production", settings(url, page_cache=False))
        for name, (client, path) in {**anonymous_pages(app), **signed_in_pages(app)}.items():
            if name == "post, anonymous":
                continue
            request(client, path)()
            profiler = Profiler(interval=0.0005)
            with profiler:
                for _ in range(arguments.requests):
                    request(client, path)()
            print(f"\n=== {name} ({path}), {arguments.requests} requests ===")
            print(profiler.output_text(unicode=False, color=False, show_all=False, short_mode=False))


if __name__ == "__main__":
    main()
