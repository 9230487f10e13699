"""Reading what a reader types into a search, and showing the matched words safely."""

import pytest

from app.exceptions import Invalid
from app.services.search import MARK_END, MARK_START, highlighted
from app.services.search_query import MAX_QUERY_LENGTH, parse


@pytest.mark.parametrize(
    ("typed", "fts5", "websearch"),
    [
        ("running", '("running")', '"running"'),
        ("flask tutorial", '("flask" AND "tutorial")', '"flask" "tutorial"'),
        ('"exact phrase"', '("exact phrase")', '"exact phrase"'),
        ("cats -dogs", '("cats" NOT "dogs")', '"cats" -"dogs"'),
        ('cats -"hot dogs" -mice', '("cats" NOT "hot dogs" NOT "mice")', '"cats" -"hot dogs" -"mice"'),
        ("cats dogs or mice", '("cats" AND "dogs") OR ("mice")', '"cats" "dogs" or "mice"'),
        ("cats OR mice", '("cats") OR ("mice")', '"cats" or "mice"'),
    ],
)
def test_the_syntax_is_written_out_for_each_engine(typed, fts5, websearch):
    query = parse(typed)

    assert query.fts5() == fts5
    assert query.websearch() == websearch


@pytest.mark.parametrize(
    ("typed", "fts5", "tsquery"),
    [
        ("mig", '("mig"*)', "((mig:*))"),
        ('"ann smi"', '("ann smi"*)', "((ann <-> smi:*))"),
        ("ann -smith", '("ann"* NOT "smith"*)', "((ann:*) & !(smith:*))"),
        ("ann -smith -jones", '("ann"* NOT "smith"* NOT "jones"*)', "((ann:*) & !(smith:*) & !(jones:*))"),
        ("ann or bob", '("ann"*) OR ("bob"*)', "((ann:*)) | ((bob:*))"),
        ("john.doe_2", '("john doe 2"*)', "((john <-> doe <-> 2:*))"),
        ("NEAR(x) & !y | z:*", '("near x"* AND "y"* AND "z"*)', "((near <-> x:*) & (y:*) & (z:*))"),
    ],
)
def test_names_are_searched_by_their_words_the_last_one_a_prefix(typed, fts5, tsquery):
    query = parse(typed)

    assert query.fts5_prefixes() == fts5
    assert query.tsquery_prefixes() == tsquery


@pytest.mark.parametrize(
    ("typed", "fts5"),
    [
        ("NEAR(flask", '("NEAR(flask")'),
        ("flask*", '("flask*")'),
        ("title:flask", '("title:flask")'),
        ("^flask", '("^flask")'),
        ("flask AND NOT python", '("flask" AND "python")'),
        ("{title body}: flask", '("{title" AND "body}:" AND "flask")'),
    ],
)
def test_fts5_operators_typed_by_a_reader_are_quoted_as_text(typed, fts5):
    assert parse(typed).fts5() == fts5


def test_an_unclosed_quote_runs_to_the_end():
    assert parse('flask "exact phrase').fts5() == '("flask" AND "exact phrase")'


def test_stop_words_and_punctuation_are_left_out():
    assert parse("the flask * of ( python").fts5() == '("flask" AND "python")'


def test_an_alternative_of_only_excluded_words_is_left_out():
    assert parse("flask or -python").fts5() == '("flask")'


def test_or_at_either_end_is_ignored():
    assert parse("or flask or").fts5() == '("flask")'


def test_a_minus_inside_a_word_is_part_of_it():
    assert parse("e-mail").fts5() == '("e-mail")'


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Type a word or a phrase to search for."),
        ("   ", "Type a word or a phrase to search for."),
        ("the", "Type a word to search for: common words such as 'the' and punctuation alone are not searched."),
        ("to be or not to be", "Type a word to search for"),
        ("* ( : ^ -", "Type a word to search for"),
        ('""', "Type a word to search for"),
        ("or", "Type a word to search for"),
        ("-flask", "Add a word to look for: a -word only leaves out the posts that have it."),
        ("x" * (MAX_QUERY_LENGTH + 1), f"Shorten the search to at most {MAX_QUERY_LENGTH} characters."),
        ("flask\x00", "The search must be text without NUL characters or unpaired surrogates."),
        ("flask\ud800", "The search must be text without NUL characters or unpaired surrogates."),
    ],
)
def test_a_query_with_nothing_to_search_is_refused_with_a_message(typed, message):
    with pytest.raises(Invalid) as refusal:
        parse(typed)

    assert refusal.value.message.startswith(message)
    assert refusal.value.errors == {"q": [refusal.value.message]}


def test_the_longest_query_allowed_is_searched():
    longest = ("flask " * MAX_QUERY_LENGTH)[:MAX_QUERY_LENGTH]
    assert len(parse(longest).alternatives[0]) == MAX_QUERY_LENGTH // len("flask ") + 1


def test_marked_words_become_mark_elements_and_the_rest_is_escaped():
    marked = f"<b>{MARK_START}flask{MARK_END}</b> & {MARK_START}<i>{MARK_END}"

    assert highlighted(marked) == "&lt;b&gt;<mark>flask</mark>&lt;/b&gt; &amp; <mark>&lt;i&gt;</mark>"


@pytest.mark.parametrize(
    "marked",
    [f"a {MARK_START}b", f"a {MARK_END}b", f"{MARK_END}{MARK_START}a", f"a {MARK_START}{MARK_START}b{MARK_END}"],
)
def test_stray_marks_never_make_unbalanced_html(marked):
    html = str(highlighted(marked))

    assert html.count("<mark>") == html.count("</mark>")
    assert MARK_START not in html
    assert MARK_END not in html


def test_nothing_marked_is_empty_html():
    assert highlighted(None) == ""
