"""Posts and comments: Markdown bodies rendered safely, and bodies read from JSON."""

import pytest

from app.exceptions import ValidationError
from app.models import Comment, Post
from tests.factories import CommentFactory, PostFactory


@pytest.mark.parametrize("model", [Post, Comment])
def test_body_html_is_rendered_from_markdown(model):
    item = model(body="*hello* **world**")
    assert item.body_html == "<p><em>hello</em> <strong>world</strong></p>"


@pytest.mark.parametrize("model", [Post, Comment])
def test_body_html_follows_edits(model):
    item = model(body="first")
    item.body = "second"
    assert item.body_html == "<p>second</p>"


@pytest.mark.parametrize("factory", [PostFactory, CommentFactory])
def test_body_html_is_sanitised(db, factory):
    item = factory(body='<script>alert("x")</script>[site](javascript:alert(1)) <img src=x onerror=alert(1)>')
    assert "script" not in item.body_html
    assert "alert" not in item.body_html
    assert "<img" not in item.body_html
    assert "javascript" not in item.body_html


def test_about_me_html_is_rendered_and_cleared(db):
    post = PostFactory()
    post.author.about_me = "I *write*"
    assert post.author.about_me_html == "<p>I <em>write</em></p>"
    post.author.about_me = None
    assert post.author.about_me_html == ""


@pytest.mark.parametrize("model", [Post, Comment])
def test_from_json_takes_the_body(model):
    item = model.from_json({"body": "from *JSON*", "id": 42})
    assert item.body == "from *JSON*"
    assert item.body_html == "<p>from <em>JSON</em></p>"
    assert item.id is None


@pytest.mark.parametrize(
    ("model", "kind"),
    [(Post, "post"), (Comment, "comment")],
)
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "A {kind} needs a 'body'."),
        ({"body": None}, "A {kind} needs a 'body'."),
        ({"body": ""}, "The {kind}'s 'body' must not be empty."),
        ({"body": "  \n\t"}, "The {kind}'s 'body' must not be empty."),
        ({"body": 42}, "The {kind}'s 'body' must be a string."),
        ({"body": ["text"]}, "The {kind}'s 'body' must be a string."),
        ({"body": "a\x00b"}, "The {kind}'s 'body' must be text without NUL characters or unpaired surrogates."),
        ({"body": "a\ud800b"}, "The {kind}'s 'body' must be text without NUL characters or unpaired surrogates."),
        (["body"], "A {kind} must be a JSON object with a 'body'."),
        ("body", "A {kind} must be a JSON object with a 'body'."),
        (None, "A {kind} must be a JSON object with a 'body'."),
    ],
)
def test_from_json_refuses_a_bad_body_with_a_clear_message(model, kind, data, message):
    with pytest.raises(ValidationError) as raised:
        model.from_json(data)
    assert str(raised.value) == message.format(kind=kind)


def test_reprs_name_the_rows(db):
    comment = CommentFactory()
    assert repr(comment) == f"<Comment {comment.id}>"
    assert repr(comment.post) == f"<Post {comment.post.id}>"
