"""Every kind of page Flasky renders, checked in a browser by axe-core against WCAG 2.1 A and AA and axe's best
practices: no violations, except the vendored Swagger UI's own, listed in ``SWAGGER_UI_VIOLATIONS``."""

from collections.abc import Callable
from pathlib import Path

import pyotp
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from app.services.follows import follow
from app.services.messages import send_message
from tests.e2e.conftest import FACTORY_PASSWORD
from tests.e2e.pages import HomePage, LoginCodePage, LoginPage, Navbar, Page, SecurityPage, UnconfirmedPage
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "axe" / "axe.min.js"
AXE_VERSION = "4.14.1"
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: "tag", values: arguments[0]}, resultTypes: ["violations"]})
  .then((results) => done(results.violations), (error) => done([{id: "axe-error", impact: String(error), nodes: []}]));
"""
# Swagger UI's own markup, which our page cannot change (README.md, "Accessibility"): an operation's summary is a
# button holding the copy-path button, and each tag's h3 follows the title's h1 with no h2 between.
SWAGGER_UI_VIOLATIONS = {"nested-interactive", "heading-order"}


def axe_violations(browser: WebDriver) -> list[dict]:
    """The violations axe-core finds on the page the browser shows."""
    if not browser.execute_script("return typeof window.axe === 'object'"):
        browser.execute_script(AXE.read_text(encoding="utf-8"))
    browser.set_script_timeout(60)
    return browser.execute_async_script(RUN_AXE, RULE_TAGS)


def described(violations_by_page: dict[str, list[dict]]) -> str:
    """Each violation's rule, impact and the elements it was found on, page by page."""
    lines = []
    for page, violations in violations_by_page.items():
        for violation in violations:
            lines.append(f"{page}: {violation['id']} ({violation['impact']}) {violation.get('help', '')}")
            lines.extend(f"    {node['target']}: {node.get('failureSummary', '')!r}" for node in violation["nodes"])
    return "\n".join(lines)


class Visitor:
    """Opens pages by path and keeps what axe-core finds on each."""

    def __init__(self, browser: WebDriver, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.found: dict[str, list[dict]] = {}

    def check(self, name: str, path: str, ready: str = "main", ignore: set[str] = frozenset()) -> None:
        """Open ``path``, wait for the element ``ready`` (a CSS selector), and record its violations as ``name``."""
        page = Page(self.browser, self.base_url)
        page.marker = (By.CSS_SELECTOR, ready)
        page.path = path
        page.open()
        self.record(name, ignore)

    def record(self, name: str, ignore: set[str] = frozenset()) -> None:
        violations = [violation for violation in axe_violations(self.browser) if violation["id"] not in ignore]
        if violations:
            self.found[name] = violations

    def assert_no_violations(self) -> None:
        if self.found:
            pytest.fail("axe-core found:\n" + described(self.found), pytrace=False)


@pytest.fixture
def visitor(browser, site) -> Visitor:
    return Visitor(browser, site.url)


@pytest.fixture
def community(site):
    """Ada, who follows Bob, writes to him and is written to; Bob's post with a comment; a moderator."""
    ada = UserFactory(username="ada", email="ada@example.com")
    bob = UserFactory(username="bob", email="bob@example.com", about_me="I write about *sourdough*.")
    moderator = UserFactory(username="mod", moderator=True)
    post = PostFactory(author=bob, title="Baking sourdough", body="Sourdough needs **patience**.")
    ada_post = PostFactory(author=ada, title="Ada on engines", body="Engines and sourdough.")
    CommentFactory(post=post, author=ada, body="Lovely *crumb*.")
    follow(ada, bob)
    follow(bob, ada)
    send_message(ada, bob, "Bread on **Sunday**?")
    send_message(bob, ada, "Yes, bring butter.")
    return {"ada": ada, "bob": bob, "moderator": moderator, "post": post, "ada_post": ada_post}


def test_pages_a_visitor_sees_have_no_violations(visitor, community):
    post, bob = community["post"], community["bob"]

    visitor.check("home", "/")
    visitor.check("post", f"/post/{post.id}")
    visitor.check("profile", f"/user/{bob.username}")
    visitor.check("followers", f"/followers/{bob.username}")
    visitor.check("followed by", f"/followed-by/{bob.username}")
    visitor.check("search with results", "/search?q=sourdough", ready="main .search-result")
    visitor.check("login", "/auth/login")
    visitor.check("register", "/auth/register")
    visitor.check("reset request", "/auth/reset")
    visitor.check("reset", f"/auth/reset/{bob.generate_reset_token()}")
    visitor.check("not found", "/no-such-page")

    visitor.assert_no_violations()


def test_pages_a_signed_in_user_sees_have_no_violations(visitor, community, log_in: Callable[..., HomePage]):
    ada, bob, post = community["ada"], community["bob"], community["post"]

    home = log_in(ada)
    visitor.record("home, signed in")
    home.show_followed()
    visitor.record("home, Followed")
    visitor.check("own profile", f"/user/{ada.username}")
    visitor.check("other's profile", f"/user/{bob.username}")
    visitor.check("profile editor", "/edit-profile")
    visitor.check("post with comments", f"/post/{post.id}")
    visitor.check("post editor", f"/edit/{community['ada_post'].id}")
    visitor.check("followers", f"/followers/{ada.username}")
    visitor.check("security", "/auth/security")
    visitor.check("two-step set-up", "/auth/two-factor")
    visitor.check("messages", "/messages")
    visitor.check("conversation", f"/messages/{bob.username}")
    visitor.check("notifications", "/notifications")
    visitor.check("search with results", "/search?q=sourdough", ready="main .search-result")
    visitor.check("forbidden", "/moderate")
    visitor.check("password change", "/auth/change-password")
    visitor.check("email change", "/auth/change-email")
    visitor.check("password asked again", "/auth/reauthenticate")
    visitor.check("block", f"/block/{bob.username}")
    visitor.check("data export", "/account/export")
    visitor.check("account deletion", "/account/delete")

    visitor.assert_no_violations()


def test_the_page_an_unconfirmed_user_sees_has_no_violations(visitor, browser, site):
    newcomer = UserFactory(username="newcomer", unconfirmed=True)

    LoginPage(browser, site.url).open().log_in(UnconfirmedPage, newcomer.email, FACTORY_PASSWORD)
    visitor.record("unconfirmed")

    visitor.assert_no_violations()


def test_the_two_step_sign_in_pages_have_no_violations(visitor, browser, site, log_in):
    dana = UserFactory(username="dana")
    log_in(dana)
    setup = SecurityPage(browser, site.url).open().set_up_two_factor()
    visitor.record("two-step set-up")

    setup.turn_on(pyotp.TOTP(setup.secret).now())
    visitor.record("recovery codes")
    Navbar(browser, site.url).log_out()
    LoginPage(browser, site.url).open().log_in(LoginCodePage, dana.email, FACTORY_PASSWORD)
    visitor.record("code step of the sign-in")

    visitor.assert_no_violations()


def test_the_profile_editor_of_an_administrator_has_no_violations(visitor, community, log_in):
    log_in(UserFactory(username="root", administrator=True))

    visitor.check("profile editor of another", f"/edit-profile/{community['bob'].id}")

    visitor.assert_no_violations()


def test_the_moderation_page_has_no_violations(visitor, community, log_in):
    log_in(community["moderator"])

    visitor.check("moderation", "/moderate")

    visitor.assert_no_violations()


def test_pages_in_spanish_have_no_violations(visitor, community, browser, site, log_in):
    post = community["post"]
    # The footer's language switch keeps the choice in this cookie.
    HomePage(browser, site.url).open()
    browser.add_cookie({"name": site.app.config["FLASKY_LOCALE_COOKIE"], "value": "es"})

    visitor.check("home", "/")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "es"
    visitor.check("post", f"/post/{post.id}")
    visitor.check("register", "/auth/register")
    visitor.check("not found", "/no-such-page")
    log_in(community["ada"])
    visitor.record("home, signed in")
    visitor.check("profile editor", "/edit-profile")
    visitor.check("search with results", "/search?q=sourdough", ready="main .search-result")

    visitor.assert_no_violations()


def test_the_api_docs_have_only_swagger_ui_s_known_violations(visitor, site):
    visitor.check("API docs", "/api/v1/docs", ready="#swagger-ui .opblock", ignore=SWAGGER_UI_VIOLATIONS)

    visitor.assert_no_violations()


def test_the_vendored_axe_core_is_the_version_named():
    assert AXE.read_text(encoding="utf-8").startswith(f"/*! axe v{AXE_VERSION}")
