"""Comments through the API."""

from app.models import Comment
from tests.factories import CommentFactory, PostFactory, UserFactory

from .conftest import token_auth


def test_comment_on_a_post(client, user, headers, db):
    post = PostFactory()

    response = client.post(f"/api/v1/posts/{post.id}/comments/", json={"body": "Nice **one**"}, headers=headers)

    assert response.status_code == 201
    comment = db.session.scalar(db.select(Comment))
    assert response.headers["Location"] == f"http://localhost/api/v1/comments/{comment.id}"
    assert (comment.author, comment.post) == (user, post)
    assert response.json["post_url"] == f"/api/v1/posts/{post.id}"
    assert response.json["body_html"] == "<p>Nice <strong>one</strong></p>"


def test_commenting_needs_the_comment_permission(client, db):
    user = UserFactory()
    user.role.permissions = 0
    db.session.commit()

    response = client.post(f"/api/v1/posts/{PostFactory().id}/comments/", json={"body": "x"}, headers=token_auth(user))

    assert response.status_code == 403
    assert "COMMENT" in response.json["message"]


def test_commenting_on_a_missing_post_is_404(client, headers):
    assert client.post("/api/v1/posts/999/comments/", json={"body": "x"}, headers=headers).status_code == 404


def test_post_comments_are_listed_oldest_first(client, headers):
    post = PostFactory()
    first, second = CommentFactory(post=post), CommentFactory(post=post)
    CommentFactory()

    response = client.get(f"/api/v1/posts/{post.id}/comments/", headers=headers)

    assert [comment["url"] for comment in response.json["comments"]] == [
        f"/api/v1/comments/{first.id}",
        f"/api/v1/comments/{second.id}",
    ]
    assert response.json["count"] is None


def test_comments_of_a_missing_post_are_404(client, headers):
    assert client.get("/api/v1/posts/999/comments/", headers=headers).status_code == 404


def test_all_comments_are_listed_newest_first(client, headers):
    older, newer = CommentFactory(), CommentFactory()

    response = client.get("/api/v1/comments/", headers=headers)

    assert [comment["url"] for comment in response.json["comments"]] == [
        f"/api/v1/comments/{newer.id}",
        f"/api/v1/comments/{older.id}",
    ]


def test_comment_is_read(client, headers):
    comment = CommentFactory(body="hello")

    response = client.get(f"/api/v1/comments/{comment.id}", headers=headers)

    assert response.status_code == 200
    assert response.json["body"] == "hello"
    assert response.json["author_url"] == f"/api/v1/users/{comment.author_id}"


def test_missing_comment_is_404(client, headers):
    assert client.get("/api/v1/comments/999", headers=headers).status_code == 404


def test_a_disabled_comment_hides_its_text_from_readers(client, headers):
    comment = CommentFactory(body="rude words", disabled=True)

    for response in (
        client.get(f"/api/v1/comments/{comment.id}", headers=headers),
        client.get(f"/api/v1/posts/{comment.post_id}/comments/", headers=headers),
    ):
        shown = response.json if "url" in response.json else response.json["comments"][0]
        assert shown["disabled"] is True
        assert shown["body"] is None
        assert shown["body_html"] is None
        assert "rude words" not in response.text


def test_a_disabled_comment_shows_its_text_to_moderators(client, db):
    comment = CommentFactory(body="rude words", disabled=True)

    response = client.get(f"/api/v1/comments/{comment.id}", headers=token_auth(UserFactory(moderator=True)))

    assert response.json["disabled"] is True
    assert response.json["body"] == "rude words"
