"""Post titles and tags in the web UI: written in the post form, shown on the pages, read back through Conduit."""

import html
import re

from sqlalchemy import func, select

from app.models import Post
from tests.factories import PostFactory, UserFactory
from tests.login import log_in_as


def publish(client, db, **fields) -> Post:
    """Publish a post through the home page form; return it as stored."""
    response = client.post("/", data={"submit": "Submit", **fields})
    assert response.status_code == 302
    return db.session.scalar(select(Post).order_by(Post.id.desc()))


def tagged_post(db, tags: list[str], **fields) -> Post:
    post = PostFactory(**fields)
    post.tag_names = tags
    db.session.commit()
    return post


def post_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Post))


def test_writer_sees_optional_title_and_tags_fields(client, db):
    log_in_as(client, UserFactory())
    page = client.get("/").text
    assert 'name="title"' in page
    assert 'name="tags"' in page
    assert "Leave it blank to use the first line of the post." in page


def test_a_post_with_a_title_and_tags_shows_them_at_home_and_on_its_page(client, db):
    log_in_as(client, UserFactory())
    post = publish(client, db, title="  Why Flask  ", body="Because it is small.", tags="flask, python , ,flask")
    assert (post.title, post.tag_names) == ("Why Flask", ["flask", "python"])
    for page in (client.get("/").text, client.get(f"/post/{post.id}").text):
        assert f'<a class="text-reset text-decoration-none" href="/post/{post.id}">Why Flask</a>' in page
        assert ">flask</span>" in page
        assert ">python</span>" in page
    assert "<title>Flasky - Why Flask</title>" in client.get(f"/post/{post.id}").text


def test_a_post_without_a_title_is_titled_by_its_first_line(client, db):
    log_in_as(client, UserFactory())
    post = publish(client, db, title="   ", body="\n# Hello *world*\n\nThe rest.")
    assert post.title == "Hello *world*"
    assert post.tag_names == []
    page = client.get(f"/post/{post.id}").text
    assert ">Hello *world*</a>" in page
    assert "post-tags" not in page


def test_a_post_form_without_title_or_tags_fields_still_publishes(client, db):
    log_in_as(client, UserFactory())
    post = publish(client, db, body="Only a body")
    assert (post.title, post.tag_names) == ("Only a body", [])


def test_titles_and_tags_are_escaped_on_the_page(client, db):
    log_in_as(client, UserFactory())
    post = publish(client, db, title="<script>alert(1)</script>", body="text", tags="<b>bold</b>")
    page = client.get(f"/post/{post.id}").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt;</span>" in page


def test_a_tag_too_long_is_a_form_error_and_nothing_is_published(client, db):
    log_in_as(client, UserFactory())
    response = client.post("/", data={"body": "text", "tags": "fine, " + "x" * 65, "submit": "Submit"})
    assert response.status_code == 200
    assert "tags must be at most 64 characters" in response.text
    assert 'value="fine, xxx' in response.text
    assert post_count(db) == 0


def test_a_title_too_long_is_a_form_error_and_nothing_is_published(client, db):
    log_in_as(client, UserFactory())
    response = client.post("/", data={"title": "t" * 201, "body": "text", "submit": "Submit"})
    assert response.status_code == 200
    assert "Title is too long (maximum is 200 characters)." in response.text
    assert post_count(db) == 0


def test_the_edit_form_is_filled_with_the_title_and_tags(client, db):
    post = tagged_post(db, ["one", "two"], title="Old title", body="Old body")
    log_in_as(client, post.author)
    page = client.get(f"/edit/{post.id}").text
    assert 'name="title" type="text" value="Old title"' in page
    assert 'name="tags" type="text" value="one, two"' in page


def test_editing_changes_the_title_and_tags(client, db):
    post = tagged_post(db, ["one", "two"], title="Old title", body="Old body")
    log_in_as(client, post.author)
    data = {"title": "New title", "body": "New body", "tags": "two, three", "submit": "Submit"}
    response = client.post(f"/edit/{post.id}", data=data)
    assert response.headers["Location"] == f"/post/{post.id}"
    page = client.get(f"/post/{post.id}").text
    assert ">New title</a>" in page
    assert ">two</span>" in page
    assert ">three</span>" in page
    assert ">one</span>" not in page
    db.session.expire_all()
    assert db.session.get(Post, post.id).tag_names == ["two", "three"]


def test_clearing_the_title_on_edit_titles_the_post_by_its_new_first_line(client, db):
    post = PostFactory(title="Old title", body="Old body")
    log_in_as(client, post.author)
    client.post(f"/edit/{post.id}", data={"title": "", "body": "Fresh start\nmore", "tags": "", "submit": "Submit"})
    db.session.expire_all()
    edited = db.session.get(Post, post.id)
    assert (edited.title, edited.tag_names, edited.slug) == ("Fresh start", [], post.slug)


def test_edit_preview_keeps_the_typed_title_and_tags_without_saving(client, db):
    post = tagged_post(db, ["kept"], title="Kept", body="kept")
    log_in_as(client, post.author)
    data = {"title": "Draft", "body": "*draft*", "tags": "draft", "preview": "Preview"}
    page = client.post(f"/edit/{post.id}", data=data).text
    assert "<em>draft</em>" in page
    assert 'name="title" type="text" value="Draft"' in page
    assert 'name="tags" type="text" value="draft"' in page
    db.session.expire_all()
    kept = db.session.get(Post, post.id)
    assert (kept.title, kept.tag_names) == ("Kept", ["kept"])


def test_a_web_post_is_a_conduit_article_with_its_title_and_tags(client, db):
    author = UserFactory(username="writer")
    log_in_as(client, author)
    post = publish(client, db, title="From the web", body="Written in the *form*.", tags="web, flask")
    listing = client.get("/api/articles", query_string={"tag": "web"}).json
    assert listing["articlesCount"] == 1
    article = listing["articles"][0]
    assert (article["slug"], article["title"], article["tagList"]) == (post.slug, "From the web", ["web", "flask"])
    assert article["author"]["username"] == "writer"
    assert client.get(f"/api/articles/{post.slug}").json["article"]["body"] == "Written in the *form*."


def test_a_tag_with_a_comma_survives_saving_the_edit_form_unchanged(client, db):
    post = tagged_post(db, ["rock, paper", 'say "hi"', "scissors"], title="Game", body="Rules")
    log_in_as(client, post.author)
    page = client.get(f"/edit/{post.id}").text
    shown = html.unescape(re.search(r'name="tags" type="text" value="([^"]*)"', page).group(1))
    assert shown == '"rock, paper", "say ""hi""", scissors'

    data = {"title": "Game", "body": "Rules", "tags": shown, "submit": "Submit"}
    assert client.post(f"/edit/{post.id}", data=data).status_code == 302

    db.session.expire_all()
    assert db.session.get(Post, post.id).tag_names == ["rock, paper", 'say "hi"', "scissors"]
