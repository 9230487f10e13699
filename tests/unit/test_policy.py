"""``require``: who may act, and the message and field errors every interface shows to whoever may not."""

import pytest

from app.exceptions import NotAllowed
from app.models import AnonymousUser, Permission
from app.services.policy import require, require_confirmed
from tests.factories import UserFactory


def test_a_confirmed_user_holding_the_permission_may_act(db):
    user = UserFactory()
    assert require(user, Permission.WRITE) is user
    assert require_confirmed(user) is user


@pytest.mark.parametrize("check", [lambda actor: require(actor, Permission.FOLLOW), require_confirmed])
def test_a_visitor_is_asked_to_sign_in(check):
    with pytest.raises(NotAllowed) as refused:
        check(AnonymousUser())
    assert refused.value.message == "Sign in first."
    assert refused.value.errors == {"user": ["must be signed in"]}


@pytest.mark.parametrize("check", [lambda actor: require(actor, Permission.FOLLOW), require_confirmed])
def test_an_unconfirmed_user_is_sent_to_the_confirmation_mail(db, check):
    with pytest.raises(NotAllowed) as refused:
        check(UserFactory(unconfirmed=True))
    assert refused.value.message == "Your account is not confirmed: follow the link in the email we sent you."
    assert refused.value.errors == {"email": ["is not confirmed"]}


def test_a_user_without_the_permission_is_told_which_one(db):
    with pytest.raises(NotAllowed) as refused:
        require(UserFactory(), Permission.MODERATE)
    assert refused.value.message == "Your account does not have the MODERATE permission."
    assert refused.value.errors == {"permission": ["needs MODERATE"]}
