"""The account mails speak the recipient's language, whatever the language of the request that sends them."""

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db as _db
from app.models import User
from app.models.outbox import OutboxMessage
from app.services import account_mail
from tests.factories import UserFactory


def subject_sent(app: Flask, accept_language: str, send: Callable[[], object]) -> str:
    """The subject of the one mail ``send`` writes to the outbox, in a request asking for ``accept_language``."""
    with app.test_request_context(headers={"Accept-Language": accept_language}):
        send()
    return _db.session.scalars(select(OutboxMessage)).one().payload["subject"]


@pytest.mark.parametrize(
    ("send", "subject"),
    [
        (account_mail.send_confirmation, "[Flasky] Confirma tu cuenta"),
        (account_mail.send_password_reset, "[Flasky] Restablece tu contraseña"),
        (
            lambda user: account_mail.send_email_change(user, "ana@example.net"),
            "[Flasky] Confirma tu dirección de correo",
        ),
    ],
)
def test_a_user_who_chose_spanish_gets_spanish_mail_from_an_english_request(
    app: Flask, db, send: Callable[[User], object], subject: str
):
    user = UserFactory(locale="es")
    assert subject_sent(app, "en", lambda: send(user)) == subject


def test_the_administrators_notice_is_in_the_sites_language_from_a_spanish_request(app: Flask, db):
    app.config["FLASKY_ADMIN"] = "admin@example.com"
    user = UserFactory(locale="es")
    assert subject_sent(app, "es", lambda: account_mail.notify_admin_of_new_user(user)) == "[Flasky] New User"
