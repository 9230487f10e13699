"""The signed-out page cache (app/page_cache.py): used, never stale after a write returns, never anybody's own.

Each invalidating action is made through every interface that has it (web, API v1, Conduit), after a signed-out
reader has the page from the cache; the reader's next visit shows the change.
"""

import logging

import pytest
from flask import render_template_string
from redis import Redis
from sqlalchemy import select

from app.extensions import db as _db
from app.models import Role, gravatar_hash
from app.page_cache import cached_page
from tests.caches import on_test_redis, on_unreachable_redis
from tests.factories import CommentFactory, FollowFactory, PostFactory, UserFactory
from tests.integration.api.conftest import token_auth
from tests.login import log_in_as
from tests.taskqueue import TEST_REDIS_URL

DISABLED = "This comment has been disabled by a moderator."


@pytest.fixture
def app_config(app_config, tmp_path):
    """The page cache on, as in production, with a generation file of the test's own."""
    generation = str(tmp_path / "page-generation")
    return {"FLASKY_PAGE_CACHE": True, "FLASKY_PAGE_CACHE_GENERATION_FILE": generation, **app_config}


@pytest.fixture
def reader(app, db):
    """A signed-out browser."""
    return app.test_client()


@pytest.fixture
def writer(app, db):
    """Another browser, signed in with ``log_in_as`` by the test."""
    return app.test_client()


@pytest.fixture
def author(db):
    return UserFactory(username="ann", about_me="Old about")


def conduit_auth(user) -> dict[str, str]:
    return {"Authorization": f"Token {user.generate_auth_token()}"}


def page(client, path: str, **kwargs) -> str:
    response = client.get(path, **kwargs)
    assert response.status_code == 200, response.status
    return response.get_data(as_text=True)


@pytest.fixture
def cached(reader, count_queries):
    """``cached(path)``: the page as the reader sees it, visited twice so that the second comes from the cache."""

    def visit(path: str) -> str:
        first = page(reader, path)
        with count_queries() as log:
            second = page(reader, path)
        assert log.count == 0, log
        assert second == first
        return second

    return visit


def ok(response) -> None:
    """The write succeeded (a 2xx answer, or the web's redirect after it)."""
    assert response.status_code < 400, response.get_data(as_text=True)


# Used, and what it answers


@pytest.mark.parametrize(
    "path", ["/", "/?page=2", "/user/ann", "/post/{post}", "/followers/ann", "/followed-by/ann", "/search?q=words"]
)
def test_a_second_signed_out_visit_runs_no_sql(cached, author, path):
    post = PostFactory(author=author, body="Some words")
    FollowFactory(follower=author)
    FollowFactory(followed=author)
    assert cached(path.format(post=post.id))


def test_cached_and_fresh_pages_vary_on_cookie_and_language(reader, cached):
    cached("/")
    for response in (reader.get("/"), reader.get("/", headers={"Accept-Language": "es"})):
        assert {"Cookie", "Accept-Language"} <= set(response.vary)


def test_each_language_gets_its_own_cached_page(reader, cached, count_queries):
    cached("/")
    with count_queries() as log:
        page(reader, "/", headers={"Accept-Language": "es"})
    assert log.count > 0


def test_query_arguments_the_page_does_not_read_are_not_cached(reader, author, count_queries):
    page(reader, "/?utm_source=mail")
    with count_queries() as log:
        page(reader, "/?utm_source=mail")
    assert log.count > 0


def test_error_pages_are_not_cached(reader, cached, count_queries):
    for _ in range(2):
        with count_queries() as log:
            assert reader.get("/user/nobody").status_code == 404
        assert log.count > 0
    UserFactory(username="nobody")
    assert "nobody" in cached("/user/nobody")


def test_a_signed_in_reader_never_gets_the_signed_out_page(cached, writer, author, count_queries):
    assert "Stranger" in cached("/")
    log_in_as(writer, author)
    with count_queries() as log:
        text = page(writer, "/")
    assert "Hello, ann" in text
    assert "Stranger" not in text
    assert log.count > 0


def test_a_signed_out_page_is_not_served_to_the_next_signed_in_request(cached, writer, author):
    cached("/user/ann")
    log_in_as(writer, author)
    assert "Edit Profile" in page(writer, "/user/ann")


def test_a_page_with_a_flash_message_is_neither_served_from_nor_kept_in_the_cache(app, reader, writer, author, cached):
    cached("/")
    log_in_as(writer, author)
    writer.post("/auth/logout")
    assert "You have been logged out." in page(writer, "/")
    assert "You have been logged out." not in page(writer, "/")
    assert "You have been logged out." not in cached("/")


def test_a_page_holding_a_csrf_token_is_never_kept(app, db):
    app.add_url_rule("/token", "token", cached_page()(lambda: render_template_string("{{ csrf_token() }}")))
    tokens = {page(app.test_client(), "/token") for _ in range(2)}
    assert len(tokens) == 2


# Every write that changes a cached page ends it before it returns


@pytest.mark.parametrize("interface", ["web", "api", "conduit"])
def test_a_new_post_shows_on_the_cached_home_page_and_profile(cached, reader, writer, author, interface):
    cached("/")
    cached("/user/ann")
    if interface == "web":
        log_in_as(writer, author)
        ok(writer.post("/", data={"title": "Fresh", "body": "Fresh words"}))
    elif interface == "api":
        ok(writer.post("/api/v1/posts/", json={"body": "Fresh words"}, headers=token_auth(author)))
    else:
        article = {"title": "Fresh", "description": "New", "body": "Fresh words", "tagList": []}
        ok(writer.post("/api/articles", json={"article": article}, headers=conduit_auth(author)))
    assert "Fresh words" in page(reader, "/")
    assert "Fresh words" in page(reader, "/user/ann")


@pytest.mark.parametrize("interface", ["web", "api", "conduit"])
def test_an_edited_post_shows_on_its_cached_pages(cached, reader, writer, author, interface):
    post = PostFactory(author=author, title="Title", body="Old words")
    cached("/")
    cached(f"/post/{post.id}")
    if interface == "web":
        log_in_as(writer, author)
        ok(writer.post(f"/edit/{post.id}", data={"title": "Title", "body": "New words"}))
    elif interface == "api":
        ok(writer.put(f"/api/v1/posts/{post.id}", json={"body": "New words"}, headers=token_auth(author)))
    else:
        headers = conduit_auth(author)
        ok(writer.put(f"/api/articles/{post.slug}", json={"article": {"body": "New words"}}, headers=headers))
    for path in ("/", f"/post/{post.id}"):
        text = page(reader, path)
        assert "New words" in text
        assert "Old words" not in text


@pytest.mark.parametrize("interface", ["api", "conduit"])
def test_a_deleted_post_leaves_the_cached_pages(cached, reader, writer, author, interface):
    post = PostFactory(author=author, body="Doomed words")
    assert "Doomed words" in cached("/")
    cached(f"/post/{post.id}")
    if interface == "api":
        ok(writer.delete(f"/api/v1/posts/{post.id}", headers=token_auth(author)))
    else:
        ok(writer.delete(f"/api/articles/{post.slug}", headers=conduit_auth(author)))
    assert "Doomed words" not in page(reader, "/")
    assert reader.get(f"/post/{post.id}").status_code == 404


@pytest.mark.parametrize("interface", ["web", "api", "conduit"])
def test_a_new_comment_shows_on_the_cached_post_page(cached, reader, writer, author, interface):
    post = PostFactory(author=author)
    cached(f"/post/{post.id}")
    cached("/")
    if interface == "web":
        log_in_as(writer, author)
        ok(writer.post(f"/post/{post.id}", data={"body": "Fresh comment"}))
    elif interface == "api":
        path = f"/api/v1/posts/{post.id}/comments/"
        ok(writer.post(path, json={"body": "Fresh comment"}, headers=token_auth(author)))
    else:
        path = f"/api/articles/{post.slug}/comments"
        ok(writer.post(path, json={"comment": {"body": "Fresh comment"}}, headers=conduit_auth(author)))
    assert "Fresh comment" in page(reader, f"/post/{post.id}")
    assert "1 Comment<" in page(reader, "/")


def test_a_deleted_comment_leaves_the_cached_post_page(cached, reader, writer, author):
    comment = CommentFactory(author=author, body="Doomed comment")
    path = f"/api/articles/{comment.post.slug}/comments/{comment.id}"
    assert "Doomed comment" in cached(f"/post/{comment.post_id}")
    ok(writer.delete(path, headers=conduit_auth(author)))
    assert "Doomed comment" not in page(reader, f"/post/{comment.post_id}")


def test_moderation_shows_on_the_cached_post_page(cached, reader, writer, author):
    comment = CommentFactory(body="Rude comment")
    log_in_as(writer, UserFactory(moderator=True))
    assert DISABLED not in cached(f"/post/{comment.post_id}")
    ok(writer.post(f"/moderate/disable/{comment.id}"))
    text = cached(f"/post/{comment.post_id}")
    assert DISABLED in text
    assert "Rude comment" not in text
    ok(writer.post(f"/moderate/enable/{comment.id}"))
    text = page(reader, f"/post/{comment.post_id}")
    assert DISABLED not in text
    assert "Rude comment" in text


@pytest.mark.parametrize("interface", ["web", "api", "conduit"])
def test_following_and_unfollowing_show_on_the_cached_pages(cached, reader, writer, author, interface):
    bob = UserFactory(username="bob")
    paths = {"/user/ann", "/followers/ann", "/followed-by/bob"}
    api_path, api_headers, conduit_headers = f"/api/v1/users/{author.id}/follow", token_auth(bob), conduit_auth(bob)

    def follow(method: str) -> None:
        if interface == "web":
            ok(writer.post(f"/{'follow' if method == 'post' else 'unfollow'}/ann"))
        elif interface == "api":
            ok(writer.open(api_path, method=method, headers=api_headers))
        else:
            ok(writer.open("/api/profiles/ann/follow", method=method, headers=conduit_headers))

    log_in_as(writer, bob)
    for path in paths:
        cached(path)
    follow("post")
    assert 'follower-count">1<' in cached("/user/ann")
    assert " bob</a>" in cached("/followers/ann")
    assert " ann</a>" in cached("/followed-by/bob")
    follow("delete")
    assert 'follower-count">0<' in page(reader, "/user/ann")
    assert " bob</a>" not in page(reader, "/followers/ann")
    assert " ann</a>" not in page(reader, "/followed-by/bob")


@pytest.mark.parametrize("interface", ["web", "api"])
def test_blocking_ends_a_follow_on_the_cached_pages(cached, reader, writer, author, interface):
    bob = UserFactory(username="bob")
    FollowFactory(follower=bob, followed=author)
    assert " bob</a>" in cached("/followers/ann")
    if interface == "web":
        log_in_as(writer, author)
        ok(writer.post("/block/bob"))
    else:
        ok(writer.post(f"/api/v1/users/{bob.id}/block", headers=token_auth(author)))
    assert " bob</a>" not in page(reader, "/followers/ann")


@pytest.mark.parametrize("interface", ["web", "conduit"])
def test_a_profile_edit_shows_on_the_cached_profile(cached, reader, writer, author, interface):
    assert "Old about" in cached("/user/ann")
    if interface == "web":
        log_in_as(writer, author)
        data = {"name": "Ann", "location": "Lima", "about_me": "New about"}
        ok(writer.post("/edit-profile", data=data))
    else:
        ok(writer.put("/api/user", json={"user": {"bio": "New about"}}, headers=conduit_auth(author)))
    text = page(reader, "/user/ann")
    assert "New about" in text
    assert "Old about" not in text


def admin_edit(writer, user, **changes) -> None:
    """An administrator's edit of ``user`` through the web form, ``changes`` on top of what it holds."""
    log_in_as(writer, UserFactory(administrator=True))
    data = {"email": user.email, "username": user.username, "confirmed": "y", "role": user.role_id}
    data.update({"name": "", "location": "", "about_me": "", **changes})
    ok(writer.post(f"/edit-profile/{user.id}", data=data))


def test_a_role_change_ends_the_cached_pages(cached, reader, writer, author, count_queries):
    cached("/user/ann")
    moderator = _db.session.scalar(select(Role.id).where(Role.name == "Moderator"))
    admin_edit(writer, author, role=moderator)
    with count_queries() as log:
        page(reader, "/user/ann")
    assert log.count > 0


@pytest.mark.parametrize("interface", ["web", "conduit"])
def test_a_username_change_shows_on_the_cached_pages(cached, reader, writer, author, interface):
    PostFactory(author=author)
    cached("/user/ann")
    assert "/user/ann" in cached("/")
    if interface == "web":
        admin_edit(writer, author, username="annie")
    else:
        ok(writer.put("/api/user", json={"user": {"username": "annie"}}, headers=conduit_auth(author)))
    assert reader.get("/user/ann").status_code == 404
    text = page(reader, "/")
    assert "/user/annie" in text
    assert '/user/ann"' not in text


def test_an_avatar_change_shows_on_the_cached_profile(cached, reader, writer, author):
    assert gravatar_hash("ann.new@example.com") not in cached("/user/ann")
    admin_edit(writer, author, email="ann.new@example.com")
    assert gravatar_hash("ann.new@example.com") in page(reader, "/user/ann")


@pytest.mark.parametrize("interface", ["web", "api"])
def test_a_deleted_account_leaves_the_cached_pages(cached, reader, writer, author, interface):
    post = PostFactory(author=author, body="Last words")
    assert "Last words" in cached("/")
    cached("/user/ann")
    cached(f"/post/{post.id}")
    if interface == "web":
        log_in_as(writer, author)
        ok(writer.post("/account/delete", data={"password": "cat", "confirm": "y"}))
    else:
        ok(writer.delete(f"/api/v1/users/{author.id}", json={"password": "cat"}, headers=token_auth(author)))
    assert "Last words" not in page(reader, "/")
    assert reader.get("/user/ann").status_code == 404
    assert reader.get(f"/post/{post.id}").status_code == 404


def test_a_users_last_seen_does_not_end_the_cached_pages(cached, author):
    cached("/user/ann")
    author.last_seen = author.last_seen.replace(year=2000)
    _db.session.commit()
    cached("/user/ann")


# Redis


@pytest.fixture
def redis_cache(app_config):
    """The cache in the test Redis database, emptied before and after."""
    with on_test_redis(app_config) as settings:
        yield settings


class TestOnRedis:
    @pytest.fixture
    def app_config(self, redis_cache):
        return redis_cache

    def test_pages_come_from_redis_and_a_write_ends_them(self, cached, writer, author):
        assert "Stranger" in cached("/")
        assert Redis.from_url(TEST_REDIS_URL).keys("flasky-page:*")
        ok(writer.post("/api/v1/posts/", json={"body": "Fresh words"}, headers=token_auth(author)))
        assert "Fresh words" in cached("/")


class TestWithRedisDown:
    @pytest.fixture
    def app_config(self, app_config):
        with on_unreachable_redis(app_config) as settings:
            yield settings

    def test_pages_are_rendered_and_the_outage_logged_once(self, reader, writer, author, count_queries, caplog):
        caplog.set_level(logging.WARNING, logger="app.resilience")
        for _ in range(3):
            with count_queries() as log:
                assert "Stranger" in page(reader, "/")
            assert log.count > 0
        ok(writer.post("/api/v1/posts/", json={"body": "Fresh words"}, headers=token_auth(author)))
        assert "Fresh words" in page(reader, "/")
        records = caplog.get_records("setup") + caplog.records
        warnings = [record for record in records if "Redis does not answer" in record.getMessage()]
        assert len(warnings) == 1
        assert "pages are not cached" in warnings[0].getMessage()
