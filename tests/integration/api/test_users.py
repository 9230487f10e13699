"""Users, their posts and timelines, and following through the API."""

from tests.factories import FollowFactory, PostFactory, UserFactory


def test_user_is_read_with_links_and_post_count(client, user, headers):
    PostFactory.create_batch(3, author=user)

    response = client.get(f"/api/v1/users/{user.id}", headers=headers)

    assert response.status_code == 200
    assert response.json["username"] == user.username
    assert response.json["posts_url"] == f"/api/v1/users/{user.id}/posts/"
    assert response.json["followed_posts_url"] == f"/api/v1/users/{user.id}/timeline/"
    assert response.json["post_count"] == 3


def test_missing_user_is_404(client, headers):
    assert client.get("/api/v1/users/999", headers=headers).json["message"] == "There is no user 999."


def test_user_posts_list_only_that_users_posts(client, user, headers):
    mine = PostFactory(author=user)
    PostFactory()

    response = client.get(f"/api/v1/users/{user.id}/posts/?count=exact", headers=headers)

    assert [post["url"] for post in response.json["posts"]] == [f"/api/v1/posts/{mine.id}"]
    assert response.json["count"] == 1


def test_timeline_shows_followed_users_and_own_posts(client, user, headers):
    followed = UserFactory()
    FollowFactory(follower=user, followed=followed)
    theirs, mine, stranger = PostFactory(author=followed), PostFactory(author=user), PostFactory()

    response = client.get(f"/api/v1/users/{user.id}/timeline/", headers=headers)

    urls = {post["url"] for post in response.json["posts"]}
    assert urls == {f"/api/v1/posts/{theirs.id}", f"/api/v1/posts/{mine.id}"}
    assert f"/api/v1/posts/{stranger.id}" not in urls


def test_follow_a_user(client, user, headers, db):
    other = UserFactory()

    response = client.post(f"/api/v1/users/{other.id}/follow", headers=headers)

    assert response.status_code == 204
    db.session.refresh(user)
    assert user.is_following(other)


def test_following_twice_is_a_conflict(client, user, headers):
    other = UserFactory(username="ada")
    FollowFactory(follower=user, followed=other)

    response = client.post(f"/api/v1/users/{other.id}/follow", headers=headers)

    assert response.status_code == 409
    assert response.json["message"] == "You are already following ada."


def test_following_yourself_is_refused(client, user, headers):
    response = client.post(f"/api/v1/users/{user.id}/follow", headers=headers)

    assert response.status_code == 422
    assert "cannot follow yourself" in response.json["message"]


def test_unfollow_a_user(client, user, headers, db):
    other = UserFactory()
    FollowFactory(follower=user, followed=other)

    response = client.delete(f"/api/v1/users/{other.id}/follow", headers=headers)

    assert response.status_code == 204
    db.session.refresh(user)
    assert not user.is_following(other)


def test_unfollowing_someone_not_followed_is_a_conflict(client, headers):
    other = UserFactory(username="bob")

    response = client.delete(f"/api/v1/users/{other.id}/follow", headers=headers)

    assert response.status_code == 409
    assert response.json["message"] == "You are not following bob."


def test_unfollowing_yourself_is_refused(client, user, headers):
    assert client.delete(f"/api/v1/users/{user.id}/follow", headers=headers).status_code == 422


def test_following_needs_the_follow_permission(client, user, headers, db):
    user.role.permissions = 0
    db.session.commit()

    response = client.post(f"/api/v1/users/{UserFactory().id}/follow", headers=headers)

    assert response.status_code == 403
    assert "FOLLOW" in response.json["message"]


def test_following_a_missing_user_is_404(client, headers):
    assert client.post("/api/v1/users/999/follow", headers=headers).status_code == 404
