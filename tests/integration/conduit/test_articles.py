"""Articles: create, read, update and delete."""

from datetime import datetime, timedelta

import pytest

from app.models import Permission, Post, Role
from app.timestamps import utcnow
from tests.factories import FavoriteFactory, FollowFactory, PostFactory, UserFactory

from .shapes import default_image, errors

NEW_ARTICLE = {
    "title": "How to train your dragon",
    "description": "Ever wonder how?",
    "body": "You have to believe",
    "tagList": ["reactjs", "angularjs", "dragons"],
}


def create(api, user, **fields):
    return api.post("/api/articles", user=user, json={"article": {**NEW_ARTICLE, **fields}})


def parse_time(text: str) -> datetime:
    assert text.endswith("Z")
    return datetime.fromisoformat(text.removesuffix("Z"))


def test_create_returns_the_article_with_201(api, user):
    response = create(api, user)

    assert response.status_code == 201
    article = response.get_json()["article"]
    assert article["slug"] == "how-to-train-your-dragon"
    assert article["title"] == "How to train your dragon"
    assert article["description"] == "Ever wonder how?"
    assert article["body"] == "You have to believe"
    assert article["tagList"] == ["reactjs", "angularjs", "dragons"]
    assert article["favorited"] is False
    assert article["favoritesCount"] == 0
    assert article["author"] == {
        "username": "jake",
        "bio": "I work at statefarm",
        "image": default_image("jake@example.com"),
        "following": False,
    }
    assert article["createdAt"] == article["updatedAt"]
    assert abs(parse_time(article["createdAt"]) - utcnow()) < timedelta(minutes=1)


def test_create_without_tags_gives_an_empty_tag_list(api, user):
    fields = {key: value for key, value in NEW_ARTICLE.items() if key != "tagList"}

    response = api.post("/api/articles", user=user, json={"article": fields})

    assert response.get_json()["article"]["tagList"] == []


def test_create_keeps_tag_order_and_drops_repeats_and_blanks(api, user):
    response = create(api, user, tagList=["b", " a", "c", "a", "", "b"])

    assert response.get_json()["article"]["tagList"] == ["b", "a", "c"]


def test_duplicate_titles_get_distinct_slugs(api, user):
    slugs = [create(api, user).get_json()["article"]["slug"] for _ in range(3)]

    assert slugs == ["how-to-train-your-dragon", "how-to-train-your-dragon-2", "how-to-train-your-dragon-3"]


def test_create_reports_every_blank_field(api, user):
    response = api.post("/api/articles", user=user, json={"article": {"title": "", "tagList": []}})

    assert response.status_code == 422
    assert errors(response) == {
        "title": ["can't be blank"],
        "description": ["can't be blank"],
        "body": ["can't be blank"],
    }


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"title": "x" * 201}, {"title": ["is too long (maximum is 200 characters)"]}),
        ({"tagList": "dragons"}, {"tagList": ["must be a list of strings"]}),
        ({"tagList": ["dragons", 3]}, {"tagList": ["must be a list of strings"]}),
        ({"tagList": ["bad\x00tag"]}, {"tagList": ["must be a list of strings"]}),
        ({"tagList": None}, {"tagList": ["must be a list of strings"]}),
        ({"tagList": ["t" * 65]}, {"tagList": ["tags must be at most 64 characters"]}),
        ({"body": ["not", "text"]}, {"body": ["must be a string"]}),
        ({"description": "\ud800"}, {"description": ["is invalid"]}),
    ],
)
def test_create_refuses_invalid_fields(api, user, fields, expected):
    response = create(api, user, **fields)

    assert response.status_code == 422
    assert errors(response) == expected


def test_create_needs_a_token(api, db):
    response = api.post("/api/articles", json={"article": NEW_ARTICLE})

    assert response.status_code == 401
    assert errors(response) == {"token": ["is missing"]}


def test_create_needs_the_write_permission(api, db):
    reader = UserFactory(role=Role(name="Reader", permissions=0))

    response = create(api, reader)

    assert response.status_code == 403
    assert errors(response) == {"article": ["forbidden"]}


def test_get_shows_an_article_to_anyone(api, user):
    create(api, user)

    response = api.get("/api/articles/how-to-train-your-dragon")

    assert response.status_code == 200
    assert response.get_json()["article"]["body"] == "You have to believe"


def test_get_shows_favorited_and_following_to_the_reader(api, user):
    post = PostFactory(author=user, title="Dragons")
    reader = UserFactory()
    FavoriteFactory(user_id=reader.id, post_id=post.id)
    FollowFactory(follower=reader, followed=user)

    article = api.get(f"/api/articles/{post.slug}", user=reader).get_json()["article"]

    assert article["favorited"] is True
    assert article["favoritesCount"] == 1
    assert article["author"]["following"] is True


@pytest.mark.parametrize("slug", ["no-such-article", "bad%00slug"])
def test_an_unknown_article_is_not_found(api, db, slug):
    response = api.get(f"/api/articles/{slug}")

    assert response.status_code == 404
    assert errors(response) == {"article": ["not found"]}


def test_a_post_written_on_the_web_gets_a_title_from_its_first_line(api, user):
    PostFactory(author=user, body="\n# My first post\n\nHello *world*.")

    article = api.get("/api/articles/my-first-post").get_json()["article"]

    assert article["title"] == "My first post"
    assert article["description"] == ""
    assert article["tagList"] == []
    assert article["body"] == "\n# My first post\n\nHello *world*."


def past_post(author, **fields) -> Post:
    """A post written and last changed a day ago."""
    yesterday = utcnow() - timedelta(days=1)
    return PostFactory(author=author, timestamp=yesterday, updated_at=yesterday, **fields)


def test_update_changes_what_was_sent_and_keeps_the_slug(api, user):
    post = past_post(user, title="Old title", description="Old", body="Old body", tag_names=["a", "b"])
    created = api.get(f"/api/articles/{post.slug}").get_json()["article"]["createdAt"]

    response = api.put(f"/api/articles/{post.slug}", user=user, json={"article": {"title": "New title"}})

    assert response.status_code == 200
    article = response.get_json()["article"]
    assert article["slug"] == "old-title"
    assert article["title"] == "New title"
    assert article["description"] == "Old"
    assert article["body"] == "Old body"
    assert article["tagList"] == ["a", "b"]
    assert article["createdAt"] == created
    assert parse_time(article["updatedAt"]) > parse_time(created) + timedelta(hours=23)
    assert api.get("/api/articles/old-title").get_json()["article"]["title"] == "New title"


def test_update_replaces_tags_in_the_order_sent(api, user):
    post = past_post(user, tag_names=["a", "b", "c"])

    response = api.put(f"/api/articles/{post.slug}", user=user, json={"article": {"tagList": ["c", "d", "a"]}})

    article = response.get_json()["article"]
    assert article["tagList"] == ["c", "d", "a"]
    assert parse_time(article["updatedAt"]) > parse_time(article["createdAt"])


def test_update_with_an_empty_tag_list_clears_the_tags(api, user):
    post = past_post(user, tag_names=["a", "b"])

    response = api.put(f"/api/articles/{post.slug}", user=user, json={"article": {"tagList": []}})

    assert response.get_json()["article"]["tagList"] == []


def test_update_refuses_a_blank_title(api, user):
    post = past_post(user)

    response = api.put(f"/api/articles/{post.slug}", user=user, json={"article": {"title": " "}})

    assert response.status_code == 422
    assert errors(response) == {"title": ["can't be blank"]}


def test_update_of_someone_elses_article_is_forbidden(api, user):
    post = past_post(UserFactory())

    response = api.put(f"/api/articles/{post.slug}", user=user, json={"article": {"title": "Mine now"}})

    assert response.status_code == 403
    assert errors(response) == {"article": ["forbidden"]}


def demoted_author():
    """A user who wrote posts before losing the WRITE permission."""
    return UserFactory(role=Role(name="Reader", permissions=Permission.FOLLOW | Permission.COMMENT))


def test_an_author_no_longer_allowed_to_write_may_not_update_their_article(api, db):
    author = demoted_author()
    post = past_post(author, body="As written")

    response = api.put(f"/api/articles/{post.slug}", user=author, json={"article": {"body": "Edited"}})

    assert response.status_code == 403
    assert errors(response) == {"article": ["forbidden"]}
    assert api.get(f"/api/articles/{post.slug}").get_json()["article"]["body"] == "As written"


def test_an_author_no_longer_allowed_to_write_may_not_delete_their_article(api, db):
    author = demoted_author()
    post = past_post(author)

    response = api.delete(f"/api/articles/{post.slug}", user=author)

    assert response.status_code == 403
    assert errors(response) == {"article": ["forbidden"]}
    assert api.get(f"/api/articles/{post.slug}").status_code == 200


def test_an_administrator_may_update_any_article(api, db):
    post = past_post(UserFactory())

    response = api.put(
        f"/api/articles/{post.slug}", user=UserFactory(administrator=True), json={"article": {"body": "Edited"}}
    )

    assert response.status_code == 200
    assert response.get_json()["article"]["body"] == "Edited"


def test_update_of_an_unknown_article_is_not_found(api, user):
    response = api.put("/api/articles/nothing", user=user, json={"article": {"title": "x"}})

    assert response.status_code == 404


def test_delete_answers_204_and_removes_the_article_with_its_comments_tags_and_favorites(api, user, db):
    post = past_post(user, tag_names=["a"])
    FavoriteFactory(user_id=UserFactory().id, post_id=post.id)
    api.post(f"/api/articles/{post.slug}/comments", user=user, json={"comment": {"body": "Hi"}})

    response = api.delete(f"/api/articles/{post.slug}", user=user)

    assert response.status_code == 204
    assert response.data == b""
    assert api.get(f"/api/articles/{post.slug}").status_code == 404
    assert api.get("/api/tags").get_json() == {"tags": []}


def test_delete_of_someone_elses_article_is_forbidden(api, user):
    post = past_post(UserFactory())

    response = api.delete(f"/api/articles/{post.slug}", user=user)

    assert response.status_code == 403
    assert errors(response) == {"article": ["forbidden"]}


def test_an_administrator_may_delete_any_article(api, db):
    post = past_post(UserFactory())

    assert api.delete(f"/api/articles/{post.slug}", user=UserFactory(administrator=True)).status_code == 204


def test_a_moderator_may_not_delete_someone_elses_article(api, db):
    post = past_post(UserFactory())

    assert api.delete(f"/api/articles/{post.slug}", user=UserFactory(moderator=True)).status_code == 403
