"""The Markdown pipeline never lets an executable construct through, for a corpus and for generated input."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.markdown import render_markdown
from tests.html_safety import XSS_PAYLOADS, executable_constructs

HTML_PIECES = st.sampled_from(
    [
        "<script>",
        "</script>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        "<a href='javascript:alert(1)'>",
        '<a href="data:text/html,x">',
        "</a>",
        "<iframe>",
        "<style>",
        "javascript:",
        "&#106;",
        "&#x3A;",
        "<!--",
        "-->",
        '"',
        "'",
        "<",
        ">",
        "[x](",
        ")",
        "![y](",
        "**",
        "\n\n",
        "    ",
        "`",
        " onclick=alert(1) ",
        "<b ",
        "<p style='x'>",
    ]
)
MIXED_INPUT = st.lists(st.one_of(HTML_PIECES, st.text(max_size=8)), max_size=25).map("".join)


def test_corpus_has_over_a_hundred_payloads():
    assert len(XSS_PAYLOADS) >= 100


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_renders_without_executable_html(payload):
    assert executable_constructs(render_markdown(payload)) == []


@settings(max_examples=300, deadline=None)
@given(MIXED_INPUT)
def test_generated_markup_renders_without_executable_html(text):
    assert executable_constructs(render_markdown(text)) == []


def test_checker_catches_each_kind_of_executable_construct():
    assert executable_constructs("<script>alert(1)</script>") == ["tag <script>"]
    assert executable_constructs('<b onclick="x">') == ["attribute onclick on <b>"]
    assert executable_constructs('<a href="java&#x09;script:alert(1)">') == ["javascript: URL in href"]
    assert executable_constructs('<a href="https://example.com" rel="nofollow noopener">ok</a>') == []
