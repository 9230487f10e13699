"""Comments on articles."""

from datetime import timedelta

from app.models import Comment, Role
from app.timestamps import utcnow
from tests.factories import CommentFactory, FollowFactory, PostFactory, UserFactory

from .shapes import default_image, errors


def test_create_returns_the_comment_with_201(api, user):
    post = PostFactory()

    response = api.post(f"/api/articles/{post.slug}/comments", user=user, json={"comment": {"body": "Thank you!"}})

    assert response.status_code == 201
    comment = response.get_json()["comment"]
    assert comment["body"] == "Thank you!"
    assert isinstance(comment["id"], int)
    assert comment["createdAt"] == comment["updatedAt"]
    assert comment["author"] == {
        "username": "jake",
        "bio": "I work at statefarm",
        "image": default_image("jake@example.com"),
        "following": False,
    }


def test_create_refuses_a_blank_body(api, user):
    post = PostFactory()

    response = api.post(f"/api/articles/{post.slug}/comments", user=user, json={"comment": {"body": "  "}})

    assert response.status_code == 422
    assert errors(response) == {"body": ["can't be blank"]}


def test_create_needs_the_comment_permission(api, db):
    post = PostFactory()
    silent = UserFactory(role=Role(name="Silent", permissions=0))

    response = api.post(f"/api/articles/{post.slug}/comments", user=silent, json={"comment": {"body": "Hi"}})

    assert response.status_code == 403
    assert errors(response) == {"comment": ["forbidden"]}


def test_create_on_an_unknown_article_is_not_found(api, user):
    response = api.post("/api/articles/nothing/comments", user=user, json={"comment": {"body": "Hi"}})

    assert response.status_code == 404
    assert errors(response) == {"article": ["not found"]}


def test_list_shows_visible_comments_newest_first(api, user):
    post = PostFactory()
    now = utcnow()
    older = CommentFactory(post=post, author=user, timestamp=now - timedelta(minutes=2))
    newer = CommentFactory(post=post, timestamp=now - timedelta(minutes=1))
    CommentFactory(post=post, disabled=True)
    CommentFactory()
    reader = UserFactory()
    FollowFactory(follower=reader, followed=user)

    response = api.get(f"/api/articles/{post.slug}/comments", user=reader)

    assert response.status_code == 200
    comments = response.get_json()["comments"]
    assert [comment["id"] for comment in comments] == [newer.id, older.id]
    assert [comment["author"]["following"] for comment in comments] == [False, True]


def test_list_takes_a_fixed_number_of_queries(api, db, count_queries):
    post = PostFactory()
    for _ in range(5):
        CommentFactory(post=post)
    slug = post.slug

    with count_queries() as log:
        response = api.get(f"/api/articles/{slug}/comments")

    assert len(response.get_json()["comments"]) == 5
    assert log.count == 2, log


def test_list_of_an_unknown_article_is_not_found(api, db):
    assert api.get("/api/articles/nothing/comments").status_code == 404


def test_authors_delete_their_comments(api, user, db):
    comment = CommentFactory(author=user)

    response = api.delete(f"/api/articles/{comment.post.slug}/comments/{comment.id}", user=user)

    assert response.status_code == 204
    assert response.data == b""
    assert db.session.get(Comment, comment.id) is None


def test_moderators_delete_anyones_comment(api, db):
    comment = CommentFactory()

    response = api.delete(f"/api/articles/{comment.post.slug}/comments/{comment.id}", user=UserFactory(moderator=True))

    assert response.status_code == 204


def test_deleting_someone_elses_comment_is_forbidden(api, user, db):
    comment = CommentFactory()

    response = api.delete(f"/api/articles/{comment.post.slug}/comments/{comment.id}", user=user)

    assert response.status_code == 403
    assert errors(response) == {"comment": ["forbidden"]}
    assert db.session.get(Comment, comment.id) is not None


def test_a_comment_is_deleted_only_through_its_own_article(api, user):
    comment = CommentFactory(author=user)
    other = PostFactory()

    response = api.delete(f"/api/articles/{other.slug}/comments/{comment.id}", user=user)

    assert response.status_code == 404
    assert errors(response) == {"comment": ["not found"]}


def test_deleting_an_unknown_comment_is_not_found(api, user):
    post = PostFactory()

    response = api.delete(f"/api/articles/{post.slug}/comments/999", user=user)

    assert response.status_code == 404
    assert errors(response) == {"comment": ["not found"]}


def test_a_comment_id_no_table_could_hold_is_not_found(api, user):
    post = PostFactory()

    response = api.delete(f"/api/articles/{post.slug}/comments/{10**30}", user=user)

    assert response.status_code == 404
    assert list(errors(response).values()) == [["not found"]]
