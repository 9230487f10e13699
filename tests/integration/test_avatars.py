"""``/avatar/<hash>``: identicons served by Flasky, cached for a year, and the ``FLASKY_AVATARS`` setting."""

import re
from base64 import b64encode

import pytest

from app import create_app
from app.models import gravatar_hash
from tests.factories import PostFactory, UserFactory

SUSAN = gravatar_hash("susan@example.com")


def test_an_avatar_is_an_svg_image(client):
    response = client.get(f"/avatar/{SUSAN}?s=48")

    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.get_data(as_text=True).startswith('<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48"')


def test_an_avatar_without_a_size_is_100_pixels(client):
    assert 'width="100"' in client.get(f"/avatar/{SUSAN}").get_data(as_text=True)


def test_an_avatar_is_cached_for_a_year_by_anyone(client):
    response = client.get(f"/avatar/{SUSAN}?s=48")

    assert set(response.headers["Cache-Control"].split(", ")) == {"public", "max-age=31536000", "immutable"}
    assert response.headers["ETag"]


def test_an_avatar_the_browser_has_answers_304_without_a_body(client):
    etag = client.get(f"/avatar/{SUSAN}?s=48").headers["ETag"]

    response = client.get(f"/avatar/{SUSAN}?s=48", headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.get_data() == b""
    assert response.headers["ETag"] == etag


def test_each_size_has_its_own_etag(client):
    assert client.get(f"/avatar/{SUSAN}?s=48").headers["ETag"] != client.get(f"/avatar/{SUSAN}?s=96").headers["ETag"]


@pytest.mark.parametrize("digest", [SUSAN.upper(), SUSAN[:-1], SUSAN + "0", "z" * 32])
def test_an_avatar_of_what_is_not_an_email_hash_is_not_found(client, digest):
    response = client.get(f"/avatar/{digest}", headers={"Accept": "application/json"})

    assert response.status_code == 404
    assert "32 lower-case hexadecimal digits" in response.json["message"]


def test_a_path_that_climbs_out_of_the_avatars_is_not_found(client):
    assert client.get("/avatar/..%2F..%2Fetc%2Fpasswd").status_code == 404


@pytest.mark.parametrize("size", ["0", "513", "-5", "big", "1.5", ""])
def test_an_avatar_of_a_size_out_of_bounds_is_a_bad_request(client, size):
    response = client.get(f"/avatar/{SUSAN}?s={size}", headers={"Accept": "application/json"})

    assert response.status_code == 400
    assert "from 1 to 512" in response.json["message"]


def test_an_avatar_is_served_without_the_database(client, count_queries):
    with count_queries() as log:
        assert client.get(f"/avatar/{SUSAN}?s=48").status_code == 200
    assert log.count == 0


def test_an_avatar_asked_for_by_a_signed_in_user_is_served_without_the_database(client, auth, count_queries):
    UserFactory(email="susan@example.com")
    auth.login(email="susan@example.com")

    with count_queries() as log:
        assert client.get(f"/avatar/{SUSAN}?s=48").status_code == 200
    assert log.count == 0


def test_pages_show_local_avatars_by_default(client):
    post = PostFactory(author=UserFactory(email="susan@example.com"))

    page = client.get(f"/post/{post.id}").get_data(as_text=True)

    assert f'src="/avatar/{SUSAN}?s=80"' in page
    assert "gravatar" not in page


def test_by_default_no_other_site_may_show_an_image(client):
    policy = client.get("/").headers["Content-Security-Policy"]

    assert re.search(r"img-src 'self' data:(;|$)", policy)


def test_the_api_gives_the_same_avatar_as_the_pages(client, db):
    user = UserFactory(email="susan@example.com")
    token = b64encode(f"{user.generate_auth_token()}:".encode()).decode()
    headers = {"Authorization": f"Basic {token}"}

    assert client.get(f"/api/v1/users/{user.id}", headers=headers).json["avatar_url"] == f"/avatar/{SUSAN}?s=100"


@pytest.mark.app_config(FLASKY_AVATARS="gravatar", FLASKY_BASE_URL="https://flasky.example/blog")
def test_gravatar_avatars_fall_back_to_the_local_identicon_at_the_public_address(db):
    user = UserFactory(email="susan@example.com")

    assert user.avatar_url(48) == (
        f"https://secure.gravatar.com/avatar/{SUSAN}?s=48"
        f"&d=https%3A%2F%2Fflasky.example%2Fblog%2Favatar%2F{SUSAN}%3Fs%3D48&r=g"
    )


@pytest.mark.app_config(FLASKY_AVATARS="gravatar")
def test_gravatar_avatars_are_what_pages_show_and_the_policy_allows(client):
    post = PostFactory(author=UserFactory(email="susan@example.com"))

    response = client.get(f"/post/{post.id}")

    assert f'src="https://secure.gravatar.com/avatar/{SUSAN}?s=80&amp;d=' in response.get_data(as_text=True)
    assert "img-src 'self' data: https://secure.gravatar.com;" in response.headers["Content-Security-Policy"]


def test_conduit_gives_the_local_avatar_at_the_public_address(client, db):
    user = UserFactory(email="susan@example.com", image=None)

    assert client.get(f"/api/profiles/{user.username}").json["profile"]["image"] == (
        f"http://localhost/avatar/{SUSAN}?s=100"
    )


def test_an_unknown_avatar_source_refuses_to_start():
    with pytest.raises(ValueError, match="FLASKY_AVATARS is 'robohash'; use one of local, gravatar"):
        create_app("testing", {"FLASKY_AVATARS": "robohash"})
