"""The Markdown pipeline: rendered, then cleaned to an allow-list."""

import pytest

from app.markdown import render_markdown, sanitise_html


def test_markdown_renders_formatting():
    html = render_markdown("# Title\n\n- one\n- two\n\n`code` and > not a quote")
    assert "<h1>Title</h1>" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert "<code>code</code>" in html


@pytest.mark.parametrize("text", [None, ""])
def test_nothing_renders_as_empty(text):
    assert render_markdown(text) == ""


def test_links_keep_a_safe_href_and_get_nofollow_noopener():
    html = render_markdown('[Flask](https://flask.palletsprojects.com "docs")')
    assert html == ('<p><a href="https://flask.palletsprojects.com" title="docs" rel="nofollow noopener">Flask</a></p>')


def test_mailto_links_are_kept():
    assert 'href="mailto:me@example.com"' in render_markdown("[mail](mailto:me@example.com)")


@pytest.mark.parametrize("href", ["javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "vbscript:x"])
def test_unsafe_link_targets_lose_their_href(href):
    html = sanitise_html(f'<a href="{href}">click</a>')
    assert html == '<a rel="nofollow noopener">click</a>'


def test_link_rel_given_by_the_author_is_replaced():
    html = sanitise_html('<a href="https://example.com" rel="opener" target="_blank">x</a>')
    assert html == '<a href="https://example.com" rel="nofollow noopener">x</a>'


def test_script_is_removed_with_its_content():
    assert sanitise_html("<p>hi</p><script>alert(1)</script>") == "<p>hi</p>"


def test_tags_outside_the_allow_list_are_stripped_but_text_kept():
    assert sanitise_html('<div onclick="x()"><span style="color:red">text</span></div>') == "text"


def test_event_handler_attributes_are_removed_from_allowed_tags():
    assert sanitise_html('<p onmouseover="x()">text</p>') == "<p>text</p>"


def test_images_and_iframes_are_removed():
    assert sanitise_html('<img src="x" onerror="alert(1)"><iframe src="https://evil"></iframe>') == ""


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_plain_web_links_are_kept(scheme):
    html = sanitise_html(f'<a href="{scheme}://example.com/page">x</a>')
    assert html == f'<a href="{scheme}://example.com/page" rel="nofollow noopener">x</a>'


@pytest.mark.parametrize(
    "href", ["ftp://example.com/file", "tel:+15550100", "sms:+15550100", "file:///etc/passwd", "irc://example.com"]
)
def test_links_to_schemes_other_than_http_https_and_mailto_lose_their_href(href):
    assert sanitise_html(f'<a href="{href}">x</a>') == '<a rel="nofollow noopener">x</a>'


@pytest.mark.parametrize(
    "html",
    [
        '<form action="https://evil.example"><input name="password"></form>',
        '<iframe src="https://evil.example"></iframe>',
        '<img src="https://evil.example/pixel.gif">',
    ],
)
def test_forms_frames_and_images_leave_nothing_behind(html):
    assert sanitise_html(html) == ""


def test_only_href_and_title_are_kept_on_links():
    html = sanitise_html('<a href="https://example.com" title="t" style="color:red" onclick="x()">x</a>')
    assert html == '<a href="https://example.com" title="t" rel="nofollow noopener">x</a>'


def test_link_attributes_nh3_would_allow_by_default_are_removed():
    html = sanitise_html('<a href="https://example.com" hreflang="en" title="t">y</a>')
    assert html == '<a href="https://example.com" title="t" rel="nofollow noopener">y</a>'
