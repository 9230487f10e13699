"""Users: creation rules, passwords, activity, avatars and the example cases of every token."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db as _db
from app.models import Comment, Permission, Post, Role, User, UserSession
from app.models import user as user_model
from app.services import accounts, sessions
from app.services.sessions import load_user
from app.timestamps import utcnow
from app.tokens import generate_token, load_token
from tests.factories import CommentFactory, PostFactory, UserFactory

PRODUCTION_HASH = "scrypt:131072:8:1"


def reloaded(user: User) -> User:
    """The user as the database has it, not as the session remembers it."""
    user_id = user.id
    _db.session.expire_all()
    return _db.session.get(User, user_id)


# Creation


def test_new_user_gets_the_default_role(db):
    user = User(email="new@example.com", username="new", password="cat")
    assert user.role.name == "User"


def test_new_user_with_the_admin_email_becomes_administrator(app, db):
    app.config["FLASKY_ADMIN"] = "boss@example.com"
    user = User(email="boss@example.com", username="boss", password="cat")
    assert user.role.name == "Administrator"
    assert user.is_administrator()


def test_the_admin_email_matches_whatever_its_case(app, db):
    app.config["FLASKY_ADMIN"] = "Boss@Example.com"
    assert User(email="boss@example.COM").is_administrator()


def test_other_emails_stay_plain_users_when_an_admin_is_configured(app, db):
    app.config["FLASKY_ADMIN"] = "boss@example.com"
    assert User(email="someone@example.com").role.name == "User"


def test_a_role_given_explicitly_is_kept(db):
    moderator = _db.session.scalar(select(Role).filter_by(name="Moderator"))
    assert User(email="mod@example.com", role=moderator).can(Permission.MODERATE)


def test_user_with_only_a_password_works_without_email_role_or_commit(db):
    user = User(password="cat")
    assert user.verify_password("cat")
    assert not user.verify_password("dog")
    assert user.email is None
    assert user.avatar_hash is None
    assert user.confirmed is False
    assert user.is_following(user)
    assert user.follower_count == 0
    assert _db.session.scalar(select(User.id)) is None


def test_user_built_outside_the_application_hashes_at_production_strength():
    user = User(password="cat")
    assert user.role is None
    assert user.password_hash.startswith(PRODUCTION_HASH + "$")
    assert user.verify_password("cat")


def test_user_repr_names_it(db):
    assert repr(UserFactory(username="susan")) == "<User 'susan'>"


# Passwords


def test_password_is_not_readable(db):
    user = UserFactory()
    with pytest.raises(AttributeError, match="not a readable attribute"):
        _ = user.password


def test_password_is_stored_hashed(db):
    user = UserFactory(password="cat")
    assert user.password_hash
    assert "cat" not in user.password_hash


def test_user_without_a_password_verifies_nothing(db):
    user = User(email="nopass@example.com")
    assert not user.verify_password("")
    assert not user.verify_password("cat")


def test_production_strength_hash_fits_the_column(app, db):
    app.config["FLASKY_PASSWORD_HASH_METHOD"] = PRODUCTION_HASH
    user = UserFactory(password="correct horse battery staple")
    stored = reloaded(user)
    assert stored.password_hash.startswith(PRODUCTION_HASH + "$")
    assert len(stored.password_hash) > 128
    assert stored.verify_password("correct horse battery staple")


def test_password_hashed_with_an_older_method_is_rehashed_on_login(app, db):
    user = UserFactory(password="cat")
    app.config["FLASKY_PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:2"
    assert user.verify_password("cat")
    _db.session.commit()
    assert reloaded(user).password_hash.startswith("pbkdf2:sha256:2$")
    assert reloaded(user).verify_password("cat")


def test_wrong_password_leaves_the_hash_alone(app, db):
    user = UserFactory(password="cat")
    stored = user.password_hash
    app.config["FLASKY_PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:2"
    assert not user.verify_password("dog")
    assert user.password_hash == stored


# Timestamps and activity


def test_member_since_and_last_seen_are_set_on_insert(db):
    before = utcnow()
    user = UserFactory()
    after = utcnow()
    assert before <= user.member_since <= after
    assert before <= user.last_seen <= after


class Clock:
    """A controllable stand-in for ``app.models.user.utcnow``."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(datetime(2030, 1, 1, 12, 0, 0))
    monkeypatch.setattr(user_model, "utcnow", clock)
    return clock


def test_ping_records_activity_after_a_minute(db, clock):
    user = UserFactory(last_seen=clock.now)
    clock.advance(seconds=61)
    assert user.ping() is True
    _db.session.commit()
    assert reloaded(user).last_seen == clock.now


def test_ping_writes_at_most_once_a_minute(db, clock):
    user = UserFactory(last_seen=clock.now)
    first_seen = clock.now
    clock.advance(seconds=59)
    assert user.ping() is False
    _db.session.commit()
    assert reloaded(user).last_seen == first_seen


def test_ping_exactly_a_minute_later_writes(db, clock):
    user = UserFactory(last_seen=clock.now)
    clock.advance(minutes=1)
    assert user.ping() is True
    assert user.last_seen == clock.now


def test_ping_of_an_unsaved_user_writes(db, clock):
    user = User(password="cat")
    assert user.ping() is True
    assert user.last_seen == clock.now


# Avatars


def test_gravatar_hash_is_cached_from_the_email(db):
    user = UserFactory(email="John@Example.com")
    assert user.avatar_hash == "d4c74594d841139328695756648b6bd6"
    assert reloaded(user).avatar_hash == "d4c74594d841139328695756648b6bd6"


def test_gravatar_url_defaults(db):
    user = UserFactory(email="john@example.com")
    assert user.gravatar() == (
        "https://secure.gravatar.com/avatar/d4c74594d841139328695756648b6bd6?s=100&d=identicon&r=g"
    )


def test_gravatar_url_carries_size_default_and_rating(db):
    user = UserFactory(email="john@example.com")
    url = user.gravatar(size=256, default="https://example.com/me 1.png", rating="pg")
    assert url.endswith("?s=256&d=https%3A%2F%2Fexample.com%2Fme+1.png&r=pg")


def test_gravatar_of_a_user_without_email_still_gives_an_image(db):
    assert User(password="cat").gravatar(size=10).startswith("https://secure.gravatar.com/avatar/")


def test_changing_email_through_a_token_updates_the_avatar_hash(db):
    user = UserFactory(email="john@example.com")
    token = user.generate_email_change_token("susan@example.com")
    assert user.change_email(token)
    _db.session.commit()
    stored = reloaded(user)
    assert stored.email == "susan@example.com"
    assert stored.avatar_hash == user_model.gravatar_hash("susan@example.com")
    assert stored.gravatar().startswith(f"https://secure.gravatar.com/avatar/{stored.avatar_hash}?")


def test_clearing_the_email_clears_the_avatar_hash(db):
    user = UserFactory()
    user.email = None
    assert user.avatar_hash is None


# Tokens: the examples (the properties are in test_token_properties.py)


def test_confirmation_token_confirms_its_user(db):
    user = UserFactory(unconfirmed=True)
    assert user.confirm(user.generate_confirmation_token())
    _db.session.commit()
    assert reloaded(user).confirmed


def test_confirmation_token_of_another_user_is_refused(db):
    user, other = UserFactory(unconfirmed=True), UserFactory(unconfirmed=True)
    assert not user.confirm(other.generate_confirmation_token())
    assert not user.confirmed


def test_reset_token_sets_the_new_password(db):
    user = UserFactory(password="cat")
    assert User.reset_password(user.generate_reset_token(), "dog")
    _db.session.commit()
    assert reloaded(user).verify_password("dog")
    assert not reloaded(user).verify_password("cat")


def test_reset_token_works_only_once(db):
    user = UserFactory(password="cat")
    token = user.generate_reset_token()
    assert User.reset_password(token, "dog")
    _db.session.commit()
    assert not User.reset_password(token, "bird")
    assert reloaded(user).verify_password("dog")


def test_reset_token_is_refused_after_a_password_change(db):
    user = UserFactory(password="cat")
    token = user.generate_reset_token()
    user.password = "lion"
    _db.session.commit()
    assert not User.reset_password(token, "dog")


def test_reset_token_payload_reveals_no_part_of_the_password_hash(db):
    user = UserFactory(password="cat")
    payload = load_token("reset", user.generate_reset_token())
    salt_and_digest = user.password_hash.split("$", 1)[1]
    assert all(part not in str(payload) for part in salt_and_digest.split("$"))


def test_reset_token_of_a_deleted_user_is_refused(db):
    user = UserFactory()
    token = user.generate_reset_token()
    _db.session.delete(user)
    _db.session.commit()
    assert not User.reset_password(token, "dog")


def test_reset_with_a_bad_token_is_refused(db):
    assert not User.reset_password("not-a-token", "dog")


def test_email_change_to_an_address_in_use_is_refused(db):
    user, other = UserFactory(), UserFactory()
    assert not user.change_email(user.generate_email_change_token(other.email))
    assert reloaded(user).email != other.email


def test_email_change_to_an_address_taken_since_in_another_case_is_refused(db):
    user = UserFactory()
    token = user.generate_email_change_token("carol@example.com")
    UserFactory(email="Carol@Example.com")
    assert not user.change_email(token)
    assert reloaded(user).email != "carol@example.com"


def test_email_change_to_the_users_own_address_in_another_case_is_accepted(db):
    user = UserFactory(email="ann@example.com")
    assert user.change_email(user.generate_email_change_token("Ann@Example.com"))
    _db.session.commit()
    assert reloaded(user).email == "Ann@Example.com"


def test_email_change_token_without_a_usable_address_is_refused(db):
    user = UserFactory()
    for new_email in ("", None, 42):
        token = generate_token("change-email", {"change_email": user.id, "new_email": new_email}, 3600)
        assert not user.change_email(token)


def test_email_change_token_of_another_user_is_refused(db):
    user, other = UserFactory(), UserFactory()
    assert not user.change_email(other.generate_email_change_token("new@example.com"))


def test_auth_token_identifies_its_user(db):
    user = UserFactory()
    assert User.verify_auth_token(user.generate_auth_token()) == user


def test_auth_token_of_a_deleted_user_finds_nobody(db):
    user = UserFactory()
    token = user.generate_auth_token()
    _db.session.delete(user)
    _db.session.commit()
    assert User.verify_auth_token(token) is None


def test_bad_auth_token_finds_nobody(db):
    assert User.verify_auth_token("garbage") is None


# Sessions


def test_login_manager_loads_a_user_by_its_session_id(db):
    user = UserFactory()
    row = sessions.sign_in(user)
    session_id, _, secret = user.get_id().partition(".")
    assert session_id == str(row.id)
    assert secret not in row.secret_hash
    assert load_user(user.get_id()) == user


def test_a_password_change_keeps_the_current_session_and_ends_every_other(db):
    user = UserFactory(password="cat")
    other = sessions.sign_in(user)
    other_id = user.get_id()
    sessions.sign_in(user)
    current_id = user.get_id()

    accounts.change_password(user, "cat", "dog-kennel")

    assert load_user(current_id) == user
    assert load_user(other_id) is None
    assert _db.session.get(UserSession, other.id).revoked_at is not None


def test_a_password_change_ends_every_api_token(db):
    user = UserFactory(password="cat")
    token = user.generate_auth_token()
    sessions.sign_in(user)
    accounts.change_password(user, "cat", "dog-kennel")
    assert User.verify_auth_token(token) is None


def test_a_password_set_on_the_model_alone_ends_no_session(db):
    """Ending sessions is the account service's rule, so that it keeps the one that made the change."""
    user = UserFactory(password="cat")
    token = user.generate_auth_token()
    user.password = "dog"
    _db.session.commit()
    assert User.verify_auth_token(token) == user


@pytest.mark.parametrize("user_id", ["999999", "not-a-number"])
def test_login_manager_finds_nobody_for_unknown_ids(db, user_id):
    assert load_user(user_id) is None


# Deleting


def test_deleting_a_user_deletes_their_posts_and_comments(db):
    user = UserFactory()
    CommentFactory(post=PostFactory(author=user))
    elsewhere = CommentFactory(author=user).post
    user_id = user.id
    _db.session.delete(user)
    _db.session.commit()
    assert _db.session.scalars(select(Post.id)).all() == [elsewhere.id]
    assert _db.session.scalars(select(Comment.id)).all() == []
    assert _db.session.get(User, user_id) is None
