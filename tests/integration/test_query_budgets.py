"""Pages load what they show in a fixed number of SQL statements, however many items they list."""

import pytest

from app.services import comments, follows, messages
from tests.factories import CommentFactory, FollowFactory, PostFactory, UserFactory
from tests.integration.api.conftest import basic_auth
from tests.login import log_in_as

FULL_PAGE = 20


@pytest.fixture
def small_pages(app):
    """Pages of 20 items whatever the environment says, so a 'full page' means the same everywhere."""
    for setting in ("FLASKY_POSTS_PER_PAGE", "FLASKY_COMMENTS_PER_PAGE", "FLASKY_FOLLOWERS_PER_PAGE"):
        app.config[setting] = FULL_PAGE


def posts_with_comments(count: int, author=None) -> list:
    """``count`` posts, each by its own author (unless given), with two tags and two comments by other users."""
    posts = [PostFactory(author=author) if author else PostFactory() for _ in range(count)]
    for post in posts:
        post.tag_names = ["flask", f"topic{post.id}"]
        CommentFactory.create_batch(2, post=post)
    return posts


@pytest.fixture
def get_counting(client, count_queries):
    """``get_counting(url)``: get the page, check it is 200, and return the log of the statements it sent."""

    def get(url: str):
        with count_queries() as log:
            response = client.get(url)
        assert response.status_code == 200
        return log

    return get


@pytest.mark.parametrize("count", [2, FULL_PAGE])
def test_home_page_for_a_visitor(client, db, small_pages, count, get_counting):
    posts_with_comments(count)
    log = get_counting("/")
    # posts total, the page of posts with authors and tags, the comment counts
    assert log.count == 3, log


@pytest.mark.parametrize("count", [2, FULL_PAGE])
def test_home_page_followed_tab_for_a_user(client, db, small_pages, count, get_counting):
    reader = UserFactory()
    for post in posts_with_comments(count):
        FollowFactory(follower=reader, followed=post.author)
    log_in_as(client, reader)
    client.set_cookie("show_followed", "1")
    log = get_counting("/")
    # one of them the navbar bell's unread count, on every page a signed-in user sees
    assert log.count == 6, log


@pytest.mark.parametrize("count", [2, FULL_PAGE])
def test_profile_page(client, db, small_pages, count, get_counting):
    author = UserFactory()
    posts_with_comments(count, author=author)
    FollowFactory(followed=author)
    log = get_counting(f"/user/{author.username}")
    assert log.count == 6, log


@pytest.mark.parametrize("count", [2, FULL_PAGE])
def test_profile_page_for_a_logged_in_visitor(client, db, small_pages, count, get_counting):
    author = UserFactory()
    posts_with_comments(count, author=author)
    log_in_as(client, UserFactory())
    log = get_counting(f"/user/{author.username}")
    # two of them the bell's unread count and whether the visitor blocked the user (Block or Unblock)
    assert log.count == 12, log


@pytest.mark.parametrize("count", [2, FULL_PAGE])
def test_post_page(client, db, small_pages, count, get_counting):
    post = PostFactory()
    post.tag_names = ["flask", "python"]
    CommentFactory.create_batch(count, post=post)
    log_in_as(client, UserFactory())
    log = get_counting(f"/post/{post.id}")
    assert log.count == 6, log


@pytest.mark.parametrize("count", [2, FULL_PAGE])
def test_followers_page(client, db, small_pages, count, get_counting):
    user = UserFactory()
    for _ in range(count):
        FollowFactory(followed=user)
    log = get_counting(f"/followers/{user.username}")
    assert log.count == 3, log


@pytest.mark.parametrize("count", [2, FULL_PAGE])
def test_followed_by_page(client, db, small_pages, count, get_counting):
    user = UserFactory()
    for _ in range(count):
        FollowFactory(follower=user)
    log = get_counting(f"/followed-by/{user.username}")
    assert log.count == 3, log


@pytest.mark.parametrize("count", [2, FULL_PAGE])
def test_moderation_page(client, db, small_pages, count, get_counting):
    CommentFactory.create_batch(count)
    log_in_as(client, UserFactory(moderator=True))
    log = get_counting("/moderate")
    assert log.count == 5, log


@pytest.fixture
def small_social_pages(app):
    for setting in ("FLASKY_MESSAGES_PER_PAGE", "FLASKY_NOTIFICATIONS_PER_PAGE"):
        app.config[setting] = FULL_PAGE


def send(sender, recipient, body: str = "Hello") -> None:
    messages.send_message(sender, recipient, body)


@pytest.mark.parametrize("count", [2, FULL_PAGE])
def test_conversations_page(client, db, small_social_pages, count, get_counting):
    reader = UserFactory()
    for _ in range(count):
        correspondent = UserFactory()
        send(correspondent, reader)
        send(reader, correspondent)
    log_in_as(client, reader)
    log = get_counting("/messages")
    # the session with its user, the role, the page of conversations with correspondents and newest messages, their
    # number, the bell
    assert log.count == 5, log


@pytest.mark.parametrize("count", [2, FULL_PAGE])
def test_conversation_page(client, db, small_social_pages, count, get_counting):
    reader, correspondent = UserFactory(), UserFactory()
    for _ in range(count):
        send(correspondent, reader)
        send(reader, correspondent)
    log_in_as(client, reader)
    log = get_counting(f"/messages/{correspondent.username}")
    # the session, the role, the correspondent; marking read: the messages, the unread count, their notifications;
    # the page of messages, their number, whether the reader blocked the correspondent, the bell
    assert log.count == 10, log


@pytest.mark.parametrize("count", [2, FULL_PAGE])
def test_notifications_page(client, db, small_social_pages, count, get_counting):
    reader = UserFactory()
    post = PostFactory(author=reader)
    for _ in range(count):
        follows.follow(UserFactory(), reader)
        comments.add_comment(UserFactory(), post, "Nice")
        send(UserFactory(), reader)
    log_in_as(client, reader)
    log = get_counting("/notifications")
    # the session, the role, the page of notifications with actors, comments, posts and messages, their number,
    # marking them read, the bell
    assert log.count == 6, log


def test_the_notification_count_is_one_statement(client, db, get_counting):
    reader = UserFactory()
    for _ in range(3):
        follows.follow(UserFactory(), reader)
    log_in_as(client, reader)
    log = get_counting("/notifications/count")
    # the session's row, its user's confirmation and the bounded count, in one statement; no activity recorded
    assert log.count == 1, log


def test_signing_in_on_the_login_form(client, db, auth, count_queries):
    email = UserFactory().email
    with count_queries() as log:
        response = auth.login(email=email)
    assert response.status_code == 302
    # the user with its role and two-step settings, the new session's row
    assert log.count == 2, log


def test_getting_an_api_token(client, db, count_queries):
    email = UserFactory().email
    with count_queries() as log:
        response = client.post("/api/v1/tokens/", headers=basic_auth(email, "cat"))
    assert response.status_code == 200
    # the user with its role and two-step settings, the new token's row
    assert log.count == 2, log
