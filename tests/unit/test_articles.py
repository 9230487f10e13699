"""Posts as articles: titles and slugs completed on flush, ordered tags, and favorites."""

import pytest
from sqlalchemy import select

from app.exceptions import ValidationError
from app.extensions import db as _db
from app.models import TAG_LENGTH, Post, Tag, title_from_body
from app.slugs import slugify
from tests.factories import PostFactory, UserFactory


@pytest.mark.parametrize(
    ("body", "title"),
    [("## Hello there\n\nText", "Hello there"), ("\n  \nFirst line\nsecond", "First line"), ("", "Untitled")],
)
def test_title_from_body_is_the_first_non_blank_line(body, title):
    assert title_from_body(body) == title


def test_title_from_body_is_cut_to_the_column_length():
    assert len(title_from_body("x" * 500)) == 200


@pytest.mark.parametrize(
    ("title", "slug"), [("Hello, World!", "hello-world"), ("  __  ", "post"), ("Ünïcode wörds", "ünïcode-wörds")]
)
def test_slugify_joins_lower_case_words_with_hyphens(title, slug):
    assert slugify(title) == slug


def test_post_without_a_title_takes_its_first_line_and_a_slug(db):
    post = PostFactory(body="# My first post\n\nbody")
    assert (post.title, post.slug) == ("My first post", "my-first-post")
    assert post.updated_at == post.timestamp


def test_posts_with_the_same_title_get_numbered_slugs(db):
    slugs = [PostFactory(title="Same").slug for _ in range(3)]
    author = UserFactory()
    _db.session.add_all([Post(title="Same", body="a", author=author), Post(title="Same", body="b", author=author)])
    _db.session.commit()
    assert slugs == ["same", "same-2", "same-3"]
    assert set(_db.session.scalars(select(Post.slug))) == {"same", "same-2", "same-3", "same-4", "same-5"}


def test_slug_stays_when_the_title_changes_and_a_blank_title_is_refilled(db):
    post = PostFactory(title="Original")
    post.title = "   "
    _db.session.commit()
    assert (post.title, post.slug) == (title_from_body(post.body), "original")


def test_tags_keep_their_order_and_drop_blanks_and_repeats(db):
    post = PostFactory()
    post.tag_names = [" flask ", "", "python", "flask"]
    _db.session.commit()
    assert post.tag_names == ["flask", "python"]
    post.tag_names = ["python", "sql"]
    _db.session.commit()
    assert post.tag_names == ["python", "sql"]
    assert set(_db.session.scalars(select(Tag.name))) == {"flask", "python", "sql"}


def test_tags_are_shared_between_posts(db):
    first, second = PostFactory(), PostFactory()
    first.tag_names = ["shared"]
    second.tag_names = ["shared"]
    _db.session.commit()
    assert _db.session.scalars(select(Tag.name)).all() == ["shared"]


def test_no_tags_makes_no_tags():
    assert Tag.named([]) == {}
    assert Tag.split(None) == []


def test_tags_typed_in_one_field_are_split_on_commas():
    assert Tag.split("flask, python ,, flask") == ["flask", "python"]


def test_overlong_tag_is_refused_with_a_message():
    with pytest.raises(ValidationError, match=f"at most {TAG_LENGTH} characters"):
        Tag.clean_names(["x" * (TAG_LENGTH + 1)])


def test_tag_repr_names_it():
    assert repr(Tag(name="flask")) == "<Tag 'flask'>"


def test_favorite_counts_once_and_unfavorite_removes_it(db):
    post, reader = PostFactory(), UserFactory()
    post.favorite(reader)
    post.favorite(reader)
    _db.session.commit()
    assert post.is_favorited_by(reader)
    assert post.favorites.count() == 1
    post.unfavorite(reader)
    post.unfavorite(reader)
    _db.session.commit()
    assert not post.is_favorited_by(reader)
