"""Who may act: signed in, confirmed, and holding the permission the action needs."""

from flask_login import AnonymousUserMixin

from ..exceptions import N_, NotAllowed
from ..models import Permission, User

PERMISSION_NAMES = {permission: permission.name for permission in Permission}

Actor = User | AnonymousUserMixin


def require(actor: Actor, permission: Permission) -> User:
    """``actor`` as a user who may use ``permission``; otherwise ``NotAllowed`` saying why."""
    require_confirmed(actor)
    if not actor.can(permission):
        raise NotAllowed(
            N_("Your account does not have the %(permission)s permission.", permission=permission.name),
            {"permission": [f"needs {permission.name}"]},
        )
    return actor


def require_confirmed(actor: Actor) -> User:
    """``actor`` as a signed-in user whose address is confirmed; otherwise ``NotAllowed``."""
    if not actor.is_authenticated:
        raise NotAllowed(N_("Sign in first."), {"user": ["must be signed in"]})
    if not actor.confirmed:
        raise NotAllowed(
            N_("Your account is not confirmed: follow the link in the email we sent you."),
            {"email": [N_("is not confirmed")]},
        )
    return actor
