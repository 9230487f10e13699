"""Properties of password hashing: any password round-trips, no other verifies, salts differ."""

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.models import User

# The db fixture supplies the roles and the cheap testing hash; examples only build unsaved users.
bounded = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@bounded
@given(password=st.text())
def test_any_unicode_password_round_trips(db, password):
    user = User()
    user.password = password
    assert user.verify_password(password)


@bounded
@given(password=st.text(), other=st.text())
def test_no_other_password_verifies(db, password, other):
    assume(password != other)
    user = User()
    user.password = password
    assert not user.verify_password(other)


@bounded
@given(password=st.text())
def test_two_hashes_of_the_same_password_differ(db, password):
    first, second = User(), User()
    first.password = password
    second.password = password
    assert first.password_hash != second.password_hash
    assert first.verify_password(password)
    assert second.verify_password(password)
