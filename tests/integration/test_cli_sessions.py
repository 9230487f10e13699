"""``flask sessions purge``: the rows of expired and revoked sessions and tokens go, open ones stay."""

from sqlalchemy import func, select

from app.models import User, UserSession
from app.models.session import TOKEN_KINDS
from app.services import sessions
from tests.factories import UserFactory


def test_purge_deletes_expired_and_revoked_sessions_and_says_how_many(runner, db):
    user = UserFactory()
    user.generate_auth_token(expiration=-1)
    sessions.revoke(user, UserSession.find(user.generate_auth_token(), TOKEN_KINDS).id)
    kept = user.generate_auth_token()

    result = runner.invoke(args=["sessions", "purge"])

    assert result.exit_code == 0, result.output
    assert result.output == "Deleted 2 expired or revoked session(s) and token(s).\n"
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 1
    assert User.verify_auth_token(kept) == user
