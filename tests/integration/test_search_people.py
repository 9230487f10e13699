"""Finding people: by the words of their username and name, the last one typed as a prefix, never by email."""

from datetime import datetime, timedelta

from app.extensions import db as _db
from app.services.search import search_people
from tests.factories import UserFactory

NOON = datetime(2026, 11, 28, 12, 0)


def test_people_are_found_by_the_words_of_their_username_and_name_never_by_email(db):
    by_username = UserFactory(username="flaskfan", name="Ann Smith", email="ann@example.com")
    by_name = UserFactory(username="bob", name="Bob Flask", email="bob@example.com")
    UserFactory(username="carol", name="Carol Jones", email="flask@example.com")
    UserFactory(username="bigflask", name="Dan Brown")

    assert search_people("flask") == [by_username, by_name]
    assert search_people('"ann smith"') == [by_username]
    assert search_people("example") == []


def test_the_last_word_typed_may_be_the_start_of_one(db):
    ann = UserFactory(username="ann", name="Ann Smith")

    assert search_people("smi") == [ann]
    assert search_people('"ann sm"') == [ann]
    assert search_people("mith") == []


def test_a_minus_word_leaves_people_out(db):
    UserFactory(username="ann", name="Ann Smith")
    jones = UserFactory(username="annj", name="Ann Jones")

    assert search_people("ann -smith") == [jones]


def test_a_username_with_punctuation_is_found_as_typed(db):
    john = UserFactory(username="john.doe_2", name=None)

    assert search_people("john.doe_2") == [john]
    assert search_people("a%n") == []


def test_an_exact_username_comes_first_then_one_it_starts_then_newest(db):
    newest_other = UserFactory(username="ann", name="Miguel Ann", member_since=NOON)
    prefix = UserFactory(username="miguelito", member_since=NOON - timedelta(days=2))
    exact = UserFactory(username="Miguel", member_since=NOON - timedelta(days=3))
    older_other = UserFactory(username="bob", name="Bob Miguel", member_since=NOON - timedelta(days=4))

    assert search_people("miguel") == [exact, prefix, newest_other, older_other]


def test_at_most_five_people_are_shown(db):
    UserFactory.create_batch(7, name="Ann Smith")

    assert len(search_people("smith")) == 5


def test_the_people_index_follows_renames_and_deletes(db):
    renamed = UserFactory(username="ann", name="Ann Smith")
    deleted = UserFactory(username="bob", name="Bob Smith")

    renamed.name = "Ann Jones"
    _db.session.delete(deleted)
    _db.session.commit()

    assert search_people("smith") == []
    assert search_people("jones") == [renamed]
