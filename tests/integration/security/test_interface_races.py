"""The same write arriving twice at once, on each interface, on PostgreSQL: never a 5xx, exactly one row.

Requests go through a threaded live server; a barrier inside the flush holds each INSERT until all the
requests of the race are about to insert, so the race happens every time.
"""

import pytest
import requests
from sqlalchemy import func, select

from app.models import Favorite, Follow, Post, PostTag, Tag, User
from tests.factories import PostFactory, UserFactory
from tests.races import at_once, inserts_held_together

pytestmark = pytest.mark.postgres

PASSWORD = "correct horse battery"  # noqa: S105


def count(db, statement) -> int:
    db.session.rollback()
    return db.session.scalar(statement)


def token(user: User) -> dict[str, str]:
    return {"Authorization": f"Token {user.generate_auth_token()}"}


def web_session(live_url: str, user: User) -> requests.Session:
    browser = requests.Session()
    response = browser.post(f"{live_url}/auth/login", data={"email": user.email, "password": "cat"}, timeout=10)
    assert response.url == f"{live_url}/"
    return browser


def follow_rows(db, follower: User, followed: User) -> int:
    statement = select(func.count()).select_from(Follow)
    return count(db, statement.where(Follow.follower_id == follower.id, Follow.followed_id == followed.id))


def test_the_same_api_follow_at_once_makes_one_row_and_a_409(live_url, db):
    follower, followed = UserFactory(), UserFactory()
    url, auth = f"{live_url}/api/v1/users/{followed.id}/follow", (follower.email, "cat")
    follow = lambda: requests.post(url, auth=auth, timeout=10)  # noqa: E731

    with inserts_held_together(Follow):
        responses = at_once(follow, follow)

    assert sorted(response.status_code for response in responses) == [204, 409]
    assert follow_rows(db, follower, followed) == 1


def test_the_same_conduit_follow_at_once_makes_one_row(live_url, db):
    follower, followed = UserFactory(), UserFactory()
    url, headers = f"{live_url}/api/profiles/{followed.username}/follow", token(follower)
    follow = lambda: requests.post(url, headers=headers, timeout=10)  # noqa: E731

    with inserts_held_together(Follow):
        responses = at_once(follow, follow)

    assert [response.status_code for response in responses] == [200, 200]
    assert all(response.json()["profile"]["following"] for response in responses)
    assert follow_rows(db, follower, followed) == 1


def test_the_same_favorite_at_once_makes_one_row(live_url, db):
    reader, post = UserFactory(), PostFactory()
    url, headers = f"{live_url}/api/articles/{post.slug}/favorite", token(reader)
    favorite = lambda: requests.post(url, headers=headers, timeout=10)  # noqa: E731

    with inserts_held_together(Favorite):
        responses = at_once(favorite, favorite)

    assert [response.status_code for response in responses] == [200, 200]
    assert [response.json()["article"]["favoritesCount"] for response in responses] == [1, 1]
    assert count(db, select(func.count()).select_from(Favorite)) == 1


def conduit_registration(live_url: str, email: str, username: str):
    body = {"user": {"email": email, "username": username, "password": PASSWORD}}
    return lambda: requests.post(f"{live_url}/api/users", json=body, timeout=10)


def web_registration(live_url: str, email: str, username: str):
    data = {"email": email, "username": username, "password": PASSWORD, "password2": PASSWORD}
    return lambda: requests.post(f"{live_url}/auth/register", data=data, allow_redirects=False, timeout=10)


def test_the_same_conduit_registration_at_once_makes_one_account(live_url, db):
    register = conduit_registration(live_url, "ann@example.com", "ann")

    with inserts_held_together(User):
        responses = at_once(register, register)

    assert sorted(response.status_code for response in responses) == [201, 409]
    loser = next(response for response in responses if response.status_code == 409)
    assert loser.json() == {"errors": {"email": ["has already been taken"], "username": ["has already been taken"]}}
    assert count(db, select(func.count()).select_from(User)) == 1


def test_one_address_in_two_letter_cases_at_once_on_web_and_conduit_makes_one_account(live_url, db):
    with inserts_held_together(User):
        responses = at_once(
            web_registration(live_url, "Ann@Example.com", "ann"),
            conduit_registration(live_url, "ann@example.com", "annie"),
        )

    statuses = [response.status_code for response in responses]
    assert statuses in ([302, 409], [200, 201])
    assert count(db, select(func.count()).select_from(User)) == 1


def test_two_users_taking_one_username_at_once_on_conduit_leave_one_owner(live_url, db):
    ann, bob = UserFactory(), UserFactory()

    def rename(user: User):
        body, headers = {"user": {"username": "popular"}}, token(user)
        return lambda: requests.put(f"{live_url}/api/user", json=body, headers=headers, timeout=10)

    with inserts_held_together(User, when="before_update"):
        responses = at_once(rename(ann), rename(bob))

    assert sorted(response.status_code for response in responses) == [200, 409]
    assert count(db, select(func.count()).select_from(User).where(User.username == "popular")) == 1


def test_posts_with_one_title_sent_at_once_on_every_interface_are_all_saved(live_url, db):
    writers = [UserFactory() for _ in range(8)]
    browsers = [web_session(live_url, writer) for writer in writers[:3]]
    web = [
        lambda browser=browser: browser.post(
            f"{live_url}/", data={"title": "Same title", "body": "From the web", "submit": "Submit"}, timeout=10
        )
        for browser in browsers
    ]
    api = [
        lambda auth=auth: requests.post(
            f"{live_url}/api/v1/posts/", json={"body": "Same title\n\nFrom API v1"}, auth=auth, timeout=10
        )
        for auth in [(writer.email, "cat") for writer in writers[3:6]]
    ]
    article = {"article": {"title": "Same title", "description": "d", "body": "From Conduit"}}
    tokens = [token(writer) for writer in writers[6:]]
    conduit = [
        lambda headers=headers: requests.post(f"{live_url}/api/articles", json=article, headers=headers, timeout=10)
        for headers in tokens
    ]

    with inserts_held_together(Post, parties=8):
        responses = at_once(*web, *api, *conduit)

    assert [response.status_code for response in responses] == [200] * 3 + [201] * 5
    db.session.rollback()
    slugs = list(db.session.scalars(select(Post.slug)))
    assert len(slugs) == 8
    assert len(set(slugs)) == 8
    assert "same-title" in slugs


def test_two_articles_with_one_new_tag_at_once_are_both_saved_with_one_tag(live_url, db):
    writers = [UserFactory(), UserFactory()]

    def write(writer: User, title: str):
        article = {"article": {"title": title, "description": "d", "body": "b", "tagList": ["brand-new"]}}
        headers = token(writer)
        return lambda: requests.post(f"{live_url}/api/articles", json=article, headers=headers, timeout=10)

    with inserts_held_together(Tag):
        responses = at_once(write(writers[0], "One"), write(writers[1], "Two"))

    assert [response.status_code for response in responses] == [201, 201]
    assert all(response.json()["article"]["tagList"] == ["brand-new"] for response in responses)
    assert count(db, select(func.count()).select_from(Tag)) == 1
    assert count(db, select(func.count()).select_from(PostTag)) == 2
