"""Security headers on every response, and pages a strict Content-Security-Policy can run: no inline script."""

from html.parser import HTMLParser
from pathlib import Path

import pytest

from app.security import CONTENT_SECURITY_POLICY
from tests.factories import CommentFactory, PostFactory, UserFactory
from tests.login import forget_current_user, log_in_as

APP_DIRECTORY = Path(__file__).resolve().parents[3] / "app"
TEMPLATES = sorted(APP_DIRECTORY.glob("**/templates/**/*.html"))


class InlineScriptFinder(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' would block: script bodies, event handlers, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script":
            self._in_script = True
            if not names.get("src"):
                self.problems.append("<script> without src")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{name} on <{tag}>")
            if value and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL in {name} on <{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.problems.append("script content")


def inline_script(page: str) -> list[str]:
    finder = InlineScriptFinder()
    finder.feed(page)
    finder.close()
    return finder.problems


def assert_security_headers(response) -> None:
    headers = response.headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_the_policy_allows_scripts_only_from_this_site_and_no_framing():
    directives = dict(directive.split(" ", 1) for directive in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in directives["default-src"]


def test_every_response_carries_the_whole_policy_directive_by_directive(client, db):
    directives = client.get("/").headers["Content-Security-Policy"].split("; ")
    assert directives == [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(APP_DIRECTORY)))
def test_no_template_has_inline_script_or_event_handlers(template):
    assert inline_script(template.read_text()) == []


@pytest.fixture
def site(db):
    """A user with a post, a comment on it, a follower, and the administrator looking at it all."""
    author = UserFactory(about_me="I *write*.")
    post = PostFactory(author=author)
    CommentFactory(post=post)
    admin = UserFactory(administrator=True)
    admin.follow(author)
    db.session.commit()
    return {"author": author, "post": post, "admin": admin}


def test_every_page_a_visitor_can_reach_runs_without_inline_script(client, site):
    author, post, admin = site["author"], site["post"], site["admin"]
    anonymous_pages = ["/auth/login", "/auth/register", "/auth/reset", "/auth/reset/not-a-token", "/no-such-page"]
    admin_pages = [
        "/",
        f"/user/{author.username}",
        f"/post/{post.id}",
        f"/edit/{post.id}",
        "/edit-profile",
        f"/edit-profile/{author.id}",
        f"/followers/{author.username}",
        f"/followed-by/{admin.username}",
        "/moderate",
        "/auth/change-password",
        "/auth/change-email",
        "/api/v1/docs",
    ]
    pages = {url: client.get(url) for url in anonymous_pages}
    log_in_as(client, admin)
    pages.update({url: client.get(url) for url in admin_pages})
    log_in_as(client, UserFactory(unconfirmed=True))
    pages["/auth/unconfirmed"] = client.get("/auth/unconfirmed")
    forget_current_user()

    for url, response in pages.items():
        assert response.mimetype == "text/html", url
        assert inline_script(response.text) == [], url
        assert_security_headers(response)
    assert [url for url, response in pages.items() if response.status_code != 200] == ["/no-such-page"]


@pytest.mark.parametrize(
    "url",
    ["/", "/auth/login", "/api/v1/posts/", "/api/v1/openapi.json", "/static/js/flask-moment.js", "/edit-profile"],
)
def test_every_kind_of_response_carries_the_security_headers(client, db, url):
    response = client.get(url)
    assert_security_headers(response)
    assert "Strict-Transport-Security" not in response.headers


def test_the_finder_catches_each_kind_of_inline_script():
    page = (
        '<script>alert(1)</script><img src=x onerror="alert(1)"><a href=" JavaScript:alert(1)">x</a><script></script>'
    )
    assert inline_script(page) == [
        "<script> without src",
        "script content",
        "onerror on <img>",
        "javascript: URL in href on <a>",
        "<script> without src",
    ]
