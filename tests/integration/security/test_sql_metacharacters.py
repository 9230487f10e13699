"""SQL metacharacters in every text field and query parameter: stored verbatim, never a 500, never an extra row."""

from urllib.parse import quote

from sqlalchemy import func, select

from app.models import Comment, Post, User
from tests.factories import PostFactory, UserFactory
from tests.integration.api.conftest import token_auth
from tests.login import log_in_as

SQL_PAYLOADS = [
    "'",
    '"',
    ";",
    "--",
    "/*",
    "*/",
    "%",
    "_",
    "\\",
    "' OR 1=1 --",
    "' OR '1'='1",
    '" OR "1"="1',
    "admin'--",
    "1; DROP TABLE users; --",
    "'; DELETE FROM posts; --",
    "' UNION SELECT password_hash FROM users --",
    "%' OR username LIKE '%",
    "_%_%",
    "\\'; SELECT pg_sleep(5); --",
    "1) OR (1=1",
    "/**/OR/**/1=1",
    "$$; SELECT 1; $$",
]


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_post_comment_and_profile_fields_store_metacharacters_verbatim(client, db):
    writer = UserFactory()
    log_in_as(client, writer)
    target = PostFactory()

    for payload in SQL_PAYLOADS:
        statuses = {
            client.post("/", data={"body": payload, "submit": "Submit"}).status_code,
            client.post(f"/post/{target.id}", data={"body": payload}).status_code,
            client.post("/edit-profile", data={"name": payload, "location": payload, "about_me": payload}).status_code,
        }
        assert statuses == {302}, payload
        db.session.expire_all()
        newest_post = db.session.scalar(select(Post).order_by(Post.id.desc()).limit(1))
        newest_comment = db.session.scalar(select(Comment).order_by(Comment.id.desc()).limit(1))
        profile = db.session.get(User, writer.id)
        assert newest_post.body == newest_comment.body == payload
        assert profile.name == profile.location == profile.about_me == payload

    assert count(db, Post) == len(SQL_PAYLOADS) + 1
    assert count(db, Comment) == len(SQL_PAYLOADS)
    assert count(db, User) == 2


def test_api_bodies_store_metacharacters_verbatim(client, db):
    user = UserFactory()
    target = PostFactory()
    for payload in SQL_PAYLOADS:
        post = client.post("/api/v1/posts/", json={"body": payload}, headers=token_auth(user))
        comment = client.post(f"/api/v1/posts/{target.id}/comments/", json={"body": payload}, headers=token_auth(user))
        assert (post.status_code, comment.status_code) == (201, 201), payload
        assert post.json["body"] == comment.json["body"] == payload
    assert count(db, Post) == len(SQL_PAYLOADS) + 1
    assert count(db, Comment) == len(SQL_PAYLOADS)


def test_lookups_by_form_field_find_nobody_and_create_nothing(client, db, smtp_server):
    UserFactory(email="john@example.com", username="john")
    for payload in SQL_PAYLOADS:
        login = client.post("/auth/login", data={"email": payload, "password": payload})
        reset = client.post("/auth/reset", data={"email": payload})
        register = client.post(
            "/auth/register", data={"email": payload, "username": payload, "password": "x", "password2": "x"}
        )

        assert (login.status_code, reset.status_code, register.status_code) == (200, 200, 200), payload
        assert "Log Out" not in login.text
    assert count(db, User) == 1
    assert smtp_server.messages == []


def test_query_parameters_and_path_segments_never_fail(client, db):
    user = UserFactory(username="john")
    PostFactory(author=user)
    log_in_as(client, user)
    for payload in SQL_PAYLOADS:
        query = {"page": payload, "per_page": payload, "next": payload}
        segment = quote(payload, safe="")
        pages = {
            "home": client.get("/", query_string=query),
            "profile": client.get(f"/user/{segment}"),
            "followers": client.get(f"/followers/{segment}"),
            "follow": client.post(f"/follow/{segment}"),
            "moderation": client.get("/moderate", query_string=query),
            "api posts": client.get("/api/v1/posts/", query_string=query, headers=token_auth(user)),
        }

        assert {name: response.status_code < 500 for name, response in pages.items()} == dict.fromkeys(pages, True)
        assert pages["home"].status_code == 200
        # Nobody has that name; a payload with a slash in it is a different route, merged or not found.
        assert {pages[name].status_code for name in ("profile", "followers", "follow")} <= {404, 308}, payload
        assert pages["api posts"].status_code == 422
    assert count(db, Post) == 1
    assert client.get("/api/v1/posts/?count=exact", headers=token_auth(user)).json["count"] == 1
