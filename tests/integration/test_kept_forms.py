"""Blank forms' fields kept once per language (app/forms.py ``kept_field``): never a visitor's text or another
language, never a form that holds data."""

import re

from tests.factories import PostFactory, UserFactory
from tests.login import log_in_as


def post_form(text: str) -> str:
    """The home page's post form, without its CSRF token."""
    form = re.search(r'<form action="/" method="post" novalidate>.*?</form>', text, flags=re.DOTALL)[0]
    return re.sub(r'<input id="csrf_token"[^>]*>', "", form)


def signed_in(app, user):
    client = app.test_client()
    log_in_as(client, user)
    return client


def test_a_blank_post_form_is_shown_in_each_readers_language(app, db):
    english, spanish = signed_in(app, UserFactory(locale="en")), signed_in(app, UserFactory(locale="es"))
    assert ">Title</label>" in post_form(english.get("/").get_data(as_text=True))
    form = post_form(spanish.get("/").get_data(as_text=True))
    assert ">Título</label>" in form
    assert "¿Qué estás pensando?" in form
    assert ">Title</label>" in post_form(english.get("/").get_data(as_text=True))


def test_text_typed_into_the_form_stays_with_its_writer(app, db):
    writer, reader = signed_in(app, UserFactory()), signed_in(app, UserFactory())
    blank = post_form(reader.get("/").get_data(as_text=True))
    data = {"title": "My draft title", "body": "Draft words", "tags": "drafts", "preview": "Preview"}
    previewed = post_form(writer.post("/", data=data).get_data(as_text=True))
    assert 'value="My draft title"' in previewed
    assert "Draft words" in previewed
    assert post_form(reader.get("/").get_data(as_text=True)) == blank
    assert post_form(writer.get("/").get_data(as_text=True)) == blank


def test_a_refused_form_shows_its_errors_and_the_next_blank_one_none(app, db):
    writer = signed_in(app, UserFactory())
    refused = writer.post("/", data={"title": "Only a title", "body": ""}).get_data(as_text=True)
    assert "invalid-feedback" in post_form(refused)
    again = post_form(writer.get("/").get_data(as_text=True))
    assert "invalid-feedback" not in again
    assert "Only a title" not in again


def test_the_edit_form_shows_the_posts_own_text_after_a_blank_form_was_kept(app, db):
    author = UserFactory()
    post = PostFactory(author=author, title="Kept title", body="Kept body")
    client = signed_in(app, author)
    client.get("/")
    text = client.get(f"/edit/{post.id}").get_data(as_text=True)
    assert 'value="Kept title"' in text
    assert "Kept body" in text
