"""Pages load what they show in a fixed number of SQL statements, however many items they list."""

from datetime import timedelta

import pytest

from app.extensions import db
from app.models import Comment, Follow, Post
from app.services import comments, follows, messages
from app.timestamps import utcnow
from tests.factories import CommentFactory, FollowFactory, PostFactory, UserFactory
from tests.integration.api.conftest import basic_auth, token_auth
from tests.integration.links import link_labelled
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

    def get(url: str, headers: dict[str, str] | None = None):
        with count_queries() as log:
            response = client.get(url, headers=headers)
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
    # the session with its user and role, the bounded count, the page, its comment counts, and the navbar bell's
    # unread count, on every page a signed-in user sees
    assert log.count == 5, log


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
    assert log.count == 11, log


@pytest.mark.parametrize("count", [2, FULL_PAGE])
def test_post_page(client, db, small_pages, count, get_counting):
    post = PostFactory()
    post.tag_names = ["flask", "python"]
    CommentFactory.create_batch(count, post=post)
    log_in_as(client, UserFactory())
    log = get_counting(f"/post/{post.id}")
    assert log.count == 5, log


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


@pytest.fixture
def much_followed(db):
    """A user followed by four and a half pages of users and following as many, a minute apart."""
    user = UserFactory()
    others = UserFactory.create_batch(90)
    spread_over_time([Follow(follower=other, followed=user) for other in others])
    spread_over_time([Follow(follower=user, followed=other) for other in others])
    return user


# Past the end the page is empty but still counts its list, for the links back.
@pytest.mark.parametrize("kind", ["followers", "followed-by"])
@pytest.mark.parametrize("page", ["1", "4", "40"])
def test_follow_lists_with_many_pages(client, small_pages, much_followed, kind, page, get_counting):
    log = get_counting(f"/{kind}/{much_followed.username}?page={page}")
    assert log.count == 3, log


@pytest.mark.parametrize("kind", ["followers", "followed-by"])
def test_follow_lists_with_many_pages_by_their_links(client, small_pages, much_followed, kind, get_counting):
    page = client.get(f"/{kind}/{much_followed.username}?page=3").text
    following = get_counting(link_labelled(page, "Next"))
    back = get_counting(link_labelled(client.get(link_labelled(page, "Next")).text, "Previous"))
    assert following.count == back.count == 3, (following, back)


@pytest.mark.parametrize("count", [2, FULL_PAGE])
def test_moderation_page(client, db, small_pages, count, get_counting):
    CommentFactory.create_batch(count)
    log_in_as(client, UserFactory(moderator=True))
    log = get_counting("/moderate")
    assert log.count == 4, log


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
    # the session with its user and role, the page of conversations with correspondents and newest messages, their
    # number, the bell
    assert log.count == 4, log


@pytest.mark.parametrize("count", [2, FULL_PAGE])
def test_conversation_page(client, db, small_social_pages, count, get_counting):
    reader, correspondent = UserFactory(), UserFactory()
    for _ in range(count):
        send(correspondent, reader)
        send(reader, correspondent)
    log_in_as(client, reader)
    log = get_counting(f"/messages/{correspondent.username}")
    # the session with its user and role, the correspondent; marking read: the messages, the unread count, their
    # notifications; the page of messages, their number, whether the reader blocked the correspondent, the bell
    assert log.count == 9, log


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
    # the session with its user and role, the page of notifications with actors, comments, posts and messages, their
    # number, marking them read, the bell
    assert log.count == 5, log


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


# Realistic sizes: many pages, deep pages, pages reached by their cursor links, and disabled comments on every page
# (a reader's role is read to decide whether to show their text). Budgets hold at every size and depth.
MANY_COMMENTS = 250
MANY_POSTS = 300


def spread_over_time(rows: list) -> list:
    """``rows`` written a minute apart, the first the oldest, saved at once."""
    start = utcnow() - timedelta(minutes=len(rows))
    for minutes, row in enumerate(rows):
        row.timestamp = start + timedelta(minutes=minutes)
    db.session.add_all(rows)
    db.session.commit()
    return rows


@pytest.fixture
def much_discussed_post(db):
    """A post with ``MANY_COMMENTS`` comments by a few users, one in seven of them disabled."""
    post, authors = PostFactory(), UserFactory.create_batch(5)
    comments = [
        Comment(body=f"Comment {n}", author=authors[n % 5], post=post, disabled=n % 7 == 0)
        for n in range(MANY_COMMENTS)
    ]
    spread_over_time(comments)
    return post


def many_posts(authors: list, count: int = MANY_POSTS) -> list:
    return spread_over_time([Post(body=f"Post {n}", author=authors[n % len(authors)]) for n in range(count)])


@pytest.mark.parametrize("page", ["3", "13", "99"])
def test_post_page_with_many_comments(client, small_pages, much_discussed_post, page, get_counting):
    log_in_as(client, UserFactory())
    log = get_counting(f"/post/{much_discussed_post.id}?page={page}")
    assert log.count == 5, log


def test_post_page_with_many_comments_at_its_last_page(client, small_pages, much_discussed_post, get_counting):
    log_in_as(client, UserFactory())
    log = get_counting(f"/post/{much_discussed_post.id}?page=-1")
    # one more: the number of the last page
    assert log.count == 6, log


def test_post_page_with_many_comments_reached_by_its_next_link(client, small_pages, much_discussed_post, get_counting):
    log_in_as(client, UserFactory())
    page = client.get(f"/post/{much_discussed_post.id}?page=11").text
    log = get_counting(link_labelled(page, "Next"))
    assert log.count == 5, log


@pytest.mark.parametrize("query", ["", "?page=3", "?page=9", "?page=99", "?per_page=100&page=3"])
def test_api_comments_of_a_post_with_many_comments(client, much_discussed_post, query, get_counting):
    log = get_counting(f"/api/v1/posts/{much_discussed_post.id}/comments/{query}", token_auth(UserFactory()))
    # the token with its user and role, the post, the page
    assert log.count == 3, log


def test_api_comments_of_a_post_with_many_comments_by_next_links(client, much_discussed_post, count_queries):
    url, counts, headers = (
        f"/api/v1/posts/{much_discussed_post.id}/comments/?per_page=20",
        [],
        token_auth(UserFactory()),
    )
    while url:
        with count_queries() as log:
            page = client.get(url, headers=headers).json
        counts.append(log.count)
        url = page["next"]
    assert counts == [3] * 13


def test_api_comments_of_a_post_with_many_comments_and_their_count(client, much_discussed_post, get_counting):
    url = f"/api/v1/posts/{much_discussed_post.id}/comments/?page=5&count=exact"
    log = get_counting(url, token_auth(UserFactory()))
    assert log.count == 4, log


@pytest.fixture
def long_followed_feed(db):
    """A reader following ten authors who wrote ``MANY_POSTS`` posts, and as many by strangers."""
    reader, authors = UserFactory(), UserFactory.create_batch(10)
    for author in authors:
        FollowFactory(follower=reader, followed=author)
    many_posts(authors + UserFactory.create_batch(10), 2 * MANY_POSTS)
    return reader


# A page past the end shows no posts, so it counts no comments on them.
@pytest.mark.parametrize(("page", "statements"), [("1", 5), ("8", 5), ("15", 5), ("40", 4)])
def test_followed_feed_with_many_pages(client, small_pages, long_followed_feed, page, statements, get_counting):
    log_in_as(client, long_followed_feed)
    client.set_cookie("show_followed", "1")
    log = get_counting(f"/?page={page}")
    assert log.count == statements, log


def test_followed_feed_with_many_pages_by_its_links(client, small_pages, long_followed_feed, get_counting):
    log_in_as(client, long_followed_feed)
    client.set_cookie("show_followed", "1")
    page = client.get("/?page=12").text
    following = get_counting(link_labelled(page, "Next"))
    back = get_counting(link_labelled(client.get(link_labelled(page, "Next")).text, "Previous"))
    assert following.count == back.count == 5, (following, back)


@pytest.mark.parametrize(("page", "statements"), [("1", 3), ("12", 3), ("30", 2)])
def test_home_page_with_many_pages_for_a_visitor(client, small_pages, page, statements, get_counting):
    many_posts(UserFactory.create_batch(5))
    log = get_counting(f"/?page={page}")
    assert log.count == statements, log


def test_home_page_with_many_pages_by_its_next_link(client, small_pages, get_counting):
    many_posts(UserFactory.create_batch(5))
    log = get_counting(link_labelled(client.get("/?page=12").text, "Next"))
    assert log.count == 3, log


@pytest.mark.parametrize("page", ["1", "12"])
def test_profile_with_many_pages(client, small_pages, page, get_counting):
    author = UserFactory()
    many_posts([author])
    log = get_counting(f"/user/{author.username}?page={page}")
    assert log.count == 6, log


@pytest.mark.parametrize("path", ["/api/v1/posts/", "/api/v1/users/{reader}/timeline/"])
@pytest.mark.parametrize(("query", "statements"), [("", 3), ("?page=12", 3), ("?page=99", 2)])
def test_api_post_lists_with_many_pages(client, long_followed_feed, path, query, statements, get_counting):
    log = get_counting(path.format(reader=long_followed_feed.id) + query, token_auth(long_followed_feed))
    # the token with its user and role, the page, its comment counts
    assert log.count == statements, log
