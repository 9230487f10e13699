"""The search page: stemmed words, phrases, -word and or, best match first, highlighted safely, on either engine."""

import re
from datetime import datetime, timedelta

import pytest

from app.extensions import db as _db
from app.models import Post
from app.services.posts import delete_post, edit_post
from app.services.search import search_posts
from tests.factories import CommentFactory, PostFactory, UserFactory
from tests.login import log_in_as
from tests.querycount import count_queries

RESULT = re.compile(r'<li class="search-result[^"]*" id="post-(\d+)"')
NOON = datetime(2026, 11, 28, 12, 0)


def post(body: str, title: str = "A post", age: int = 0, **fields) -> Post:
    """A post with this title and body, ``age`` hours old."""
    return PostFactory(title=title, body=body, timestamp=NOON - timedelta(hours=age), **fields)


def found(text: str) -> list[int]:
    """The ids of the posts the search page lists for ``text``, in its order."""
    return [match.post.id for match in search_posts(text, 1, 100).items]


def search_page(client, text: str, **args) -> str:
    response = client.get("/search", query_string={"q": text, **args})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def listed(page: str) -> list[int]:
    return [int(post_id) for post_id in RESULT.findall(page)]


def test_a_word_finds_its_other_forms(db):
    run = post("I run every morning.")
    runner = post("She is a fast runner.", title="Runs")
    post("I walk every morning.")

    assert set(found("running")) == {run.id, runner.id}


def test_a_phrase_finds_its_words_together_and_in_order(db):
    together = post("The sad cat sat on the mat.")
    post("The cat was sad.")
    post("A sad old cat.")

    assert found('"sad cat"') == [together.id]


def test_words_without_quotes_are_found_anywhere_in_the_post(db):
    both = {post("The cat was sad.").id, post("A sad old cat.").id}
    post("A happy cat.")

    assert set(found("sad cat")) == both


def test_a_minus_word_leaves_out_the_posts_that_have_it(db):
    cats = post("Cats sleep all day.")
    post("Cats and dogs sleep all day.")

    assert found("cats -dogs") == [cats.id]


def test_a_minus_phrase_leaves_out_the_posts_that_have_it(db):
    kept = post("Dogs are hot in summer.")
    post("Hot dogs in summer.")

    assert found('summer -"hot dogs"') == [kept.id]


def test_or_finds_either_word(db):
    either = {post("Cats sleep.").id, post("Dogs bark.").id}
    post("Birds sing.")

    assert set(found("cats or dogs")) == either


def test_words_bind_tighter_than_or(db):
    both = post("Cats and dogs.")
    birds = post("Birds sing.")
    post("Only cats here.")

    assert set(found("cats dogs or birds")) == {both.id, birds.id}


def test_a_word_in_the_title_ranks_above_the_same_word_in_the_body(db):
    in_body = post("Some notes on Flask and other things I learned this week.", title="Weekly notes")
    in_title = post("Some notes on routing and other things I learned this week.", title="Flask")

    assert found("flask") == [in_title.id, in_body.id]


def test_a_post_about_the_word_ranks_above_one_that_mentions_it(db):
    mentions = post("I went to the park, then home, and wrote a little python.")
    about = post("Python, python and more python: python all day.")

    assert found("python") == [about.id, mentions.id]


def test_equal_matches_are_newest_first(db):
    oldest, newest, middle = post("Flask.", age=3), post("Flask.", age=1), post("Flask.", age=2)

    assert found("flask") == [newest.id, middle.id, oldest.id]


def newest_three_of_four() -> list[Post]:
    """Four posts about python, oldest first: the oldest the best match, then two equal mentions around a better one."""
    post("Python, python and more python: python all day.", age=4)
    mention = "I went to the park, then home, and wrote a little python."
    return [post(mention, age=3), post("Python and python again.", age=2), post(mention, age=1)]


@pytest.mark.app_config(FLASKY_SEARCH_RANKED=3)
def test_only_the_newest_matches_are_ranked_best_first(db):
    older_mention, about, newer_mention = newest_three_of_four()

    assert found("python") == [about.id, newer_mention.id, older_mention.id]


@pytest.mark.app_config(FLASKY_SEARCH_RANKED=3)
def test_the_newest_matches_are_ranked_when_the_newest_posts_do_not_match(db):
    older_mention, about, newer_mention = newest_three_of_four()
    post("Flask."), post("Flask."), post("Flask.")

    pagination = search_posts("python", 1, 100)

    assert [match.post.id for match in pagination.items] == [about.id, newer_mention.id, older_mention.id]
    assert (pagination.total, pagination.more) == (3, True)


@pytest.mark.app_config(FLASKY_SEARCH_RANKED=3, FLASKY_POSTS_PER_PAGE=2)
def test_pages_walk_the_newest_matches_only(client, db):
    older_mention, about, newer_mention = newest_three_of_four()

    pages = [listed(search_page(client, "python", page=number)) for number in (1, 2, 3)]

    assert pages == [[about.id, newer_mention.id], [older_mention.id], []]


@pytest.mark.app_config(FLASKY_SEARCH_RANKED=3)
def test_the_page_says_when_older_matches_were_left_out(client, db):
    newest_three_of_four()

    page = search_page(client, "python")

    assert re.search(r'<span class="search-count">3</span> posts found', page)
    assert "Showing the best matches among the 3 newest; add words to find older posts." in page


@pytest.mark.app_config(FLASKY_SEARCH_RANKED=3)
def test_a_page_past_the_last_still_knows_older_matches_were_left_out(db):
    newest_three_of_four()

    pagination = search_posts("python", 5, 2)

    assert (pagination.items, pagination.total, pagination.more) == ([], 3, True)


@pytest.mark.app_config(FLASKY_SEARCH_RANKED=3)
def test_as_many_matches_as_are_ranked_leave_nothing_out(client, db):
    post("Python."), post("Python."), post("Python.")

    page = search_page(client, "python")

    assert len(listed(page)) == 3
    assert "search-bound" not in page


def test_the_index_follows_edits_and_deletes(db):
    author = UserFactory()
    edited = post("Written about flask.", author=author)
    deleted = post("Also about flask.", author=author)

    edit_post(author, edited, {"body": "Now about django."})
    delete_post(author, deleted)

    assert found("flask") == []
    assert found("django") == [edited.id]


def test_the_page_highlights_the_matched_words_of_title_and_snippet(client, db):
    post("Running is what I do every morning.", title="Why I run")

    page = search_page(client, "running")

    assert "Why I <mark>run</mark>" in page
    assert "<mark>Running</mark> is what I do every morning." in page


def test_a_phrase_is_highlighted_on_the_page(client, db):
    post("The sad cat sat on the mat.")

    page = search_page(client, '"sad cat"')

    assert re.search(r"The <mark>sad( cat</mark>|</mark> <mark>cat</mark>) sat on the mat\.", page)


def test_what_posts_say_is_escaped_around_the_highlights(client, db):
    post('<script>alert("owned")</script> flask <img src=x onerror=alert(1)>', title="<b>flask</b>")

    page = search_page(client, "flask")

    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "<b>" not in page
    assert "&lt;b&gt;<mark>flask</mark>&lt;/b&gt;" in page


def test_snippets_are_short(db):
    post(" ".join(["filler"] * 500 + ["flask"] + ["filler"] * 500))

    (match,) = search_posts("flask", 1, 20).items

    assert "<mark>flask</mark>" in match.snippet
    assert len(match.snippet.split()) < 40


@pytest.mark.parametrize(
    "typed",
    ["", "   ", "the", "to be or not to be", "x" * 1000, "flask " * 200, "-flask", "*", "(", ")", ":", "^", "or", "-"],
)
def test_a_query_with_nothing_to_search_shows_a_message(client, db, typed):
    post("Flask and the rest.")

    page = search_page(client, typed)

    assert 'class="alert alert-warning search-problem"' in page
    assert listed(page) == []


@pytest.mark.parametrize(
    "typed",
    [
        '"unbalanced',
        'flask "unbalanced',
        "NEAR(",
        "NEAR(flask, python)",
        "flask*",
        "col:",
        "title:flask",
        "^flask",
        "flask AND",
        "NOT flask",
        "flask + python",
        '"',
        "'",
        "\\",
        "%",
        "_",
        "flask' OR 1=1 --",
        "{title}: flask",
    ],
)
def test_fts5_and_sql_syntax_is_searched_as_text_and_never_fails(client, db, typed):
    post("Flask, python and near unbalanced columns.")

    page = search_page(client, typed)

    assert "<h1" in page


def test_an_operator_typed_by_a_reader_finds_the_word_it_holds(db):
    near = post("Near the river.")
    post("Far from the river.")

    assert found("NEAR(") == [near.id]
    assert found("col:") == []


def test_nul_in_the_query_shows_a_message(client, db):
    page = search_page(client, "flask\x00")

    assert "The search must be text without NUL characters" in page


def test_a_word_only_a_disabled_comment_holds_finds_nothing(client, db):
    CommentFactory(body="Zanzibar is lovely.", disabled=True)

    page = search_page(client, "zanzibar")

    assert listed(page) == []
    assert "Zanzibar" not in page.replace('value="zanzibar"', "")


@pytest.mark.parametrize("role", [None, "User", "Moderator", "Administrator"])
def test_every_visitor_finds_the_same_posts_and_no_disabled_comment(client, db, role):
    shown = post("Flask.")
    CommentFactory(post=shown, body="Flask, but disabled.", disabled=True)
    if role is not None:
        log_in_as(client, UserFactory(role_name=role))

    page = search_page(client, "flask")

    assert listed(page) == [shown.id]
    assert "but disabled" not in page


def test_an_unconfirmed_account_is_sent_to_confirm_it_first(client, db):
    log_in_as(client, UserFactory(unconfirmed=True))

    response = client.get("/search?q=flask")

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/auth/unconfirmed")


def test_comments_are_not_searched(db):
    CommentFactory(body="Zanzibar is lovely.")

    assert found("zanzibar") == []


def test_the_page_lists_matching_people_with_links_to_their_profiles(client, db):
    UserFactory(username="flaskfan", name="Ann <b>Smith</b>")

    page = search_page(client, "flaskfan")

    assert 'href="/user/flaskfan"' in page
    assert "Ann &lt;b&gt;Smith&lt;/b&gt;" in page


def test_results_are_paginated_keeping_the_query(client, db, app):
    app.config["FLASKY_POSTS_PER_PAGE"] = 3
    posts = [post("Flask.", age=age) for age in range(5)]

    first, second = search_page(client, "flask"), search_page(client, "flask", page=2)

    assert listed(first) == [posts[0].id, posts[1].id, posts[2].id]
    assert listed(second) == [posts[3].id, posts[4].id]
    assert 'href="/search?page=2&amp;q=flask"' in first
    assert '<span class="search-count">5</span> posts found' in first


def test_people_are_shown_on_the_first_page_only(client, db, app):
    app.config["FLASKY_POSTS_PER_PAGE"] = 1
    UserFactory(username="flaskfan")
    post("Flask."), post("Flask.")

    assert 'href="/user/flaskfan"' in search_page(client, "flask")
    assert 'href="/user/flaskfan"' not in search_page(client, "flask", page=2).split("search-results")[0]


def test_a_page_past_the_last_is_empty(client, db):
    post("Flask.")

    assert listed(search_page(client, "flask", page=50)) == []


def test_a_page_no_list_could_reach_is_not_found(client, db):
    assert client.get("/search", query_string={"q": "flask", "page": 10**12}).status_code == 404


def test_the_page_without_a_query_shows_the_form_only(client, db):
    page = search_page(client, "flask").replace("flask", "")
    response = client.get("/search")

    assert response.status_code == 200
    assert 'id="search-q"' in response.get_data(as_text=True)
    assert "search-problem" not in response.get_data(as_text=True)
    assert "posts found" in page


@pytest.mark.parametrize("count", [2, 20])
def test_the_search_page_sends_the_same_statements_whatever_its_size(client, db, app, count):
    app.config["FLASKY_POSTS_PER_PAGE"] = 20
    for _ in range(count):
        post("Flask.").tag_names = ["flask", "python"]
        UserFactory(name="Flask Fan")
    _db.session.commit()

    with count_queries() as log:
        response = client.get("/search?q=flask")

    assert response.status_code == 200
    assert len(listed(response.get_data(as_text=True))) == count
    # the page of posts, counted, with authors, tags and highlights; the people
    assert log.count == 2, log


def test_a_later_page_sends_one_statement(client, db, app):
    app.config["FLASKY_POSTS_PER_PAGE"] = 1
    post("Flask."), post("Flask.")

    with count_queries() as log:
        response = client.get("/search?q=flask&page=2")

    assert len(listed(response.get_data(as_text=True))) == 1
    assert log.count == 1, log


@pytest.mark.parametrize(
    ("url", "statements"),
    [
        ("/search?q=flask&page=2", 2),  # the empty page, the count
        ("/search?q=django", 3),  # the empty page, the count, the people
    ],
)
def test_an_empty_page_counts_the_matches_apart(client, db, url, statements):
    post("Flask.")

    with count_queries() as log:
        response = client.get(url)

    assert listed(response.get_data(as_text=True)) == []
    assert log.count == statements, log
