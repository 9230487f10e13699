"""Private messages through the web pages and API v1: sending, the conversations, reading, and who may write."""

from app.extensions import db
from app.models import Conversation, Message, Notification
from tests.factories import UserFactory
from tests.integration.api.conftest import token_auth
from tests.login import log_in_as


def conversation_of(user, other) -> Conversation | None:
    db.session.expire_all()
    return db.session.get(Conversation, (user.id, other.id))


def test_a_message_starts_a_conversation_on_both_sides(db, actions):
    ann, bob = UserFactory(), UserFactory()

    response = actions.message(ann, bob, "Hello, *Bob*")

    assert response.status_code == actions.done("message")
    message = db.session.scalar(db.select(Message))
    assert (message.sender_id, message.recipient_id, message.body) == (ann.id, bob.id, "Hello, *Bob*")
    assert message.body_html == "<p>Hello, <em>Bob</em></p>"
    assert conversation_of(ann, bob).unread_count == 0
    assert conversation_of(bob, ann).unread_count == 1
    assert conversation_of(bob, ann).last_message_id == message.id


def test_a_message_is_sanitised_like_a_post(db, actions):
    ann, bob = UserFactory(), UserFactory()

    actions.message(ann, bob, '<script>alert(1)</script><a href="javascript:alert(2)">x</a> **hi**')

    html = db.session.scalar(db.select(Message.body_html))
    assert "<script" not in html
    assert "javascript:" not in html
    assert "<strong>hi</strong>" in html


def test_writing_to_yourself_is_refused(db, actions):
    ann = UserFactory()

    response = actions.message(ann, ann)

    if actions.interface == "web":
        assert response.status_code == 200
        assert "You cannot send yourself a message." in response.get_data(as_text=True)
    else:
        assert response.status_code == 422
        assert response.json["errors"] == {"recipient": ["is you"]}
    assert db.session.scalar(db.select(db.func.count()).select_from(Message)) == 0


def test_an_empty_message_is_refused(db, actions):
    ann, bob = UserFactory(), UserFactory()

    response = actions.message(ann, bob, "   ")

    assert response.status_code in {200, 422}
    assert db.session.scalar(db.select(db.func.count()).select_from(Message)) == 0


def test_an_unconfirmed_user_cannot_write(db, actions):
    ann, bob = UserFactory(unconfirmed=True), UserFactory()

    response = actions.message(ann, bob)

    if actions.interface == "web":
        assert response.status_code == 302
        assert "/auth/unconfirmed" in response.headers["Location"]
    else:
        assert response.status_code == 403
    assert db.session.scalar(db.select(db.func.count()).select_from(Message)) == 0


def test_the_conversations_list_has_one_row_per_correspondent_newest_first(client, db):
    me, ann, bob, cat = UserFactory(), UserFactory(username="ann"), UserFactory(username="bob"), UserFactory()
    for sender, recipient, body in [
        (ann, me, "ann 1"),
        (me, bob, "to bob"),
        (ann, me, "ann 2"),
        (cat, bob, "not mine"),
    ]:
        client.post(f"/api/v1/conversations/{recipient.id}", json={"body": body}, headers=token_auth(sender))

    listed = client.get("/api/v1/conversations/", headers=token_auth(me)).json

    assert [(row["username"], row["last_message"]["body"], row["unread_count"]) for row in listed["conversations"]] == [
        ("ann", "ann 2", 2),
        ("bob", "to bob", 0),
    ]
    log_in_as(client, me)
    page = client.get("/messages").get_data(as_text=True)
    assert page.index("ann 2") < page.index("to bob")
    assert "not mine" not in page
    assert 'conversation-unread" title="Unread">2<' in page


def test_the_conversations_list_is_paginated(client, db, app):
    me = UserFactory()
    for _ in range(3):
        client.post(f"/api/v1/conversations/{me.id}", json={"body": "hi"}, headers=token_auth(UserFactory()))

    first = client.get("/api/v1/conversations/?per_page=2", headers=token_auth(me)).json

    assert first["count"] == 3
    assert len(first["conversations"]) == 2
    second = client.get(first["next"], headers=token_auth(me)).json
    assert len(second["conversations"]) == 1
    assert second["next"] is None


def test_opening_a_conversation_shows_it_and_marks_it_read(client, db):
    ann, bob = UserFactory(), UserFactory()
    for body in ("First", "Second"):
        client.post(f"/api/v1/conversations/{bob.id}", json={"body": body}, headers=token_auth(ann))
    log_in_as(client, bob)

    page = client.get(f"/messages/{ann.username}").get_data(as_text=True)

    assert page.index("First") < page.index("Second")
    assert 'id="body"' in page
    assert conversation_of(bob, ann).unread_count == 0
    assert db.session.scalar(db.select(db.func.count()).where(Message.read_at.is_(None))) == 0
    assert db.session.scalar(db.select(db.func.count()).where(Notification.read_at.is_(None))) == 0


def test_a_reply_goes_back_to_the_conversation_and_is_unread_until_opened(client, db):
    ann, bob = UserFactory(), UserFactory()
    client.post(f"/api/v1/conversations/{bob.id}", json={"body": "Hi Bob"}, headers=token_auth(ann))
    log_in_as(client, bob)

    response = client.post(f"/messages/{ann.username}", data={"body": "Hi Ann"}, follow_redirects=True)

    assert response.request.path == f"/messages/{ann.username}"
    assert response.get_data(as_text=True).index("Hi Bob") < response.get_data(as_text=True).index("Hi Ann")
    assert conversation_of(ann, bob).unread_count == 1
    assert conversation_of(bob, ann).unread_count == 0


def test_the_api_reads_a_conversation_without_marking_it_until_asked(client, db):
    ann, bob = UserFactory(), UserFactory()
    client.post(f"/api/v1/conversations/{bob.id}", json={"body": "Hi Bob"}, headers=token_auth(ann))

    listed = client.get(f"/api/v1/conversations/{ann.id}", headers=token_auth(bob)).json

    assert [message["body"] for message in listed["messages"]] == ["Hi Bob"]
    assert listed["messages"][0]["read_at"] is None
    assert conversation_of(bob, ann).unread_count == 1
    assert client.post(f"/api/v1/conversations/{ann.id}/read", headers=token_auth(bob)).status_code == 204
    assert conversation_of(bob, ann).unread_count == 0
    assert client.get(f"/api/v1/conversations/{ann.id}", headers=token_auth(bob)).json["messages"][0]["read_at"]


def test_a_message_is_visible_to_its_two_users_only(client, db):
    ann, bob, eve = UserFactory(), UserFactory(), UserFactory()
    sent = client.post(f"/api/v1/conversations/{bob.id}", json={"body": "Secret"}, headers=token_auth(ann))
    url = sent.headers["Location"]

    assert client.get(url, headers=token_auth(ann)).json["body"] == "Secret"
    assert client.get(url, headers=token_auth(bob)).json["body"] == "Secret"
    assert client.get(url, headers=token_auth(eve)).status_code == 404
    assert client.get(f"/api/v1/conversations/{ann.id}", headers=token_auth(eve)).json["messages"] == []


def test_a_conversation_with_nobody_is_not_found(client, db):
    me = UserFactory()
    log_in_as(client, me)

    assert client.get("/messages/nobody").status_code == 404
    assert client.get("/api/v1/conversations/999", headers=token_auth(me)).status_code == 404
    assert client.post("/api/v1/conversations/999", json={"body": "x"}, headers=token_auth(me)).status_code == 404


def test_the_messages_pages_need_a_signed_in_user(client, db):
    ann = UserFactory()

    assert "/auth/login" in client.get("/messages").headers["Location"]
    assert "/auth/login" in client.get(f"/messages/{ann.username}").headers["Location"]
    assert client.get("/api/v1/conversations/").status_code == 401
