"""The XSS corpus, and generated markup, through every place a user writes: nothing executable is stored or shown."""

from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import select

from app.markdown import render_markdown
from app.models import Comment, Post, User
from tests.factories import PostFactory, UserFactory
from tests.html_safety import XSS_PAYLOADS, executable_constructs
from tests.integration.api.conftest import token_auth
from tests.login import log_in_as
from tests.unit.test_sanitising import MIXED_INPUT

from .test_headers import inline_script

VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class RegionFinder(HTMLParser):
    """Finds the inner HTML of every element whose class list holds ``css_class``."""

    def __init__(self, page: str, css_class: str) -> None:
        super().__init__(convert_charrefs=False)
        self.page = page
        self.css_class = css_class
        self.line_starts = [0]
        for line in page.splitlines(keepends=True):
            self.line_starts.append(self.line_starts[-1] + len(line))
        self.regions: list[str] = []
        self._depth = 0
        self._start = 0

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_ELEMENTS:
            return
        if self._depth:
            self._depth += 1
        elif self.css_class in (dict(attrs).get("class") or "").split():
            self._depth = 1
            self._start = self._offset() + len(self.get_starttag_text())

    def handle_endtag(self, tag: str) -> None:
        if self._depth and tag not in VOID_ELEMENTS:
            self._depth -= 1
            if not self._depth:
                self.regions.append(self.page[self._start : self._offset()])


def user_content(page: str, css_class: str) -> list[str]:
    """The inner HTML of the page's user-content regions of class ``css_class``."""
    finder = RegionFinder(page, css_class)
    finder.feed(page)
    finder.close()
    return finder.regions


def test_user_content_finds_nested_regions_and_only_those():
    page = '<div class="x post-body"><div><p>a<br>b</p></div></div><div class="other">c</div>'
    assert user_content(page, "post-body") == ["<div><p>a<br>b</p></div>"]


def assert_nothing_executable(stored_html: str, page: str, css_class: str, payload: str) -> None:
    regions = user_content(page, css_class)
    # An empty rendering (a lone <script>, say) leaves nothing to show; anything else must be on the page.
    assert regions or not stored_html.strip(), f"no {css_class} region for {payload!r}"
    assert executable_constructs(stored_html) == [], payload
    assert [problem for region in regions for problem in executable_constructs(region)] == [], payload
    assert inline_script(page) == [], payload


def created_id(response) -> int:
    """The id of the resource an API ``201`` made, from its ``url``."""
    return int(response.json["url"].rstrip("/").rsplit("/", 1)[1])


def latest(db, model):
    return db.session.scalar(select(model).order_by(model.id.desc()).limit(1))


@pytest.fixture
def writer(client, db):
    user = UserFactory()
    log_in_as(client, user)
    return user


def test_the_corpus_posted_through_the_web_form(client, db, writer):
    for payload in XSS_PAYLOADS:
        client.post("/", data={"body": payload, "submit": "Submit"})
        post = latest(db, Post)
        assert post.body == payload

        assert_nothing_executable(post.body_html, client.get(f"/post/{post.id}").text, "post-body", payload)


def test_the_corpus_previewed_through_the_web_form(client, db, writer):
    for payload in XSS_PAYLOADS:
        page = client.post("/", data={"body": payload, "preview": "Preview"}).text
        preview = user_content(page, "preview")

        # A payload that renders to nothing (a lone <script>, say) leaves no preview to show.
        assert len(preview) == (1 if render_markdown(payload) else 0), payload
        assert inline_script(page) == [], payload
        assert [problem for region in preview for problem in executable_constructs(region)] == [], payload


def test_the_corpus_as_comments(client, db, writer):
    post = PostFactory()
    for payload in XSS_PAYLOADS:
        client.post(f"/post/{post.id}", data={"body": payload})
        comment = latest(db, Comment)
        assert comment.body == payload

        page = client.get(f"/post/{post.id}?page=-1").text
        assert_nothing_executable(comment.body_html, page, "comment-body", payload)


def test_the_corpus_as_about_me_and_profile_fields(client, db, writer):
    for payload in XSS_PAYLOADS:
        client.post("/edit-profile", data={"name": payload[:64], "location": payload[:64], "about_me": payload})
        db.session.expire_all()
        user = db.session.get(User, writer.id)
        assert user.about_me == payload

        page = client.get(f"/user/{user.username}").text
        assert_nothing_executable(user.about_me_html, page, "profile-about", payload)


@pytest.mark.parametrize("kind", ["post", "comment"])
def test_the_corpus_through_the_api(client, db, kind):
    user = UserFactory()
    target = PostFactory()
    url = "/api/v1/posts/" if kind == "post" else f"/api/v1/posts/{target.id}/comments/"
    model, css_class = (Post, "post-body") if kind == "post" else (Comment, "comment-body")
    for payload in XSS_PAYLOADS:
        created = client.post(url, json={"body": payload}, headers=token_auth(user))
        assert created.status_code == 201, payload
        stored = db.session.get(model, created_id(created))

        page_of = stored.id if kind == "post" else f"{target.id}?page=-1"
        page = client.get(f"/post/{page_of}").text
        assert created.json["body_html"] == stored.body_html
        assert_nothing_executable(stored.body_html, page, css_class, payload)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=MIXED_INPUT.filter(str.strip))
def test_generated_markup_posted_through_the_api_never_shows_anything_executable(client, db, body):
    user = db.session.scalar(select(User).where(User.username == "hypothesis")) or UserFactory(username="hypothesis")

    created = client.post("/api/v1/posts/", json={"body": body}, headers=token_auth(user))

    if created.status_code == 422:
        assert "body" in created.json["message"]
        return
    assert created.status_code == 201
    page = client.get(f"/post/{created_id(created)}").text
    assert_nothing_executable(created.json["body_html"], page, "post-body", body)
