"""Simultaneous requests against PostgreSQL, through a threaded live server: no 500, no lost or doubled rows.

A barrier inside the flush holds the first request until the second has also passed its checks, so the race
each test is about happens every time rather than now and then.
"""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from app.models import Comment, Follow, User
from tests.factories import PostFactory, UserFactory
from tests.races import at_once, inserts_held_together

pytestmark = pytest.mark.postgres


def logged_in(live_url: str, email: str) -> requests.Session:
    browser = requests.Session()
    response = browser.post(f"{live_url}/auth/login", data={"email": email, "password": "cat"}, timeout=10)
    assert response.url == f"{live_url}/"
    return browser


def register(live_url: str, email: str, username: str) -> Callable[[], requests.Response]:
    data = {"email": email, "username": username, "password": "ann-secret", "password2": "ann-secret"}
    return lambda: requests.post(f"{live_url}/auth/register", data=data, allow_redirects=False, timeout=10)


def count(db, statement) -> int:
    db.session.rollback()
    return db.session.scalar(statement)


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        (("ann@example.com", "ann"), ("ann2@example.com", "ann"), "Username has already been taken."),
        (("ann@example.com", "ann"), ("ann@example.com", "ann2"), "Email has already been taken."),
    ],
    ids=["same username", "same email"],
)
def test_two_registrations_of_one_name_at_once_make_one_account_and_a_form_error(live_url, db, first, second, message):
    with inserts_held_together(User):
        responses = at_once(register(live_url, *first), register(live_url, *second))

    assert sorted(response.status_code for response in responses) == [200, 302]
    refused = next(response for response in responses if response.status_code == 200)
    assert message in refused.text
    assert count(db, select(func.count()).select_from(User)) == 1


def test_the_same_follow_from_two_requests_at_once_makes_one_row(live_url, db):
    UserFactory(email="john@example.com")
    UserFactory(username="susan")
    browser = logged_in(live_url, "john@example.com")
    follow = lambda: browser.post(f"{live_url}/follow/susan", allow_redirects=False, timeout=10)  # noqa: E731

    with inserts_held_together(Follow):
        responses = at_once(follow, follow)

    assert [response.status_code for response in responses] == [302, 302]
    followers = select(func.count()).select_from(Follow).join(User, Follow.followed_id == User.id)
    assert count(db, followers.where(User.username == "susan", Follow.follower_id != Follow.followed_id)) == 1


def test_comments_posted_at_once_on_one_post_are_all_kept(live_url, db):
    post_id = PostFactory().id
    writers = [UserFactory(email=f"writer{n}@example.com") for n in range(6)]
    browsers = [logged_in(live_url, writer.email) for writer in writers]
    bodies = [f"comment {n} from {w}" for w in range(len(browsers)) for n in range(5)]

    def comment(body: str) -> int:
        browser = browsers[int(body.rsplit(" ", 1)[1])]
        return browser.post(f"{live_url}/post/{post_id}", data={"body": body}, allow_redirects=False).status_code

    with ThreadPoolExecutor(max_workers=len(browsers)) as pool:
        statuses = list(pool.map(comment, bodies))

    assert set(statuses) == {302}
    db.session.rollback()
    assert sorted(db.session.scalars(select(Comment.body).where(Comment.post_id == post_id))) == sorted(bodies)
