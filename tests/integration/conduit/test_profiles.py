"""Profiles, following and unfollowing."""

from app.models import Role
from tests.factories import FollowFactory, UserFactory

from .shapes import default_image, errors


def test_a_profile_is_public(api, user):
    response = api.get("/api/profiles/jake")

    assert response.status_code == 200
    assert response.get_json() == {
        "profile": {
            "username": "jake",
            "bio": "I work at statefarm",
            "image": default_image("jake@example.com"),
            "following": False,
        }
    }


def test_a_profile_shows_whether_the_reader_follows(api, user):
    reader = UserFactory()
    FollowFactory(follower=reader, followed=user)

    assert api.get("/api/profiles/jake", user=reader).get_json()["profile"]["following"] is True


def test_your_own_profile_is_not_followed(api, user):
    assert api.get("/api/profiles/jake", user=user).get_json()["profile"]["following"] is False


def test_an_unknown_profile_is_not_found(api, db):
    response = api.get("/api/profiles/nobody")

    assert response.status_code == 404
    assert errors(response) == {"profile": ["not found"]}


def test_a_profile_name_no_database_can_hold_is_not_found(api, db):
    assert api.get("/api/profiles/ja%00ke").status_code == 404


def test_a_bad_token_is_refused_even_where_a_token_is_optional(api, user):
    response = api.get("/api/profiles/jake", token="forged")

    assert response.status_code == 401
    assert errors(response) == {"token": ["is invalid or expired"]}


def test_follow_then_unfollow(api, user):
    reader = UserFactory()

    followed = api.post("/api/profiles/jake/follow", user=reader)
    assert followed.status_code == 200
    assert followed.get_json()["profile"]["following"] is True
    assert reader.is_following(user)

    unfollowed = api.delete("/api/profiles/jake/follow", user=reader)
    assert unfollowed.status_code == 200
    assert unfollowed.get_json()["profile"]["following"] is False
    assert api.get("/api/profiles/jake", user=reader).get_json()["profile"]["following"] is False


def test_following_twice_counts_once(api, user):
    reader = UserFactory()

    api.post("/api/profiles/jake/follow", user=reader)
    api.post("/api/profiles/jake/follow", user=reader)

    assert user.follower_count == 1


def test_following_needs_a_token(api, user):
    response = api.post("/api/profiles/jake/follow")

    assert response.status_code == 401
    assert errors(response) == {"token": ["is missing"]}


def test_following_an_unknown_user_is_not_found(api, user):
    response = api.post("/api/profiles/nobody/follow", user=user)

    assert response.status_code == 404
    assert errors(response) == {"profile": ["not found"]}


def test_you_cannot_follow_or_unfollow_yourself(api, user):
    for method, action in ((api.post, "follow"), (api.delete, "unfollow")):
        response = method("/api/profiles/jake/follow", user=user)

        assert response.status_code == 422
        assert errors(response) == {"profile": [f"is your own: you cannot {action} yourself"]}
    assert user.is_following(user)


def test_following_needs_the_follow_permission(api, user, db):
    muted = UserFactory(role=Role(name="Muted", permissions=0))

    response = api.post("/api/profiles/jake/follow", user=muted)

    assert response.status_code == 403
    assert errors(response) == {"profile": ["forbidden"]}
