"""The mails that go with accounts: confirmation, password reset, email change, and the administrator's notice.

Each speaks the language the user chose (``users.locale``), else the language of the request that sends it.

Each is written to the outbox in the caller's transaction and leaves when the caller commits (``app/email.py``).
"""

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..email import Delivery, external_url, send_email
from ..models import User


def send_confirmation(user: User) -> Delivery:
    """Mail ``user`` a link that confirms the account."""
    link = external_url("auth.confirm", token=user.generate_confirmation_token())
    return send_email(user.email, _l("Confirm Your Account"), "email/confirm", user.locale, user=user, link=link)


def send_password_reset(user: User) -> Delivery:
    """Mail ``user`` a link to choose a new password."""
    link = external_url("auth.password_reset", token=user.generate_reset_token())
    return send_email(user.email, _l("Reset Your Password"), "email/reset_password", user.locale, user=user, link=link)


def send_email_change(user: User, new_email: str) -> Delivery:
    """Mail the new address a link that moves ``user``'s account to it."""
    link = external_url("auth.change_email", token=user.generate_email_change_token(new_email))
    return send_email(
        new_email, _l("Confirm Your Email Address"), "email/change_email", user.locale, user=user, link=link
    )


def notify_admin_of_new_user(user: User) -> Delivery | None:
    """Tell the administrator (``FLASKY_ADMIN``), if one is configured, that ``user`` registered."""
    admin = current_app.config["FLASKY_ADMIN"]
    if not admin:
        return None
    # The administrator is known by an address alone: the notice is in the site's default language.
    return send_email(admin, _l("New User"), "email/new_user", current_app.config["BABEL_DEFAULT_LOCALE"], user=user)
