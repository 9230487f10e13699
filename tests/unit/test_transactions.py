"""``commit_retrying``: a write a unique key refuses is rolled back and run again, a few times at most, and a write to
a row deleted meanwhile is ``NotFound``; what a refused attempt wrote is never committed."""

import pytest
from sqlalchemy import delete, select

from app.exceptions import Conflict, NotFound
from app.extensions import db as _db
from app.models import Tag
from app.services.transactions import commit_retrying
from tests.factories import TagFactory


def tag_names() -> list[str]:
    _db.session.rollback()
    return sorted(_db.session.scalars(select(Tag.name)))


def test_a_write_refused_by_a_unique_key_runs_again_and_its_first_attempt_is_not_kept(db):
    TagFactory(name="taken")
    attempts: list[int] = []

    def write(attempt: int) -> str:
        attempts.append(attempt)
        _db.session.add(Tag(name=f"attempt {attempt}"))
        if attempt < 2:
            _db.session.add(Tag(name="taken"))
        return f"written at attempt {attempt}"

    assert commit_retrying(write) == "written at attempt 2"
    assert attempts == [0, 1, 2]
    assert tag_names() == ["attempt 2", "taken"]


@pytest.mark.parametrize("attempts", [None, 2])
def test_a_write_refused_every_time_is_a_conflict_after_the_last_attempt(db, attempts: int | None):
    TagFactory(name="taken")
    made: list[int] = []

    def write(attempt: int) -> None:
        made.append(attempt)
        _db.session.add_all([Tag(name=f"attempt {attempt}"), Tag(name="taken")])

    with pytest.raises(Conflict) as refused:
        commit_retrying(write) if attempts is None else commit_retrying(write, attempts)
    assert (refused.value.message, refused.value.errors) == (
        "Others changed the same thing at the same moment: try again.",
        {"request": ["conflicted"]},
    )
    assert made == list(range(4 if attempts is None else attempts))
    assert tag_names() == ["taken"]


@pytest.mark.parametrize("then", ["changes it", "reads it"])
def test_a_write_to_a_row_deleted_meanwhile_is_not_found_and_writes_nothing(db, then: str):
    tag = TagFactory(name="old")

    def write(_attempt: int) -> None:
        _db.session.add(Tag(name="beside it"))
        _db.session.execute(delete(Tag).where(Tag.id == tag.id).execution_options(synchronize_session=False))
        if then == "changes it":
            tag.name = "new"  # the UPDATE at the commit finds no row
        else:
            _db.session.expire(tag)
            assert tag.name  # the reload finds no row

    with pytest.raises(NotFound) as refused:
        commit_retrying(write)
    assert (refused.value.message, refused.value.errors) == ("It was deleted meanwhile.", {"resource": ["not found"]})
    assert tag_names() == ["old"]
