"""Lists page with ?page= and ?per_page=, and cost a fixed number of queries whatever the page size."""

import pytest

from tests.factories import CommentFactory, FollowFactory, PostFactory, UserFactory


def test_pages_link_to_each_other(client, headers):
    PostFactory.create_batch(5)

    first = client.get("/api/v1/posts/?per_page=2", headers=headers).json
    second = client.get(first["next"], headers=headers).json
    last = client.get("/api/v1/posts/?per_page=2&page=3", headers=headers).json

    assert first["prev"] is None
    assert first["next"].startswith("/api/v1/posts/?page=2&after=")
    assert second["prev"] == "/api/v1/posts/?page=1&per_page=2"
    assert len(last["posts"]) == 1
    assert last["next"] is None
    assert first["count"] is second["count"] is last["count"] is None


def test_default_page_size_comes_from_the_configuration(app, client, headers):
    app.config["FLASKY_POSTS_PER_PAGE"] = 3
    PostFactory.create_batch(4)

    assert len(client.get("/api/v1/posts/", headers=headers).json["posts"]) == 3


def test_page_past_the_last_is_empty(client, headers):
    PostFactory()

    response = client.get("/api/v1/posts/?page=5", headers=headers)

    assert response.status_code == 200
    assert response.json["posts"] == []
    assert response.json["next"] is None


def test_comment_lists_page_by_the_comment_page_size(app, client, headers):
    app.config["FLASKY_COMMENTS_PER_PAGE"] = 2
    post = PostFactory()
    CommentFactory.create_batch(3, post=post)

    response = client.get(f"/api/v1/posts/{post.id}/comments/", headers=headers).json

    assert len(response["comments"]) == 2
    assert response["next"].startswith(f"/api/v1/posts/{post.id}/comments/?page=2&after=")


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
        # One query authenticates the token; the rest are the page (with one row more) and the comment counts.
        pytest.param("/api/v1/posts/", 1 + 2, id="posts"),
        pytest.param("/api/v1/users/{author}/posts/", 1 + 1 + 2, id="user posts"),
        pytest.param("/api/v1/users/{user}/timeline/", 1 + 2, id="timeline"),
        pytest.param("/api/v1/comments/", 1 + 1, id="comments"),
        pytest.param("/api/v1/posts/{post}/comments/", 1 + 1 + 1, id="post comments"),
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
        assert len(items) == min(per_page, client.get(f"{url}?count=exact", headers=headers).json["count"])
        counted[per_page] = log.count

    assert counted == dict.fromkeys((1, 5, 24), queries)


def test_next_links_walk_every_post_once_newest_first(client, headers):
    posts = PostFactory.create_batch(7)
    seen, url = [], "/api/v1/posts/?per_page=2"
    while url:
        page = client.get(url, headers=headers).json
        seen += [post["url"] for post in page["posts"]]
        url = page["next"]
    assert seen == [f"/api/v1/posts/{post.id}" for post in reversed(posts)]


def test_prev_link_of_a_cursor_page_gives_the_page_before(client, headers):
    PostFactory.create_batch(7)
    second = client.get("/api/v1/posts/?per_page=2&page=2", headers=headers).json
    third = client.get(second["next"], headers=headers).json
    back = client.get(third["prev"], headers=headers).json
    assert "before=" in third["prev"]
    assert back["posts"] == second["posts"]
    assert back["next"] == second["next"]


def test_a_posts_comments_walk_oldest_first_by_their_next_links(client, headers):
    post = PostFactory()
    comments = CommentFactory.create_batch(5, post=post)
    seen, url = [], f"/api/v1/posts/{post.id}/comments/?per_page=2"
    while url:
        page = client.get(url, headers=headers).json
        seen += [comment["url"] for comment in page["comments"]]
        url = page["next"]
    assert seen == [f"/api/v1/comments/{comment.id}" for comment in comments]


def test_count_exact_adds_the_total_and_the_links_keep_asking_for_it(client, headers):
    PostFactory.create_batch(5)
    first = client.get("/api/v1/posts/?per_page=2&count=exact", headers=headers).json
    second = client.get(first["next"], headers=headers).json
    assert first["count"] == second["count"] == 5
    assert "count=exact" in second["prev"]


def test_an_unreadable_cursor_is_refused(client, headers):
    response = client.get("/api/v1/posts/?after=yesterday", headers=headers)
    assert response.status_code == 422
    assert "after" in response.json["errors"]


def test_the_exact_count_costs_one_statement(client, headers, count_queries):
    PostFactory.create_batch(3)
    with count_queries() as plain:
        client.get("/api/v1/posts/", headers=headers)
    with count_queries() as counted:
        client.get("/api/v1/posts/?count=exact", headers=headers)
    assert counted.count == plain.count + 1
