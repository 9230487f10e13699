"""A write that meets another request's delete of the same post answers 404 or a clean success, never 500.

Each test replays one interleaving every time: a second connection deletes the post, or comments on it, at the
moment between the API's look-up and its write.
"""

from collections.abc import Callable

import pytest
from sqlalchemy import delete, event, func, select
from sqlalchemy.orm import Session

from app.api import comments as comments_views
from app.api import posts as posts_views
from app.extensions import db
from app.models import Comment, Post
from tests.factories import PostFactory, UserFactory


def delete_elsewhere(post_id: int) -> None:
    """Delete the post as another request would: on its own connection, committed at once."""
    with db.engine.connect() as connection:
        connection.execute(delete(Post).where(Post.id == post_id))
        connection.commit()


def deleted_after_lookup(monkeypatch: pytest.MonkeyPatch, views: object) -> None:
    """Make ``views`` find the post it asks for, which another request then deletes before the write."""
    look_up: Callable[[int], Post] = views.post_with_id

    def look_up_then_lose(post_id: int) -> Post:
        post = look_up(post_id)
        delete_elsewhere(post_id)
        return post

    monkeypatch.setattr(views, "post_with_id", look_up_then_lose)


def remaining_comments(post_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Comment).where(Comment.post_id == post_id))


def test_an_edit_of_a_post_deleted_meanwhile_is_404(client, user, headers, monkeypatch):
    post_id = PostFactory(author=user, body="before").id
    deleted_after_lookup(monkeypatch, posts_views)

    response = client.put(f"/api/v1/posts/{post_id}", json={"body": "after"}, headers=headers)

    assert response.status_code == 404
    assert response.json["error"] == "not found"
    db.session.expire_all()
    assert db.session.get(Post, post_id) is None


@pytest.mark.postgres
def test_a_comment_on_a_post_deleted_meanwhile_is_404(client, headers, monkeypatch):
    post_id = PostFactory().id
    deleted_after_lookup(monkeypatch, comments_views)

    response = client.post(f"/api/v1/posts/{post_id}/comments/", json={"body": "too late"}, headers=headers)

    assert response.status_code == 404
    assert response.json["error"] == "not found"
    assert remaining_comments(post_id) == 0


@pytest.mark.postgres
def test_a_delete_takes_the_comments_written_while_it_ran(client, user, headers):
    post = PostFactory(author=user)
    commenter = UserFactory()
    post_id, commenter_id = post.id, commenter.id
    commented: list[bool] = []

    def comment_before_the_post_goes(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.startswith("DELETE FROM posts") and not commented:
            commented.append(True)
            with Session(db.engine) as other:
                other.add(Comment(body="written meanwhile", post_id=post_id, author_id=commenter_id))
                other.commit()

    event.listen(db.engine, "before_cursor_execute", comment_before_the_post_goes)
    try:
        response = client.delete(f"/api/v1/posts/{post_id}", headers=headers)
    finally:
        event.remove(db.engine, "before_cursor_execute", comment_before_the_post_goes)

    assert commented
    assert response.status_code == 204
    db.session.expire_all()
    assert db.session.get(Post, post_id) is None
    assert remaining_comments(post_id) == 0
