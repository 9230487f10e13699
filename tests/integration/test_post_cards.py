"""The post cards kept for every reader (app/post_cards.py): shared, never stale after a write, never a reader's own.

Each test has signed-in readers see a list of posts, so its cards are kept, then makes a write that changes what a
card shows and has them look again.
"""

import re

import pytest
from redis import Redis
from sqlalchemy import select

from app.extensions import cache
from app.models import Role
from tests.caches import on_test_redis, on_unreachable_redis
from tests.factories import CommentFactory, PostFactory, UserFactory
from tests.integration.api.conftest import token_auth
from tests.login import log_in_as
from tests.taskqueue import TEST_REDIS_URL


@pytest.fixture
def app_config(app_config, tmp_path):
    """The page cache on, as in production, with a generation file of the test's own."""
    generation = str(tmp_path / "page-generation")
    return {"FLASKY_PAGE_CACHE": True, "FLASKY_PAGE_CACHE_GENERATION_FILE": generation, **app_config}


@pytest.fixture
def author(db):
    return UserFactory(username="ann")


@pytest.fixture
def browser(app, db):
    """``browser(user)``: a test client signed in as ``user``."""

    def signed_in(user):
        client = app.test_client()
        log_in_as(client, user)
        return client

    return signed_in


def page(client, path: str = "/") -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status
    return response.get_data(as_text=True)


def cards(text: str) -> list[str]:
    """The post cards of a page, each from its ``<li>`` to its end."""
    return re.findall(r'<li class="post .*?\n  </li>', text, flags=re.DOTALL)


def kept_cards() -> list[str]:
    """The keys of the card parts in the page cache's store (this process's memory in the tests)."""
    return [key for key in cache.cache._cache if key.startswith("card:")]


def test_a_card_rendered_for_one_reader_is_kept_and_served_to_the_next(author, browser):
    PostFactory(author=author, body="Shared words")
    one, another = browser(UserFactory()), browser(UserFactory())
    first = page(one)
    assert len(kept_cards()) == 2
    second = page(another)
    assert len(kept_cards()) == 2
    assert cards(second) == cards(first)
    assert "Shared words" in cards(second)[0]


@pytest.mark.app_config(FLASKY_PAGE_CACHE=False)
def test_cards_are_rendered_each_time_without_the_page_cache(app, author, browser):
    PostFactory(author=author, body="Fresh words")
    assert "page_cache" not in app.extensions
    reader = browser(UserFactory())
    assert cards(page(reader)) == cards(page(reader))
    assert "Fresh words" in cards(page(reader))[0]


def test_each_reader_sees_their_own_edit_link_on_a_kept_card(author, browser):
    post = PostFactory(author=author)
    edit = f'href="/edit/{post.id}">Edit</a>'
    admin_edit = f'href="/edit/{post.id}">Edit [Admin]</a>'
    readers = {
        "author": browser(author),
        "reader": browser(UserFactory()),
        "moderator": browser(UserFactory(moderator=True)),
        "administrator": browser(UserFactory(administrator=True)),
    }
    for _ in range(2):
        seen = {name: page(client) for name, client in readers.items()}
        assert edit in seen["author"]
        assert admin_edit in seen["administrator"]
        assert edit not in seen["administrator"]
        for name in ("reader", "moderator"):
            assert "/edit/" not in seen[name]
        assert len({card for text in seen.values() for card in cards(text)}) > 1


def test_an_edited_post_shows_on_its_kept_cards(author, browser):
    post = PostFactory(author=author, title="Title", body="Old words")
    reader = browser(UserFactory())
    for path in ("/", f"/post/{post.id}", "/user/ann"):
        assert "Old words" in page(reader, path)
    response = browser(author).post(f"/edit/{post.id}", data={"title": "Title", "body": "New words"})
    assert response.status_code == 302
    for path in ("/", f"/post/{post.id}", "/user/ann"):
        text = page(reader, path)
        assert "New words" in text
        assert "Old words" not in text


def test_a_new_comment_changes_the_count_on_the_kept_cards(author, browser):
    post = PostFactory(author=author)
    reader = browser(UserFactory())
    assert ">0 Comments<" in page(reader)
    assert browser(author).post(f"/post/{post.id}", data={"body": "A comment"}).status_code == 302
    assert ">1 Comment<" in page(reader)
    assert ">1 Comment<" in page(reader, "/user/ann")


def test_moderation_leaves_the_count_of_the_kept_cards_right(author, browser):
    comment = CommentFactory(post=PostFactory(author=author), body="Rude comment")
    reader = browser(UserFactory())
    moderator = browser(UserFactory(moderator=True))
    assert ">1 Comment<" in page(reader)
    assert moderator.post(f"/moderate/disable/{comment.id}").status_code == 302
    assert ">1 Comment<" in page(reader)
    assert "Rude comment" not in page(reader, f"/post/{comment.post_id}")


def test_the_authors_new_username_and_avatar_show_on_the_kept_cards(author, browser):
    PostFactory(author=author)
    reader = browser(UserFactory())
    before = cards(page(reader))[0]
    assert 'href="/user/ann"' in before
    administrator = browser(UserFactory(administrator=True))
    data = {"email": "annie@example.com", "username": "annie", "confirmed": "y", "role": author.role_id}
    data.update({"name": "", "location": "", "about_me": ""})
    assert administrator.post(f"/edit-profile/{author.id}", data=data).status_code == 302
    after = cards(page(reader))[0]
    assert 'href="/user/annie"' in after
    assert 'href="/user/ann"' not in after
    avatar = re.compile(r'<img class="avatar" src="([^"]+)"')
    assert avatar.search(after)[1] != avatar.search(before)[1]


def test_a_role_change_shows_on_the_kept_cards(db, author, browser):
    post = PostFactory(author=UserFactory(username="bob"))
    client = browser(author)
    assert "/edit/" not in page(client)
    administrator = browser(UserFactory(administrator=True))
    role = db.session.scalar(select(Role.id).where(Role.name == "Administrator"))
    data = {"email": author.email, "username": "ann", "confirmed": "y", "role": role}
    data.update({"name": "", "location": "", "about_me": ""})
    assert administrator.post(f"/edit-profile/{author.id}", data=data).status_code == 302
    assert f'href="/edit/{post.id}">Edit [Admin]</a>' in page(client)


def test_each_language_gets_its_own_kept_cards(author, browser):
    PostFactory(author=author)
    english, spanish = browser(UserFactory(locale="en")), browser(UserFactory(locale="es"))
    assert ">Permalink<" in page(english)
    text = page(spanish)
    assert ">Enlace permanente<" in text
    assert ">0 comentarios<" in text
    assert ">Permalink<" not in text
    assert ">0 Comments<" in page(english)


class TestOnRedis:
    @pytest.fixture
    def app_config(self, app_config):
        with on_test_redis(app_config) as settings:
            yield settings

    def test_cards_are_kept_in_redis_and_a_write_ends_them(self, app, author, browser):
        post = PostFactory(author=author, body="Old words")
        reader = browser(UserFactory())
        first = page(reader)
        assert len(Redis.from_url(TEST_REDIS_URL).keys("flasky-page:card:*")) == 2
        assert cards(page(reader)) == cards(first)
        edit = app.test_client().put(f"/api/v1/posts/{post.id}", json={"body": "New words"}, headers=token_auth(author))
        assert edit.status_code == 200
        assert "New words" in cards(page(reader))[0]


class TestWithRedisDown:
    @pytest.fixture
    def app_config(self, app_config):
        with on_unreachable_redis(app_config) as settings:
            yield settings

    def test_cards_are_rendered_each_time(self, author, browser):
        PostFactory(author=author, body="Some words")
        reader = browser(UserFactory())
        for _ in range(2):
            assert "Some words" in cards(page(reader))[0]
