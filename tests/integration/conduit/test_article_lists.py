"""Lists of articles, the feed, favorites and tags."""

from datetime import timedelta

import pytest

from app.models import Permission, Post, Role
from app.timestamps import utcnow
from tests.factories import FavoriteFactory, FollowFactory, PostFactory, UserFactory

from .shapes import errors


def articles_at(minutes_ago: list[int], **fields) -> list[Post]:
    now = utcnow()
    return [PostFactory(timestamp=now - timedelta(minutes=m), updated_at=now, **fields) for m in minutes_ago]


def test_list_shows_newest_first_without_bodies(api, db):
    older, newer = articles_at([10, 5])

    response = api.get("/api/articles")

    assert response.status_code == 200
    body = response.get_json()
    assert [article["slug"] for article in body["articles"]] == [newer.slug, older.slug]
    assert body["articlesCount"] == 2
    assert all("body" not in article for article in body["articles"])


def test_list_pages_with_limit_and_offset_and_counts_them_all(api, db):
    posts = articles_at([1, 2, 3, 4, 5])

    body = api.get("/api/articles?limit=2&offset=1").get_json()

    assert [article["slug"] for article in body["articles"]] == [posts[1].slug, posts[2].slug]
    assert body["articlesCount"] == 5


def test_list_shows_20_by_default(api, db):
    articles_at(list(range(21)))

    body = api.get("/api/articles").get_json()

    assert len(body["articles"]) == 20
    assert body["articlesCount"] == 21


def test_list_caps_the_limit_at_the_configured_maximum(app, api, db):
    app.config["FLASKY_CONDUIT_MAX_LIMIT"] = 2
    articles_at([1, 2, 3])

    assert len(api.get("/api/articles?limit=50").get_json()["articles"]) == 2


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("limit=0", "limit", "must be a whole number of at least 1"),
        ("limit=ten", "limit", "must be a whole number of at least 1"),
        ("offset=-1", "offset", "must be a whole number of at least 0"),
        (f"offset={2**63}", "offset", "must be a whole number of at least 0"),
        ("tag=a%00b", "tag", "is invalid"),
    ],
)
def test_list_refuses_bad_query_values(api, db, query, field, message):
    response = api.get(f"/api/articles?{query}")

    assert response.status_code == 422
    assert errors(response) == {field: [message]}


def test_list_filters_by_tag_author_and_favoriting_user(api, user):
    fan = UserFactory(username="fan")
    tagged = PostFactory(tag_names=["dragons", "magic"])
    by_jake = PostFactory(author=user)
    favorite = PostFactory()
    FavoriteFactory(user_id=fan.id, post_id=favorite.id)
    both = PostFactory(author=user, tag_names=["dragons"])

    def slugs(query):
        return {article["slug"] for article in api.get(f"/api/articles?{query}").get_json()["articles"]}

    assert slugs("tag=dragons") == {tagged.slug, both.slug}
    assert slugs("author=jake") == {by_jake.slug, both.slug}
    assert slugs("favorited=fan") == {favorite.slug}
    assert slugs("tag=dragons&author=jake") == {both.slug}
    assert slugs("tag=nothing") == set()
    assert api.get("/api/articles?tag=dragons").get_json()["articlesCount"] == 2


def test_feed_shows_articles_by_followed_users_only(api, user):
    followed = UserFactory()
    FollowFactory(follower=user, followed=followed)
    theirs = PostFactory(author=followed)
    PostFactory(author=user)
    PostFactory()

    body = api.get("/api/articles/feed", user=user).get_json()

    assert [article["slug"] for article in body["articles"]] == [theirs.slug]
    assert body["articlesCount"] == 1
    assert body["articles"][0]["author"]["following"] is True


def test_feed_needs_a_token(api, db):
    response = api.get("/api/articles/feed")

    assert response.status_code == 401
    assert errors(response) == {"token": ["is missing"]}


def make_busy_articles(count: int, reader) -> None:
    """Articles by followed authors, each with tags and favorites, some favorited by ``reader``."""
    for number in range(count):
        author = UserFactory()
        FollowFactory(follower=reader, followed=author)
        post = PostFactory(author=author, tag_names=[f"tag{number}", "common"])
        for fan in (reader, UserFactory()):
            FavoriteFactory(user_id=fan.id, post_id=post.id)


@pytest.mark.parametrize("path", ["/api/articles", "/api/articles/feed"])
def test_lists_take_a_fixed_number_of_queries_whatever_the_limit(api, user, path, count_queries):
    make_busy_articles(6, user)
    token = user.generate_auth_token()

    with count_queries() as one:
        small = api.get(f"{path}?limit=1", token=token)
    with count_queries() as six:
        large = api.get(f"{path}?limit=6", token=token)

    assert len(small.get_json()["articles"]) == 1
    assert len(large.get_json()["articles"]) == 6
    assert all(article["favorited"] and article["author"]["following"] for article in large.get_json()["articles"])
    assert {article["favoritesCount"] for article in large.get_json()["articles"]} == {2}
    # The token's user, the count, the page, and the tags of the page.
    assert one.count == six.count == 4, six


def test_an_anonymous_list_takes_three_queries(api, user, count_queries):
    make_busy_articles(3, user)

    with count_queries() as log:
        response = api.get("/api/articles")

    assert len(response.get_json()["articles"]) == 3
    assert log.count == 3, log


def test_favorite_and_unfavorite(api, user):
    post = PostFactory()

    favorited = api.post(f"/api/articles/{post.slug}/favorite", user=user)
    again = api.post(f"/api/articles/{post.slug}/favorite", user=user)

    assert favorited.status_code == again.status_code == 200
    assert again.get_json()["article"]["favorited"] is True
    assert again.get_json()["article"]["favoritesCount"] == 1

    unfavorited = api.delete(f"/api/articles/{post.slug}/favorite", user=user)
    twice = api.delete(f"/api/articles/{post.slug}/favorite", user=user)

    assert unfavorited.status_code == twice.status_code == 200
    assert twice.get_json()["article"]["favorited"] is False
    assert twice.get_json()["article"]["favoritesCount"] == 0


def test_favorite_needs_the_follow_permission(api, db):
    post = PostFactory()
    muted = UserFactory(role=Role(name="Muted", permissions=Permission.WRITE))

    favorited = api.post(f"/api/articles/{post.slug}/favorite", user=muted)
    unfavorited = api.delete(f"/api/articles/{post.slug}/favorite", user=muted)

    assert favorited.status_code == unfavorited.status_code == 403
    assert errors(favorited) == errors(unfavorited) == {"article": ["forbidden"]}
    assert api.get(f"/api/articles/{post.slug}").get_json()["article"]["favoritesCount"] == 0


def test_favorite_needs_a_token_and_a_known_article(api, user):
    missing_token = api.post("/api/articles/anything/favorite")
    unknown = api.post("/api/articles/nothing/favorite", user=user)

    assert missing_token.status_code == 401
    assert unknown.status_code == 404
    assert errors(unknown) == {"article": ["not found"]}


def test_tags_lists_tags_in_use_most_used_first(api, db):
    PostFactory(tag_names=["rare", "common"])
    PostFactory(tag_names=["common"])
    gone = PostFactory(tag_names=["gone"])
    gone.tag_names = []
    db.session.commit()

    response = api.get("/api/tags")

    assert response.status_code == 200
    assert response.get_json() == {"tags": ["common", "rare"]}
