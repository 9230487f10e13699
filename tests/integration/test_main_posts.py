"""Post pages: the permalink with its comments, commenting and editing."""

from datetime import timedelta

from app.models import Comment, Permission, Post
from app.timestamps import utcnow
from tests.factories import CommentFactory, PostFactory, UserFactory
from tests.login import log_in_as


def test_post_page_shows_the_post_and_its_comments(client, db):
    post = PostFactory(body="The *post*")
    CommentFactory(post=post, body="A **reply**")
    response = client.get(f"/post/{post.id}")
    assert response.status_code == 200
    assert "The <em>post</em>" in response.text
    assert "A <strong>reply</strong>" in response.text
    assert "1 Comment<" in response.text
    assert 'id="comments"' in response.text


def test_unknown_post_is_not_found(client, db):
    assert client.get("/post/9999").status_code == 404


def test_post_without_comments_says_so(client, db):
    assert "No comments yet." in client.get(f"/post/{PostFactory().id}").text


def test_anonymous_visitor_sees_no_comment_form_and_cannot_comment(client, db):
    post = PostFactory()
    assert 'name="body"' not in client.get(f"/post/{post.id}").text
    assert client.post(f"/post/{post.id}", data={"body": "hi"}).status_code == 403


def test_comments_are_paginated_oldest_first(app, client, db):
    app.config["FLASKY_COMMENTS_PER_PAGE"] = 2
    # A title and body of its own: a made-up one may hold "first" or "second" itself.
    post = PostFactory(title="Comments", body="Comments below.")
    start = utcnow()
    for minute, body in enumerate(["first", "second", "third"]):
        CommentFactory(post=post, body=body, timestamp=start + timedelta(minutes=minute))
    page_one = client.get(f"/post/{post.id}").text
    assert page_one.index("first") < page_one.index("second")
    assert "third" not in page_one
    assert f'href="/post/{post.id}?page=2#comments"' in page_one
    assert "third" in client.get(f"/post/{post.id}?page=2").text


def test_page_minus_one_is_the_newest_page(app, client, db):
    app.config["FLASKY_COMMENTS_PER_PAGE"] = 2
    post = PostFactory()
    start = utcnow()
    # Words Faker never writes, so the post's own text cannot match them.
    for minute, body in enumerate(["comment-alpha", "comment-beta", "comment-gamma"]):
        CommentFactory(post=post, body=body, timestamp=start + timedelta(minutes=minute))
    page = client.get(f"/post/{post.id}?page=-1").text
    assert "comment-gamma" in page
    assert "comment-alpha" not in page


def test_page_minus_one_without_comments_is_the_first_page(client, db):
    post = PostFactory()
    assert "No comments yet." in client.get(f"/post/{post.id}?page=-1").text


def test_commenting_redirects_to_the_last_page_at_the_comments(app, client, db):
    app.config["FLASKY_COMMENTS_PER_PAGE"] = 2
    post = PostFactory()
    CommentFactory.create_batch(2, post=post)
    user = UserFactory()
    log_in_as(client, user)
    response = client.post(f"/post/{post.id}", data={"body": "late *reply*"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/post/{post.id}?page=2#comments"
    page = client.get(response.headers["Location"]).text
    assert "Your comment has been published." in page
    assert "late <em>reply</em>" in page
    comment = db.session.scalar(db.select(Comment).filter_by(body="late *reply*"))
    assert comment.author_id == user.id


def test_empty_comment_shows_the_field_error(client, db):
    post = PostFactory()
    log_in_as(client, UserFactory())
    response = client.post(f"/post/{post.id}", data={"body": ""})
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Comment)) == 0


def test_disabled_comment_is_hidden_from_ordinary_readers(client, db):
    comment = CommentFactory(body="rude words", disabled=True)
    log_in_as(client, UserFactory())
    page = client.get(f"/post/{comment.post_id}").text
    assert "This comment has been disabled by a moderator." in page
    assert "rude words" not in page


def test_moderator_sees_a_disabled_comment_and_that_it_is_disabled(client, db):
    comment = CommentFactory(body="rude words", disabled=True)
    log_in_as(client, UserFactory(moderator=True))
    page = client.get(f"/post/{comment.post_id}").text
    assert "This comment has been disabled by a moderator." in page
    assert "rude words" in page


def test_author_sees_the_edit_link_and_edit_form(client, db):
    post = PostFactory(body="original text")
    log_in_as(client, post.author)
    assert f'href="/edit/{post.id}">Edit<' in client.get(f"/post/{post.id}").text
    page = client.get(f"/edit/{post.id}").text
    assert "original text" in page


def test_author_edits_a_post(client, db):
    post = PostFactory()
    log_in_as(client, post.author)
    response = client.post(f"/edit/{post.id}", data={"body": "changed *text*", "submit": "Submit"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/post/{post.id}"
    page = client.get(response.headers["Location"]).text
    assert "The post has been updated." in page
    assert "changed <em>text</em>" in page


def test_edit_preview_renders_without_saving(client, db):
    post = PostFactory(body="kept")
    log_in_as(client, post.author)
    response = client.post(f"/edit/{post.id}", data={"body": "# draft", "preview": "Preview"})
    assert response.status_code == 200
    assert "<h1>draft</h1>" in response.text
    assert db.session.get(Post, post.id).body == "kept"


def test_empty_edit_shows_the_field_error(client, db):
    post = PostFactory(body="kept")
    log_in_as(client, post.author)
    response = client.post(f"/edit/{post.id}", data={"body": "", "submit": "Submit"})
    assert response.status_code == 200
    assert "This field is required." in response.text


def test_administrator_edits_anyones_post(client, db):
    post = PostFactory()
    log_in_as(client, UserFactory(administrator=True))
    assert f'href="/edit/{post.id}">Edit [Admin]<' in client.get(f"/post/{post.id}").text
    response = client.post(f"/edit/{post.id}", data={"body": "by the admin", "submit": "Submit"})
    assert response.status_code == 302
    assert db.session.get(Post, post.id).body == "by the admin"


def test_other_users_cannot_edit_a_post(client, db):
    post = PostFactory(body="kept")
    log_in_as(client, UserFactory(moderator=True))
    assert f"/edit/{post.id}" not in client.get(f"/post/{post.id}").text
    assert client.get(f"/edit/{post.id}").status_code == 403
    assert client.post(f"/edit/{post.id}", data={"body": "hijack", "submit": "Submit"}).status_code == 403
    assert db.session.get(Post, post.id).body == "kept"


def test_an_author_no_longer_allowed_to_write_cannot_edit(client, db):
    author = UserFactory()
    post = PostFactory(author=author, body="kept")
    author.role.remove_permission(Permission.WRITE)
    db.session.commit()
    log_in_as(client, author)
    assert f"/edit/{post.id}" not in client.get(f"/post/{post.id}").text
    assert client.post(f"/edit/{post.id}", data={"body": "changed", "submit": "Submit"}).status_code == 403
    assert db.session.get(Post, post.id).body == "kept"


def test_editing_an_unknown_post_is_not_found(client, db):
    log_in_as(client, UserFactory())
    assert client.get("/edit/9999").status_code == 404
