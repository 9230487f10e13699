"""The posts service: what a writer, an editor and a reader get from writing, editing, deleting and favoriting."""

import re

import pytest
from sqlalchemy import func, select

from app.exceptions import Invalid, NotAllowed
from app.extensions import db as _db
from app.models import Comment, Favorite, Post, Role
from app.services import posts
from app.validation import STORABLE_RULE
from tests.factories import CommentFactory, PostFactory, UserFactory


def count(model: type) -> int:
    return _db.session.scalar(select(func.count()).select_from(model))


def saved(post: Post) -> Post:
    """``post`` as the database has it now."""
    _db.session.expire_all()
    return _db.session.get(Post, post.id)


def test_a_post_without_a_title_takes_its_first_line(db):
    post = posts.create_post(UserFactory(), "# Hello there\n\nText", title="  ", tags=["flask", " flask ", "sql"])
    post = saved(post)
    assert (post.title, post.slug, post.description, post.tag_names) == (
        "Hello there",
        "hello-there",
        "",
        ["flask", "sql"],
    )


def test_a_post_keeps_its_title_and_description(db):
    post = saved(posts.create_post(UserFactory(), "Text", title="My title", description="About it"))
    assert (post.title, post.description, post.body) == ("My title", "About it", "Text")


def test_create_post_reports_every_field_at_once(db):
    author = UserFactory()
    with pytest.raises(Invalid) as refused:
        posts.create_post(author, "  ", title="x" * 201, description=42, tags="flask")
    assert refused.value.errors == {
        "body": ["can't be blank"],
        "title": ["is too long (maximum is 200 characters)"],
        "description": ["must be a string"],
        "tags": ["must be a list of strings"],
    }
    with pytest.raises(Invalid) as refused:
        posts.create_post(author, "Text", tags=["ok", 7])
    assert refused.value.errors == {"tags": ["must be a list of strings"]}
    with pytest.raises(Invalid) as refused:
        posts.create_post(author, "Text", tags=["a\x00b"])
    assert refused.value.errors == {"tags": [STORABLE_RULE]}
    with pytest.raises(Invalid) as refused:
        posts.create_post(author, "Text", tags=["x" * 100])
    assert list(refused.value.errors) == ["tags"]
    assert count(Post) == 0


def test_only_users_who_may_write_publish(db):
    with pytest.raises(NotAllowed):
        posts.create_post(UserFactory(confirmed=False), "Text")
    assert count(Post) == 0


def test_a_title_taken_from_the_body_follows_body_edits(db):
    post = PostFactory(body="First line\n\nmore", title=None)
    posts.edit_post(post.author, post, {"body": "New first line\n\nmore"})
    post = saved(post)
    assert (post.title, post.slug) == ("New first line", "first-line")


def test_a_title_of_its_own_stays_when_the_body_changes(db):
    post = PostFactory(body="First line", title="Chosen")
    posts.edit_post(post.author, post, {"body": "Other"})
    assert (saved(post).title, saved(post).body) == ("Chosen", "Other")


def test_a_new_title_given_with_the_body_wins(db):
    post = PostFactory(body="First line", title=None)
    posts.edit_post(post.author, post, {"body": "Other", "title": "Given"})
    assert saved(post).title == "Given"


def test_a_blank_title_is_refilled_from_the_body(db):
    post = PostFactory(body="Body line", title="Chosen")
    posts.edit_post(post.author, post, {"title": " "})
    assert saved(post).title == "Body line"
    chosen = PostFactory(body="Old body", title="Chosen")
    posts.edit_post(chosen.author, chosen, {"title": None, "body": "New body"})
    assert saved(chosen).title == "New body"


def test_an_edit_changes_only_the_fields_given_and_marks_the_update(db):
    post = PostFactory(body="Body", title="Title", description="Description")
    post.tag_names = ["flask"]
    _db.session.commit()
    before = post.updated_at
    posts.edit_post(post.author, post, {"description": "", "tags": ["sql"]})
    post = saved(post)
    assert (post.title, post.body, post.description, post.tag_names) == ("Title", "Body", "", ["sql"])
    assert post.updated_at > before
    posts.edit_post(post.author, post, {"description": "Back"})
    assert saved(post).tag_names == ["sql"]
    assert saved(post).description == "Back"


def test_an_edit_with_a_bad_field_changes_nothing(db):
    post = PostFactory(body="Body", title="Title")
    with pytest.raises(Invalid) as refused:
        posts.edit_post(post.author, post, {"body": "", "title": "New"})
    assert refused.value.errors == {"body": ["can't be blank"]}
    assert (saved(post).body, saved(post).title) == ("Body", "Title")


def test_only_the_author_or_an_administrator_edits_or_deletes(db):
    post = PostFactory(body="Body")
    other = UserFactory()
    with pytest.raises(NotAllowed) as refused:
        posts.edit_post(other, post, {"body": "Mine now"})
    assert (refused.value.message, refused.value.errors) == (
        "Only the post's author or an administrator can change it.",
        {"article": ["forbidden"]},
    )
    with pytest.raises(NotAllowed):
        posts.delete_post(other, post)
    post.author.confirmed = False
    _db.session.commit()
    with pytest.raises(NotAllowed):
        posts.edit_post(post.author, post, {"body": "Unconfirmed"})
    admin = UserFactory(role=Role.query.filter_by(name="Administrator").one())
    posts.edit_post(admin, post, {"body": "Moderated"})
    assert saved(post).body == "Moderated"


def test_deleting_a_post_takes_its_comments_and_a_second_delete_is_harmless(db):
    post = PostFactory()
    CommentFactory(post=post)
    posts.delete_post(post.author, post)
    assert (count(Post), count(Comment)) == (0, 0)
    posts.delete_post(post.author, post)
    assert count(Post) == 0


def test_favorite_and_unfavorite_say_whether_they_changed_anything(db):
    post, reader = PostFactory(), UserFactory()
    assert posts.favorite(reader, post)
    assert not posts.favorite(reader, post)
    assert count(Favorite) == 1
    assert saved(post).is_favorited_by(reader)
    assert posts.unfavorite(reader, post)
    assert not posts.unfavorite(reader, post)
    assert count(Favorite) == 0


def test_only_users_who_may_follow_favorite(db):
    post, stranger = PostFactory(), UserFactory(confirmed=False)
    with pytest.raises(NotAllowed):
        posts.favorite(stranger, post)
    with pytest.raises(NotAllowed):
        posts.unfavorite(stranger, post)
    assert count(Favorite) == 0


def test_unfavorite_takes_off_only_the_readers_favorite_of_that_post(db):
    post, other_post, reader, other_reader = PostFactory(), PostFactory(), UserFactory(), UserFactory()
    for user, favorited in ((reader, post), (reader, other_post), (other_reader, post)):
        posts.favorite(user, favorited)
    assert posts.unfavorite(reader, post)
    remaining = {(f.user_id, f.post_id) for f in _db.session.scalars(select(Favorite))}
    assert remaining == {(reader.id, other_post.id), (other_reader.id, post.id)}


def test_a_post_that_loses_the_race_for_its_numbered_slug_takes_a_random_one(db, monkeypatch):
    """Another writer took the numbered slug between the look-up and the insert: the retry must not ask again."""
    PostFactory(title="Same")
    asked: list[str] = []

    def numbered_slug_another_writer_took(_session: object, title: str, _taken: set[str]) -> str:
        asked.append(title)
        return "same"

    monkeypatch.setattr("app.models.post.unique_slug", numbered_slug_another_writer_took)
    post = saved(posts.create_post(UserFactory(), "Body", title="Same"))
    assert re.fullmatch(r"same-[0-9a-f]{8}", post.slug)
    assert asked == ["Same"]
    assert count(Post) == 2
