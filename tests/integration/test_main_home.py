"""The home page: the post form with its preview, the list of posts and the All/Followed tabs."""

from datetime import timedelta

from app.models import Post
from app.timestamps import utcnow
from tests.factories import CommentFactory, FollowFactory, PostFactory, UserFactory
from tests.login import log_in_as


def test_anonymous_visitor_sees_posts_without_a_post_form(client, db):
    PostFactory(body="Hello *world*")
    response = client.get("/")
    assert response.status_code == 200
    assert "Hello, Stranger!" in response.text
    assert "<em>world</em>" in response.text
    assert 'name="body"' not in response.text
    assert "Followed" not in response.text


def test_home_shows_author_avatar_time_comment_count_and_permalink(client, db):
    post = PostFactory()
    CommentFactory.create_batch(2, post=post)
    response = client.get("/")
    assert f'href="/user/{post.author.username}"' in response.text
    assert post.author.avatar_hash in response.text
    assert 'data-function="fromNow"' in response.text
    assert f'href="/post/{post.id}"' in response.text
    assert "2 Comments" in response.text


def test_home_with_no_posts_says_so(client, db):
    assert "No posts yet." in client.get("/").text


def test_writer_sees_the_post_form(client, db):
    log_in_as(client, UserFactory())
    response = client.get("/")
    assert 'name="body"' in response.text
    assert 'value="Preview"' in response.text


def test_publishing_a_post_redirects_home_and_shows_it(client, db):
    user = UserFactory()
    log_in_as(client, user)
    response = client.post("/", data={"body": "My **first** post", "submit": "Submit"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/").text
    assert "Your post has been published." in page
    assert "My <strong>first</strong> post" in page
    assert db.session.scalar(db.select(Post.author_id)) == user.id


def test_preview_renders_markdown_without_publishing(client, db):
    log_in_as(client, UserFactory())
    response = client.post("/", data={"body": "Some _draft_ <script>x()</script>", "preview": "Preview"})
    assert response.status_code == 200
    assert "Preview" in response.text
    assert "Some <em>draft</em>" in response.text
    assert "<script>x()</script>" not in response.text
    assert "My _draft_" not in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 0


def test_empty_post_shows_the_field_error(client, db):
    log_in_as(client, UserFactory())
    response = client.post("/", data={"body": "", "submit": "Submit"})
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 0


def test_posting_without_write_permission_is_forbidden(client, db):
    assert client.post("/", data={"body": "spam"}).status_code == 403
    assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 0


def test_posts_are_paginated_newest_first(app, client, db):
    app.config["FLASKY_POSTS_PER_PAGE"] = 2
    now = utcnow()
    for age, body in enumerate(["newest", "middle", "oldest"]):
        PostFactory(body=body, timestamp=now - timedelta(minutes=age))
    first = client.get("/").text
    assert first.index("newest") < first.index("middle")
    assert "oldest" not in first
    assert 'href="/?page=2"' in first
    second = client.get("/?page=2").text
    assert "oldest" in second
    assert "newest" not in second


def test_followed_tab_shows_only_followed_authors(client, db):
    reader = UserFactory()
    followed = UserFactory()
    FollowFactory(follower=reader, followed=followed)
    PostFactory(author=followed, body="from a friend")
    PostFactory(body="from a stranger")
    PostFactory(author=reader, body="my own words")
    log_in_as(client, reader)

    response = client.post("/followed")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "show_followed=1" in response.headers["Set-Cookie"]
    page = client.get("/").text
    assert "from a friend" in page
    assert "my own words" in page
    assert "from a stranger" not in page

    response = client.post("/all")
    assert response.status_code == 302
    assert "show_followed=;" in response.headers["Set-Cookie"]
    assert "from a stranger" in client.get("/").text


def test_followed_cookie_is_ignored_for_anonymous_visitors(client, db):
    PostFactory(body="public words")
    client.set_cookie("show_followed", "1")
    assert "public words" in client.get("/").text


def test_tabs_are_forms_not_links(client, db):
    log_in_as(client, UserFactory())
    page = client.get("/").text
    assert 'action="/all"' in page
    assert 'action="/followed"' in page
    assert client.get("/followed").status_code == 405
    assert client.get("/all").status_code == 405


def test_tabs_need_a_login(client, db):
    response = client.post("/followed")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_navbar_links_profile_and_moderation_by_role(client, db):
    user = UserFactory()
    log_in_as(client, user)
    page = client.get("/").text
    assert f'href="/user/{user.username}">Profile' in page
    assert "Moderate Comments" not in page
    log_in_as(client, UserFactory(moderator=True))
    assert 'href="/moderate">Moderate Comments' in client.get("/").text


def test_reading_as_an_anonymous_visitor_starts_no_session(client, db):
    post = PostFactory()
    for path in ("/", f"/post/{post.id}"):
        response = client.get(path)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers, path
