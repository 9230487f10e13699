"""Searching in a browser: from the navbar, a stemmed word and an exact phrase, the matched words highlighted."""

import pytest

from tests.e2e.pages import HomePage, Navbar
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.e2e


def test_a_search_finds_other_forms_of_a_word_and_exact_phrases_highlighted(browser, site):
    runner = UserFactory(username="runningrae", name="Rae Running")
    PostFactory(author=runner, title="Why I run", body="Running every morning keeps me sane.")
    PostFactory(title="Cats", body="The sad cat sat on the mat.")
    PostFactory(title="More cats", body="The cat was sad all day.")
    HomePage(browser, site.url).open()

    results = Navbar(browser, site.url).search("running")

    assert results.title == "Flasky - Search: running"
    assert results.people == ["runningrae"]
    assert results.result_titles == ["Why I run"]
    assert results.title_highlights == [["run"]]
    assert results.snippet_highlights == [["Running"]]

    results = results.search('"sad cat"')

    assert results.result_titles == ["Cats"]
    assert [" ".join(words) for words in results.snippet_highlights] == ["sad cat"]

    results = results.search("sad cats -mat")

    assert results.result_titles == ["More cats"]
    assert results.snippet_highlights == [["cat", "sad"]]


def test_a_search_with_nothing_to_look_for_says_what_to_type(browser, site):
    results = Navbar(browser, site.url).open().search("the")

    assert results.problem.startswith("Type a word to search for")
    assert results.results == []
