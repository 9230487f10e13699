"""``send_email``: templates, subject prefix, sender, the delivery handle, the outbox, and SMTP failing."""

import logging

from sqlalchemy import select

from app.email import external_url, send_email
from app.models import OutboxMessage
from tests.factories import UserFactory
from tests.mailserver import finish_deliveries, free_port, html_body, text_body, use_mail_server


def test_send_email_sends_both_templates_with_the_subject_prefix(app, db, smtp_server):
    app.config["FLASKY_MAIL_SUBJECT_PREFIX"] = "[Test]"
    user = UserFactory(username="john", email="john@example.com")
    with app.test_request_context():
        delivery = send_email("to@example.com", "Hello", "email/new_user", user=user)
        db.session.commit()
    assert not delivery.failed(timeout=5)
    mail = smtp_server.latest_to("to@example.com")
    assert mail["Subject"] == "[Test] Hello"
    assert mail["From"] == "Flasky Admin <flasky@example.com>"
    assert mail["To"] == "to@example.com"
    assert "john <john@example.com>" in text_body(mail)
    assert "<b>john</b> &lt;john@example.com&gt;" in html_body(mail)


def test_a_failed_send_is_logged_and_reported_by_the_delivery(app, db, caplog):
    use_mail_server(app, "127.0.0.1", free_port())
    user = UserFactory()
    with caplog.at_level(logging.ERROR, logger="app.email"), app.test_request_context():
        delivery = send_email("to@example.com", "Hello", "email/new_user", user=user)
        db.session.commit()
        assert delivery.failed(timeout=5)
    assert isinstance(delivery.error, ConnectionRefusedError)
    assert "Could not send '[Flasky] Hello' to to@example.com" in caplog.text


def test_a_mail_leaves_only_when_its_transaction_commits(app, db, smtp_server):
    user = UserFactory()
    with app.test_request_context():
        delivery = send_email("to@example.com", "Hello", "email/new_user", user=user)
        assert delivery.failed(timeout=0)
        db.session.rollback()
        db.session.commit()
    finish_deliveries()
    assert smtp_server.messages == []
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_a_delivered_mail_leaves_the_outbox(app, db, smtp_server):
    with app.test_request_context():
        delivery = send_email("to@example.com", "Hello", "email/new_user", user=UserFactory())
        db.session.commit()
    assert not delivery.failed(timeout=5)
    assert smtp_server.latest_to("to@example.com")
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_mail_links_are_absolute_on_the_configured_base_url(app):
    app.config["FLASKY_BASE_URL"] = "https://flasky.example/blog"
    with app.test_request_context(base_url="https://other.example"):
        assert external_url("auth.confirm", token="abc") == "https://flasky.example/blog/auth/confirm/abc"
