"""Lists page with ?page= and ?per_page=, and cost a fixed number of queries whatever the page size."""

import pytest

from tests.factories import CommentFactory, FollowFactory, PostFactory, UserFactory


def test_pages_link_to_each_other(client, headers):
    PostFactory.create_batch(5)

    first = client.get("/api/v1/posts/?per_page=2", headers=headers).json
    second = client.get(first["next"], headers=headers).json
    last = client.get("/api/v1/posts/?per_page=2&page=3", headers=headers).json

    assert first["prev"] is None
    assert first["next"] == "/api/v1/posts/?page=2&per_page=2"
    assert second["prev"] == "/api/v1/posts/?page=1&per_page=2"
    assert len(last["posts"]) == 1
    assert last["next"] is None
    assert first["count"] == second["count"] == last["count"] == 5


def test_default_page_size_comes_from_the_configuration(app, client, headers):
    app.config["FLASKY_POSTS_PER_PAGE"] = 3
    PostFactory.create_batch(4)

    assert len(client.get("/api/v1/posts/", headers=headers).json["posts"]) == 3


def test_page_past_the_last_is_empty(client, headers):
    PostFactory()

    response = client.get("/api/v1/posts/?page=5", headers=headers)

    assert response.status_code == 200
    assert response.json["posts"] == []
    assert response.json["count"] == 1


def test_comment_lists_page_by_the_comment_page_size(app, client, headers):
    app.config["FLASKY_COMMENTS_PER_PAGE"] = 2
    post = PostFactory()
    CommentFactory.create_batch(3, post=post)

    response = client.get(f"/api/v1/posts/{post.id}/comments/", headers=headers).json

    assert len(response["comments"]) == 2
    assert response["next"] == f"/api/v1/posts/{post.id}/comments/?page=2&per_page=2"


@pytest.fixture
def busy_site(user):
    """Many posts, several followed authors, and comments on every post."""
    authors = UserFactory.create_batch(3)
    for author in authors:
        FollowFactory(follower=user, followed=author)
        for post in PostFactory.create_batch(8, author=author):
            CommentFactory.create_batch(2, post=post, author=user)
    return authors


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        # One query authenticates the token; the rest are the page, its total and the comment counts.
        pytest.param("/api/v1/posts/", 1 + 3, id="posts"),
        pytest.param("/api/v1/users/{author}/posts/", 1 + 1 + 3, id="user posts"),
        pytest.param("/api/v1/users/{user}/timeline/", 1 + 3, id="timeline"),
        pytest.param("/api/v1/comments/", 1 + 2, id="comments"),
        pytest.param("/api/v1/posts/{post}/comments/", 1 + 1 + 2, id="post comments"),
    ],
)
def test_lists_cost_a_fixed_number_of_queries(client, user, headers, busy_site, count_queries, path, queries, db):
    author = busy_site[0]
    url = path.format(user=user.id, author=author.id, post=author.posts.first().id)

    counted = {}
    for per_page in (1, 5, 24):
        db.session.expire_all()
        with count_queries() as log:
            response = client.get(f"{url}?per_page={per_page}", headers=headers)
        assert response.status_code == 200
        items = response.json.get("posts", response.json.get("comments"))
        assert len(items) == min(per_page, response.json["count"])
        counted[per_page] = log.count

    assert counted == dict.fromkeys((1, 5, 24), queries)
