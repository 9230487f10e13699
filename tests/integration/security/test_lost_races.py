"""A registration whose check passed just before another request saved the same name: what the loser sees.

``test_concurrency`` runs the real race on PostgreSQL; this replays the loser's side on any engine, by letting the
check miss the row that is already there, as it would have a moment earlier. (The follow race's loser is replayed
in tests/integration/test_main_follows.py.)
"""

from sqlalchemy import func, select

from app.models import User
from tests.factories import UserFactory


def test_a_registration_that_loses_the_race_for_a_username_gets_the_form_error(client, db, monkeypatch):
    UserFactory(username="ann")
    checks = iter([False])
    monkeypatch.setattr("app.services.accounts.username_taken", lambda *_args, **_kwargs: next(checks, True))
    data = {"email": "ann@example.com", "username": "ann", "password": "ann-secret", "password2": "ann-secret"}

    response = client.post("/auth/register", data=data)

    assert response.status_code == 200
    assert "Username has already been taken." in response.text
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
