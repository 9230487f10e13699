"""Posts through the API: list, read, write, edit, delete."""

from app.models import Post
from tests.factories import CommentFactory, PostFactory, UserFactory

from .conftest import token_auth


def test_new_post_is_created_with_a_location(client, user, headers, db):
    response = client.post("/api/v1/posts/", json={"body": "Hello *API*"}, headers=headers)

    assert response.status_code == 201
    post = db.session.get(Post, int(response.json["url"].rsplit("/", 1)[1]))
    assert response.headers["Location"] == f"http://localhost/api/v1/posts/{post.id}"
    assert post.author == user
    assert response.json["body_html"] == "<p>Hello <em>API</em></p>"
    assert response.json["comment_count"] == 0


def test_writing_needs_the_write_permission(client, db):
    user = UserFactory()
    user.role.permissions = 0
    db.session.commit()

    response = client.post("/api/v1/posts/", json={"body": "x"}, headers=token_auth(user))

    assert response.status_code == 403
    assert "WRITE" in response.json["message"]


def test_post_is_read_with_its_comment_count(client, headers):
    post = PostFactory(body="one")
    CommentFactory.create_batch(2, post=post)

    response = client.get(f"/api/v1/posts/{post.id}", headers=headers)

    assert response.status_code == 200
    assert response.json["body"] == "one"
    assert response.json["comment_count"] == 2
    assert response.json["author_url"] == f"/api/v1/users/{post.author_id}"


def test_missing_post_is_404(client, headers):
    response = client.get("/api/v1/posts/999", headers=headers)

    assert response.status_code == 404
    assert response.json == {"error": "not found", "message": "There is no post 999."}


def test_id_beyond_any_integer_column_is_404(client, headers):
    assert client.get(f"/api/v1/posts/{2**64}", headers=headers).status_code == 404


def test_posts_are_listed_newest_first(client, headers):
    older, newer = PostFactory(), PostFactory()

    response = client.get("/api/v1/posts/", headers=headers)

    assert [post["url"] for post in response.json["posts"]] == [
        f"/api/v1/posts/{newer.id}",
        f"/api/v1/posts/{older.id}",
    ]
    assert response.json["count"] is None
    assert response.json["prev"] is None
    assert response.json["next"] is None


def test_author_edits_a_post(client, user, headers, db):
    post = PostFactory(author=user, body="before")

    response = client.put(f"/api/v1/posts/{post.id}", json={"body": "after"}, headers=headers)

    assert response.status_code == 200
    assert response.json["body"] == "after"
    db.session.refresh(post)
    assert post.body_html == "<p>after</p>"


def test_administrator_edits_anyones_post(client, db):
    post = PostFactory(body="before")
    admin = UserFactory(administrator=True)

    response = client.put(f"/api/v1/posts/{post.id}", json={"body": "moderated"}, headers=token_auth(admin))

    assert response.status_code == 200
    assert response.json["body"] == "moderated"


def test_someone_else_cannot_edit_a_post(client, headers):
    post = PostFactory(body="mine")

    response = client.put(f"/api/v1/posts/{post.id}", json={"body": "yours"}, headers=headers)

    assert response.status_code == 403
    assert "author or an administrator" in response.json["message"]


def test_author_deletes_a_post_and_its_comments(client, user, headers, db):
    post = PostFactory(author=user)
    CommentFactory(post=post)

    response = client.delete(f"/api/v1/posts/{post.id}", headers=headers)

    assert response.status_code == 204
    assert response.data == b""
    assert client.get(f"/api/v1/posts/{post.id}", headers=headers).status_code == 404


def test_someone_else_cannot_delete_a_post(client, headers):
    post = PostFactory()

    assert client.delete(f"/api/v1/posts/{post.id}", headers=headers).status_code == 403


def test_administrator_deletes_anyones_post(client, db):
    post = PostFactory()

    response = client.delete(f"/api/v1/posts/{post.id}", headers=token_auth(UserFactory(administrator=True)))

    assert response.status_code == 204


def test_a_post_written_without_a_title_takes_its_first_line(client, headers):
    response = client.post("/api/v1/posts/", json={"body": "# First line\n\nmore"}, headers=headers)

    assert response.status_code == 201
    assert response.json["title"] == "First line"


def test_a_post_keeps_the_title_it_was_written_with(client, headers):
    created = client.post("/api/v1/posts/", json={"title": "Chosen", "body": "First line"}, headers=headers).json

    edited = client.put(created["url"], json={"body": "Other line"}, headers=headers)

    assert created["title"] == "Chosen"
    assert edited.json["title"] == "Chosen"


def test_editing_the_body_updates_a_title_taken_from_its_first_line(client, headers):
    created = client.post("/api/v1/posts/", json={"body": "First line\n\nmore"}, headers=headers).json

    edited = client.put(created["url"], json={"body": "Second title\n\nmore"}, headers=headers)

    assert created["title"] == "First line"
    assert edited.status_code == 200
    assert edited.json["title"] == "Second title"
    assert client.get(created["url"], headers=headers).json["title"] == "Second title"
    page = client.get(created["url"].replace("/api/v1/posts/", "/post/"))
    assert "<title>Flasky - Second title</title>" in page.text


def test_an_edit_may_set_the_title(client, user, headers):
    post = PostFactory(author=user, body="First line")

    response = client.put(f"/api/v1/posts/{post.id}", json={"title": "New", "body": "First line"}, headers=headers)

    assert response.json["title"] == "New"


def test_post_links_follow_the_prefix_each_request_is_served_under(client, headers, user):
    post = PostFactory(author=user)
    for prefix in ("", "/flasky", ""):
        response = client.get("/api/v1/posts/", headers=headers, base_url=f"http://localhost{prefix}")
        (listed,) = response.get_json()["posts"]
        assert listed["url"] == f"{prefix}/api/v1/posts/{post.id}"
        assert listed["author_url"] == f"{prefix}/api/v1/users/{user.id}"
        assert listed["comments_url"] == f"{prefix}/api/v1/posts/{post.id}/comments/"
