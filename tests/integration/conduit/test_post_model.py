"""The model support behind Conduit: titles, stable unique slugs, ordered tags."""

import pytest

from app.exceptions import ValidationError
from app.models import Post, Tag
from tests.factories import PostFactory, UserFactory


def test_a_post_without_a_title_takes_its_first_line(db):
    post = PostFactory(body="\n\n##  Release notes  \nDetails")

    assert post.title == "Release notes"
    assert post.slug == "release-notes"
    assert post.updated_at == post.timestamp


def test_a_blank_post_is_untitled(db):
    assert PostFactory(body="   ").title == "Untitled"


def test_a_long_first_line_is_cut_to_the_title_length(db):
    post = PostFactory(body="word " * 100)

    assert len(post.title) == 200
    assert len(post.slug) <= 255


def test_a_title_without_letters_or_digits_gets_a_plain_slug(db):
    assert PostFactory(title="!!! ???").slug == "post"


def test_slugs_keep_letters_of_any_alphabet(db):
    assert PostFactory(title="Ünïcode Straße").slug == "ünïcode-straße"


def test_posts_with_one_title_saved_together_get_distinct_slugs(db):
    author = UserFactory()
    db.session.add_all([Post(body="Same", author=author), Post(body="Same", author=author)])
    db.session.commit()

    assert sorted(db.session.scalars(db.select(Post.slug))) == ["same", "same-2"]


def test_a_slug_does_not_change_with_the_title(db):
    post = PostFactory(title="First")
    post.title = "Second"
    db.session.commit()

    assert post.slug == "first"


def test_a_title_cleared_on_edit_comes_back_from_the_body(db):
    post = PostFactory(title="Given", body="From the body")
    post.title = ""
    db.session.commit()

    assert post.title == "From the body"


def test_tag_names_keep_their_order_and_reuse_existing_tags(db):
    first = PostFactory(tag_names=["flask", "python"])
    second = PostFactory(tag_names=["python", "sql", "flask"])

    assert first.tag_names == ["flask", "python"]
    assert second.tag_names == ["python", "sql", "flask"]
    assert sorted(db.session.scalars(db.select(Tag.name))) == ["flask", "python", "sql"]


def test_a_tag_given_to_two_posts_built_together_is_made_once(db):
    author = UserFactory()
    first = Post(body="One", author=author)
    db.session.add(first)
    first.tag_names = ["new"]
    second = Post(body="Two", author=author)
    db.session.add(second)
    second.tag_names = ["new"]
    db.session.commit()

    assert list(db.session.scalars(db.select(Tag.name))) == ["new"]


def test_split_reads_a_comma_separated_field(db):
    assert Tag.split(" flask, python ,, flask,sql ") == ["flask", "python", "sql"]
    assert Tag.split(None) == []


def test_a_tag_longer_than_64_characters_is_refused(db):
    with pytest.raises(ValidationError, match="at most 64 characters"):
        Tag.split("x" * 65)


def test_repr_names_the_tag(db):
    assert repr(Tag(name="flask")) == "<Tag 'flask'>"


def test_a_post_given_a_slug_keeps_it(db):
    assert PostFactory(title="Title", slug="chosen-slug").slug == "chosen-slug"
