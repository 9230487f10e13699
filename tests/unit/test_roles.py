"""Roles and permissions: the standard roles, permission arithmetic, and what each kind of user can do."""

import pytest
from sqlalchemy import func, select

from app.extensions import db as _db
from app.models import AnonymousUser, Permission, Role
from tests.factories import RoleFactory, UserFactory

ALL_PERMISSIONS = [Permission.FOLLOW, Permission.COMMENT, Permission.WRITE, Permission.MODERATE, Permission.ADMIN]


def role(name: str) -> Role:
    return _db.session.scalar(select(Role).filter_by(name=name))


@pytest.mark.parametrize(
    ("name", "granted"),
    [
        ("User", {Permission.FOLLOW, Permission.COMMENT, Permission.WRITE}),
        ("Moderator", {Permission.FOLLOW, Permission.COMMENT, Permission.WRITE, Permission.MODERATE}),
        ("Administrator", set(ALL_PERMISSIONS)),
    ],
)
def test_standard_roles_grant_exactly_their_permissions(db, name, granted):
    standard = role(name)
    assert {perm for perm in ALL_PERMISSIONS if standard.has_permission(perm)} == granted


def test_only_the_user_role_is_the_default(db):
    defaults = _db.session.scalars(select(Role.name).filter_by(default=True)).all()
    assert defaults == ["User"]


def test_insert_roles_again_changes_nothing(db):
    before = _db.session.execute(select(Role.id, Role.name, Role.permissions, Role.default).order_by(Role.id)).all()
    Role.insert_roles()
    after = _db.session.execute(select(Role.id, Role.name, Role.permissions, Role.default).order_by(Role.id)).all()
    assert after == before
    assert _db.session.scalar(select(func.count()).select_from(Role)) == 3


def test_insert_roles_repairs_a_tampered_role(db):
    moderator = role("Moderator")
    moderator.add_permission(Permission.ADMIN)
    moderator.default = True
    _db.session.commit()
    Role.insert_roles()
    assert not role("Moderator").has_permission(Permission.ADMIN)
    assert not role("Moderator").default


def test_new_role_starts_without_permissions():
    assert Role(name="Guest").permissions == 0


def test_add_permission_grants_it_once(db):
    guest = RoleFactory()
    guest.add_permission(Permission.WRITE)
    guest.add_permission(Permission.WRITE)
    assert guest.permissions == Permission.WRITE
    assert guest.has_permission(Permission.WRITE)
    assert not guest.has_permission(Permission.FOLLOW)


def test_remove_permission_takes_only_that_one_and_tolerates_absent_ones(db):
    guest = RoleFactory(permissions=Permission.FOLLOW | Permission.WRITE)
    guest.remove_permission(Permission.WRITE)
    guest.remove_permission(Permission.WRITE)
    guest.remove_permission(Permission.ADMIN)
    assert guest.permissions == Permission.FOLLOW


def test_reset_permissions_removes_all(db):
    guest = RoleFactory(permissions=Permission.FOLLOW | Permission.MODERATE)
    guest.reset_permissions()
    assert not any(guest.has_permission(perm) for perm in ALL_PERMISSIONS)


def test_role_repr_names_it(db):
    assert repr(role("User")) == "<Role 'User'>"


def test_role_lists_its_users(db):
    writer = UserFactory()
    assert writer in role("User").users.all()


@pytest.mark.parametrize("permission", ALL_PERMISSIONS)
def test_anonymous_user_can_do_nothing(permission):
    assert not AnonymousUser().can(permission)


def test_anonymous_user_is_not_administrator():
    assert not AnonymousUser().is_administrator()


def test_plain_user_can_write_but_not_moderate(db):
    user = UserFactory()
    assert user.can(Permission.FOLLOW)
    assert user.can(Permission.COMMENT)
    assert user.can(Permission.WRITE)
    assert not user.can(Permission.MODERATE)
    assert not user.is_administrator()


def test_moderator_can_moderate_but_not_administer(db):
    moderator = UserFactory(moderator=True)
    assert moderator.can(Permission.MODERATE)
    assert not moderator.is_administrator()


def test_administrator_can_do_everything(db):
    admin = UserFactory(administrator=True)
    assert all(admin.can(perm) for perm in ALL_PERMISSIONS)
    assert admin.is_administrator()


def test_user_without_a_role_can_do_nothing(db):
    user = UserFactory()
    user.role = None
    assert not any(user.can(perm) for perm in ALL_PERMISSIONS)
