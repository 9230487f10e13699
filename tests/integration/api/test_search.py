"""Searching posts through the API: the search page's matches, in pages shaped like every list of posts."""

import pytest

from tests.factories import CommentFactory, PostFactory, UserFactory
from tests.querycount import count_queries

from .conftest import token_auth


def urls(response) -> list[str]:
    return [post["url"] for post in response.json["posts"]]


def test_matching_posts_are_listed_best_first_in_the_post_list_shape(client, headers):
    in_body = PostFactory(title="Notes", body="Running notes.")
    in_title = PostFactory(title="Running", body="Notes.")
    PostFactory(title="Walking", body="Notes.")
    CommentFactory(post=in_title)

    response = client.get("/api/v1/search/posts", query_string={"q": "run"}, headers=headers)
    listing = client.get("/api/v1/posts/", headers=headers)

    assert response.status_code == 200
    assert urls(response) == [f"/api/v1/posts/{in_title.id}", f"/api/v1/posts/{in_body.id}"]
    assert response.json.keys() == listing.json.keys()
    assert response.json["posts"][0].keys() == listing.json["posts"][0].keys()
    assert response.json["posts"][0]["comment_count"] == 1
    assert response.json["count"] == 2


def test_pages_link_to_each_other_keeping_the_query(client, headers):
    posts = [PostFactory(body="Flask.") for _ in range(3)]

    first = client.get("/api/v1/search/posts?q=flask&per_page=2", headers=headers)
    second = client.get(first.json["next"], headers=headers)

    assert first.json["prev"] is None
    assert first.json["next"] == "/api/v1/search/posts?page=2&per_page=2&q=flask"
    assert second.json["prev"] == "/api/v1/search/posts?page=1&per_page=2&q=flask"
    assert second.json["next"] is None
    assert sorted(urls(first) + urls(second)) == sorted(f"/api/v1/posts/{post.id}" for post in posts)


@pytest.mark.app_config(FLASKY_SEARCH_RANKED=2)
def test_only_the_newest_matches_are_listed_and_counted(client, headers):
    PostFactory(body="Flask.")
    newest = [PostFactory(body="Flask."), PostFactory(body="Flask.")]

    response = client.get("/api/v1/search/posts?q=flask", headers=headers)

    assert sorted(urls(response)) == sorted(f"/api/v1/posts/{post.id}" for post in newest)
    assert response.json["count"] == 2


def test_the_syntax_is_the_search_pages(client, headers):
    cats = PostFactory(body="The sad cat sat.")
    PostFactory(body="The cat was sad, the dog too.")

    response = client.get("/api/v1/search/posts", query_string={"q": '"sad cat" -dog'}, headers=headers)

    assert urls(response) == [f"/api/v1/posts/{cats.id}"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Type a word or a phrase to search for."),
        ("the", "Type a word to search for"),
        ("-flask", "Add a word to look for"),
        ("x" * 1000, "Shorten the search to at most 256 characters."),
        ("flask\x00", "The search must be text without NUL characters"),
    ],
)
def test_a_query_with_nothing_to_search_is_422_saying_why(client, headers, typed, message):
    response = client.get("/api/v1/search/posts", query_string={"q": typed}, headers=headers)

    assert response.status_code == 422
    assert response.json["message"].startswith(message)
    assert response.json["errors"] == {"q": [response.json["message"]]}


@pytest.mark.parametrize("typed", ['"unbalanced', "NEAR(", "*flask", "col:flask", "^flask", "flask OR"])
def test_fts5_syntax_is_searched_as_text(client, headers, typed):
    PostFactory(body="Flask near columns.")

    response = client.get("/api/v1/search/posts", query_string={"q": typed}, headers=headers)

    assert response.status_code == 200


def test_a_query_is_required(client, headers):
    response = client.get("/api/v1/search/posts", headers=headers)

    assert response.status_code == 422
    assert response.json["errors"] == {"q": ["Missing data for required field."]}


def test_disabled_comments_are_never_searched(client, headers):
    CommentFactory(body="Zanzibar.", disabled=True)

    response = client.get("/api/v1/search/posts?q=zanzibar", headers=headers)

    assert response.json["posts"] == []
    assert response.json["count"] == 0


def test_searching_needs_credentials(client, db):
    response = client.get("/api/v1/search/posts?q=flask")

    assert response.status_code == 401


def test_an_unconfirmed_account_cannot_search(client, db):
    response = client.get("/api/v1/search/posts?q=flask", headers=token_auth(UserFactory(unconfirmed=True)))

    assert response.status_code == 403


@pytest.mark.parametrize("count", [2, 20])
def test_a_page_of_results_sends_the_same_statements_whatever_its_size(client, headers, count):
    for _ in range(count):
        CommentFactory(post=PostFactory(body="Flask."))

    with count_queries() as log:
        response = client.get("/api/v1/search/posts?q=flask&per_page=20", headers=headers)

    assert len(response.json["posts"]) == count
    # the token's user, the page of posts counted with their highlights, the comment counts
    assert log.count == 3, log


def test_the_openapi_document_describes_the_search(client, db):
    document = client.get("/api/v1/openapi.json").json

    operation = document["paths"]["/api/v1/search/posts"]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert operation["operationId"] == "search_posts"
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PostPage"
    }
    assert parameters["q"]["required"] is True
    assert {"page", "per_page"} <= parameters.keys()
    assert set(operation["responses"]) == {"200", "401", "403", "422"}
    assert '"an exact phrase"' in operation["description"]
