"""to_json gives the book's keys and values; from_json turns any JSON into a resource or a ValidationError."""

from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.exceptions import ValidationError
from app.models import Comment, Post
from tests.factories import CommentFactory, PostFactory, UserFactory

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)
# Half the objects carry a "body", so valid bodies are drawn as often as everything else.
json_documents = json_values | st.fixed_dictionaries({"body": json_values}, optional={"extra": json_values})


@pytest.fixture(autouse=True)
def request_context(app):
    """``url_for`` builds the API's paths only inside a request."""
    with app.test_request_context():
        yield


def test_post_to_json(db):
    post = PostFactory(body="*hi*", timestamp=datetime(2024, 5, 6, 7, 8, 9, 123456))
    CommentFactory(post=post)

    assert post.to_json() == {
        "url": f"/api/v1/posts/{post.id}",
        "title": "*hi*",
        "body": "*hi*",
        "body_html": "<p><em>hi</em></p>",
        "timestamp": "2024-05-06T07:08:09.123Z",
        "author_url": f"/api/v1/users/{post.author_id}",
        "comments_url": f"/api/v1/posts/{post.id}/comments/",
        "comment_count": 1,
    }


def test_post_to_json_uses_a_preloaded_comment_count(db):
    assert PostFactory().to_json(comment_count=7)["comment_count"] == 7


def test_user_to_json(db):
    user = UserFactory(username="ada", member_since=datetime(2020, 1, 2), last_seen=datetime(2024, 3, 4, 5, 6, 7))
    PostFactory(author=user)

    assert user.to_json() == {
        "url": f"/api/v1/users/{user.id}",
        "username": "ada",
        "member_since": "2020-01-02T00:00:00.000Z",
        "last_seen": "2024-03-04T05:06:07.000Z",
        "posts_url": f"/api/v1/users/{user.id}/posts/",
        "followed_posts_url": f"/api/v1/users/{user.id}/timeline/",
        "avatar_url": f"/avatar/{user.avatar_hash}?s=100",
        "post_count": 1,
    }
    assert user.to_json(post_count=5)["post_count"] == 5


def test_comment_to_json(db):
    comment = CommentFactory(body="ok", timestamp=datetime(2024, 1, 1, 12, 0))

    assert comment.to_json() == {
        "url": f"/api/v1/comments/{comment.id}",
        "post_url": f"/api/v1/posts/{comment.post_id}",
        "body": "ok",
        "disabled": False,
        "body_html": "<p>ok</p>",
        "timestamp": "2024-01-01T12:00:00.000Z",
        "author_url": f"/api/v1/users/{comment.author_id}",
    }


@pytest.mark.parametrize("model", [Post, Comment])
@given(document=json_documents)
# from_json touches neither the database nor the app's state, so one app serves every example.
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_from_json_gives_a_resource_or_a_validation_error(app, model, document):
    try:
        resource = model.from_json(document)
    except ValidationError:
        return
    assert isinstance(resource, model)
    assert resource.body == document["body"]
    assert resource.body.strip()


@pytest.mark.parametrize("body", ["a\x00b", "\ud800"])
def test_from_json_refuses_text_no_database_can_store(app, body):
    with pytest.raises(ValidationError, match="NUL characters or unpaired surrogates"):
        Post.from_json({"body": body})
