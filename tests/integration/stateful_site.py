"""What the stateful test needs around its machine: a fresh database per example, and the three interfaces read back.

Each reader asks one interface one question the way its clients ask it and returns the plain answer (ids, names,
counts), so the machine compares it with its model without knowing any page's markup or any JSON's shape.
"""

import base64
import re
from collections.abc import Iterable

from flask.testing import FlaskClient

from app.extensions import db
from app.models import Role
from tests.databases import empty_tables
from tests.mailserver import MailServer, finish_deliveries, links
from tests.taskqueue import finish_background_tasks

PAGE = 100  # every list is read in one page: no example grows past it

POST_ID = re.compile(r'<li class="post [^"]*" id="post-(\d+)"')
COMMENT = re.compile(r'<li class="comment [^"]*" id="comment-(\d+)">(.*?)</li>', re.S)
COMMENT_BODY = re.compile(r'<div class="comment-body">(.*?)</div>', re.S)
FOLLOW_ROW = re.compile(r'<td><a href="/user/([^"]+)">')
COUNT = re.compile(r'class="[^"]*\b(post-count|follower-count|followed-count)">(\d+)')
DISABLED_NOTICE = "This comment has been disabled by a moderator."


def reset_database(mailbox: MailServer) -> None:
    """Empty every table (ids start again at 1), insert the roles and empty the mailbox, as the ``db`` fixture does."""
    finish_deliveries()
    finish_background_tasks()
    db.session.rollback()
    db.session.remove()
    empty_tables()
    Role.insert_roles()
    mailbox.clear()


def confirmation_path(mailbox: MailServer, address: str) -> str:
    """The path of the link in the newest confirmation mail to ``address``, as it arrived at the SMTP server."""
    finish_deliveries()
    mails = [mail for mail in mailbox.to(address) if "Confirm Your Account" in mail["Subject"]]
    assert mails, f"no confirmation mail reached {address}"
    return "/" + links(mails[-1])[0].split("/", 3)[3]


def redirect_target(response) -> str | None:
    """Where a redirect sends the client; ``None`` when the response is no redirect."""
    return response.headers["Location"] if response.status_code == 302 else None


def basic(email: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{email}:{password}".encode()).decode()}


def token(value: str) -> dict[str, str]:
    return {"Authorization": f"Token {value}"}


# The web pages.


def profile_counts(client: FlaskClient, username: str) -> dict[str, int]:
    """The profile's post, follower and followed counts, as the page shows them."""
    page = client.get(f"/user/{username}")
    assert page.status_code == 200, page.status_code
    return {name: int(number) for name, number in COUNT.findall(page.text)}


def follow_list(client: FlaskClient, kind: str, username: str) -> set[str]:
    """The names on a user's ``followers`` or ``followed-by`` page."""
    page = client.get(f"/{kind}/{username}")
    assert page.status_code == 200, page.status_code
    return set(FOLLOW_ROW.findall(page.text))


def followed_tab(client: FlaskClient) -> list[int]:
    """The ids of the posts on the home page's Followed tab (the cookie its button sets) of ``client``'s user."""
    client.set_cookie("show_followed", "1")
    page = client.get("/")
    client.delete_cookie("show_followed")
    return [int(number) for number in POST_ID.findall(page.text)]


def home_posts(client: FlaskClient) -> list[int]:
    return [int(number) for number in POST_ID.findall(client.get("/").text)]


def web_comments(client: FlaskClient, post_id: int) -> dict[int, str | None]:
    """The post page's comments: each id with its text, or ``None`` when the page shows only the disabled notice."""
    page = client.get(f"/post/{post_id}")
    assert page.status_code == 200, page.status_code
    shown: dict[int, str | None] = {}
    for number, item in COMMENT.findall(page.text):
        body = COMMENT_BODY.search(item).group(1).replace(DISABLED_NOTICE, "")
        text_shown = re.sub(r"<[^>]+>", "", body).strip()
        shown[int(number)] = text_shown or None
    return shown


# API v1.


def api_ids(items: Iterable[dict], key: str = "url") -> list[int]:
    return [int(item[key].rstrip("/").rsplit("/", 1)[1]) for item in items]


def api_timeline(client: FlaskClient, headers: dict[str, str], user_id: int) -> list[int]:
    response = client.get(f"/api/v1/users/{user_id}/timeline/?per_page={PAGE}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return api_ids(response.json["posts"])


def api_posts(client: FlaskClient, headers: dict[str, str]) -> dict[int, tuple[str, int]]:
    """Every post's id with its body and comment count."""
    response = client.get(f"/api/v1/posts/?per_page={PAGE}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    posts = response.json["posts"]
    return {post_id: (post["body"], post["comment_count"]) for post_id, post in zip(api_ids(posts), posts, strict=True)}


def api_comments(client: FlaskClient, headers: dict[str, str], post_id: int) -> dict[int, str | None]:
    """The post's comments as API v1 shows them to the reader: each id with its body, ``None`` when withheld."""
    response = client.get(f"/api/v1/posts/{post_id}/comments/?per_page={PAGE}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    comments = response.json["comments"]
    return {number: item["body"] for number, item in zip(api_ids(comments), comments, strict=True)}


# Conduit.


def conduit_login(client: FlaskClient, email: str, password: str):
    return client.post("/api/users/login", json={"user": {"email": email, "password": password}})


def conduit_following(client: FlaskClient, viewer_token: str, username: str) -> bool:
    response = client.get(f"/api/profiles/{username}", headers=token(viewer_token))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json["profile"]["following"]


def conduit_feed(client: FlaskClient, viewer_token: str) -> list[str]:
    response = client.get(f"/api/articles/feed?limit={PAGE}", headers=token(viewer_token))
    assert response.status_code == 200, response.get_data(as_text=True)
    return [article["slug"] for article in response.json["articles"]]


def conduit_articles(client: FlaskClient) -> dict[str, tuple[str, str]]:
    """Every article's slug with its title and author's name, as anybody sees them."""
    response = client.get(f"/api/articles?limit={PAGE}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.json["articlesCount"] == len(response.json["articles"])
    return {item["slug"]: (item["title"], item["author"]["username"]) for item in response.json["articles"]}


def conduit_comments(client: FlaskClient, slug: str) -> dict[int, str]:
    response = client.get(f"/api/articles/{slug}/comments")
    assert response.status_code == 200, response.get_data(as_text=True)
    return {item["id"]: item["body"] for item in response.json["comments"]}
