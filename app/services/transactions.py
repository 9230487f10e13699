"""Writing once when the same write arrives twice at the same moment."""

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError

from ..exceptions import N_, Conflict, NotFound
from ..extensions import db

Result = TypeVar("Result")
ATTEMPTS = 4


def commit_retrying(write: Callable[[int], Result], attempts: int = ATTEMPTS) -> Result:
    """Run ``write(attempt)`` and commit; when a unique or foreign key refuses it, roll back and run it again.

    ``write`` checks before it writes, so on the next attempt it sees what the request that won the race wrote
    (the follow that is there now, the email that is taken now) and answers as it would have then.
    A row that ``write`` changes and another request deletes meanwhile makes the action ``NotFound``.
    """
    for attempt in range(attempts):
        try:
            result = write(attempt)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            continue
        except (StaleDataError, ObjectDeletedError) as error:
            db.session.rollback()
            raise NotFound(N_("It was deleted meanwhile."), {"resource": ["not found"]}) from error
        return result
    raise Conflict(N_("Others changed the same thing at the same moment: try again."), {"request": ["conflicted"]})
