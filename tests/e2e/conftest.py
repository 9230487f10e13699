"""Browser end-to-end fixtures: the real app on a live port, its SMTP server and headless Chromium."""

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver
from sqlalchemy.exc import OperationalError

from app.extensions import db
from app.models import Role, User
from config import database_url
from tests.apps import make_app
from tests.appserver import LiveServer, serve_in_thread
from tests.databases import empty_tables
from tests.e2e.pages import HomePage, LoginPage
from tests.mailserver import MailServer, use_mail_server
from tests.services import unavailable

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM_ARGUMENTS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-gpu",
    "--disable-sync",
    "--window-size=1280,1024",
    # Offline like CI: any host but the live server (Gravatar, any CDN) fails at once instead of timing out.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
)
FACTORY_PASSWORD = "cat"


def live_server_settings(database_uri: str) -> dict[str, object]:
    """The testing configuration as a real browser needs it: CSRF on, a database that threads can share."""
    return {
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "WTF_CSRF_ENABLED": True,
        # Every test logs in from 127.0.0.1; the limits have their own tests.
        "RATELIMIT_ENABLED": False,
    }


@pytest.fixture(scope="package")
def mail_server() -> Iterator[MailServer]:
    """An SMTP server on a free local port that keeps every message the app sends."""
    server = MailServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="package")
def live_server(tmp_path_factory: pytest.TempPathFactory, mail_server: MailServer) -> Iterator[LiveServer]:
    """The real app on 127.0.0.1 and a free port, served from a thread, with its own database."""
    sqlite_file = tmp_path_factory.mktemp("e2e-database") / "flasky.sqlite"
    database_uri = database_url("TEST_DATABASE_URL", f"sqlite:///{sqlite_file}")
    app = make_app("testing", live_server_settings(database_uri))
    use_mail_server(app, mail_server.host, mail_server.port)
    with app.app_context():
        try:
            db.drop_all()
            db.create_all()
        except OperationalError as error:
            unavailable("Database", f"{database_uri} did not answer ({error.orig.__class__.__name__})")
    with serve_in_thread(app, name="e2e-live-server") as server:
        # Links in mails are built on the configured address, never the request's Host.
        app.config["FLASKY_BASE_URL"] = server.url
        yield server
    with app.app_context():
        empty_tables()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def site(live_server: LiveServer, mail_server: MailServer) -> Iterator[LiveServer]:
    """A fresh site per test: empty tables, the standard roles, no mail; its app context is pushed for factories."""
    mail_server.clear()
    with live_server.app.app_context():
        empty_tables()
        Role.insert_roles()
        yield live_server
        db.session.remove()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    """Headless Debian Chromium with a fresh profile, driven by chromedriver."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        unavailable("Browser", f"{CHROMIUM} or {CHROMEDRIVER} is missing; install them with .ci/install-browser")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in CHROMIUM_ARGUMENTS:
        options.add_argument(argument)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    try:
        driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    except WebDriverException as error:
        unavailable("Browser", f"Chromium did not start ({error.msg})")
    yield driver
    driver.quit()


@pytest.fixture
def log_in(browser: WebDriver, site: LiveServer) -> Callable[..., HomePage]:
    """Log a user in through the login page: ``log_in(user)`` returns the home page it lands on."""

    def log_in(user: User, password: str = FACTORY_PASSWORD, remember_me: bool = False) -> HomePage:
        return LoginPage(browser, site.url).open().log_in(HomePage, user.email, password, remember_me)

    return log_in


def artifact_stem(nodeid: str) -> str:
    """A file name for a test's artifacts, safe on every file system."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid).strip("_")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[pytest.TestReport]:
    """On failure, keep a screenshot and the page source in test-artifacts/e2e/ to see what the browser saw."""
    report = yield
    driver = getattr(item, "funcargs", {}).get("browser")
    if report.failed and report.when in {"setup", "call"} and isinstance(driver, WebDriver):
        folder = item.config.rootpath / "test-artifacts" / "e2e"
        folder.mkdir(parents=True, exist_ok=True)
        stem = folder / artifact_stem(item.nodeid)
        try:
            driver.save_screenshot(f"{stem}.png")
            Path(f"{stem}.html").write_text(driver.page_source, encoding="utf-8")
        except WebDriverException as error:
            report.sections.append(("e2e artifacts", f"could not save: {error.msg}"))
        else:
            report.sections.append(("e2e artifacts", f"{stem}.png, {stem}.html ({driver.current_url})"))
    return report


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Fail loudly if an e2e test forgets its marker, so `-m e2e` and `-m "not e2e"` stay exact."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents and item.get_closest_marker("e2e") is None:
            raise pytest.UsageError(f"{item.nodeid} is an e2e test without @pytest.mark.e2e")
