"""Comment moderation: the list of every comment and the enable and disable buttons."""

from datetime import timedelta

from app.models import Comment
from app.timestamps import utcnow
from tests.factories import CommentFactory, UserFactory
from tests.login import log_in_as


def test_moderation_page_lists_comments_newest_first_with_their_text(client, db):
    start = utcnow()
    CommentFactory(body="older remark", timestamp=start)
    CommentFactory(body="hidden remark", timestamp=start + timedelta(minutes=1), disabled=True)
    log_in_as(client, UserFactory(moderator=True))
    response = client.get("/moderate")
    assert response.status_code == 200
    page = response.text
    assert page.index("hidden remark") < page.index("older remark")
    assert "This comment has been disabled by a moderator." in page
    assert 'action="/moderate/enable/' in page
    assert 'action="/moderate/disable/' in page


def test_moderation_page_with_no_comments_says_so(client, db):
    log_in_as(client, UserFactory(moderator=True))
    assert "No comments yet." in client.get("/moderate").text


def test_moderation_page_is_paginated_and_its_buttons_return_to_their_page(app, client, db):
    app.config["FLASKY_COMMENTS_PER_PAGE"] = 2
    start = utcnow()
    oldest, *_ = [CommentFactory(timestamp=start + timedelta(minutes=minute)) for minute in range(3)]
    log_in_as(client, UserFactory(moderator=True))
    first = client.get("/moderate").text
    assert first.count('class="comment ') == 2
    assert 'href="/moderate?page=2"' in first
    second = client.get("/moderate?page=2").text
    assert second.count('class="comment ') == 1
    assert f'action="/moderate/disable/{oldest.id}?page=2"' in second


def test_disabling_a_comment_returns_to_the_same_page(client, db):
    comment = CommentFactory(body="rude words")
    log_in_as(client, UserFactory(moderator=True))
    response = client.post(f"/moderate/disable/{comment.id}?page=3")
    assert response.status_code == 302
    assert response.headers["Location"] == "/moderate?page=3"
    assert db.session.get(Comment, comment.id).disabled is True


def test_enabling_a_comment_shows_it_again(client, db):
    comment = CommentFactory(body="fine words", disabled=True)
    log_in_as(client, UserFactory(moderator=True))
    response = client.post(f"/moderate/enable/{comment.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/moderate?page=1"
    assert db.session.get(Comment, comment.id).disabled is False
    log_in_as(client, UserFactory())
    assert "fine words" in client.get(f"/post/{comment.post_id}").text


def test_moderating_an_unknown_comment_is_not_found(client, db):
    log_in_as(client, UserFactory(moderator=True))
    assert client.post("/moderate/enable/9999").status_code == 404
    assert client.post("/moderate/disable/9999").status_code == 404


def test_moderation_buttons_refuse_get(client, db):
    comment = CommentFactory()
    log_in_as(client, UserFactory(moderator=True))
    assert client.get(f"/moderate/enable/{comment.id}").status_code == 405
    assert client.get(f"/moderate/disable/{comment.id}").status_code == 405


def test_ordinary_users_cannot_moderate(client, db):
    comment = CommentFactory()
    log_in_as(client, UserFactory())
    assert client.get("/moderate").status_code == 403
    assert client.post(f"/moderate/disable/{comment.id}").status_code == 403
    assert db.session.get(Comment, comment.id).disabled is False
