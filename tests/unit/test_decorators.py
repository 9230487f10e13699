"""``permission_required`` and ``admin_required``: a guarded view runs for whoever the policy allows, and only them."""

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask_login import login_user

from app.decorators import admin_required, permission_required
from app.exceptions import NotAllowed
from app.models import Permission, User
from app.services import sessions
from tests.factories import UserFactory


def show_post(post_id: int, *, page: int) -> str:
    """A stand-in view: what it returns shows the arguments reached it."""
    return f"post {post_id}, page {page}"


@pytest.fixture
def sign_in(app: Flask, db) -> Iterator[Callable[[User], None]]:
    """``sign_in(user)`` makes ``user`` the current user of a request."""
    with app.test_request_context():
        yield lambda user: login_user(sessions.sign_in(user).user)


def test_a_user_holding_the_permission_reaches_the_view_with_its_arguments(sign_in):
    sign_in(UserFactory(moderator=True))
    assert permission_required(Permission.MODERATE)(show_post)(7, page=2) == "post 7, page 2"


def test_a_user_without_the_permission_is_refused_before_the_view_runs(sign_in):
    sign_in(UserFactory())
    with pytest.raises(NotAllowed) as refused:
        permission_required(Permission.MODERATE)(show_post)(7, page=2)
    assert refused.value.errors == {"permission": ["needs MODERATE"]}


def test_a_guarded_view_keeps_its_name_which_flask_names_its_endpoint_by():
    guarded = permission_required(Permission.WRITE)(show_post)
    assert (guarded.__name__, guarded.__doc__) == (show_post.__name__, show_post.__doc__)


def test_only_an_administrator_passes_admin_required(sign_in):
    sign_in(UserFactory(moderator=True))
    with pytest.raises(NotAllowed):
        admin_required(show_post)(7, page=2)
    sign_in(UserFactory(administrator=True))
    assert admin_required(show_post)(7, page=2) == "post 7, page 2"
