"""Every word a template shows is marked for translation: text between tags, and the attributes people read."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import Environment

APP_DIRECTORY = Path(__file__).resolve().parents[2] / "app"
# The API and its documentation speak English only, to every client (app/api/openapi.py says so).
ENGLISH_ONLY = {"api/templates/api/docs.html"}
TEMPLATES = sorted(
    path
    for path in APP_DIRECTORY.glob("**/templates/**/*")
    if path.suffix in (".html", ".txt") and path.is_file() and str(path.relative_to(APP_DIRECTORY)) not in ENGLISH_ONLY
)
# Attributes a reader sees or a screen reader speaks.
READ_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "aria-description", "aria-roledescription"}
# Reviewed: words that are the same in every language.
ALLOWED = {"Flasky", "Markdown", "Swagger UI", "OpenAPI", "API", "TOTP", "QR", "JSON", "ZIP", "RSS"}
# What Jinja itself writes ({{ ... }}, {% ... %}) stands for no word of the template's.
PLACEHOLDER = "\x00"
LETTER = re.compile(r"[^\W\d_]")


def template_text(source: str) -> str:
    """The template's literal text, with every Jinja expression, statement and comment replaced by a placeholder."""
    pieces = []
    for _line, token, value in Environment(extensions=["jinja2.ext.i18n"], autoescape=True).lex(source):
        if token == "data":
            pieces.append(value)
        elif token == "variable_begin" and pieces and pieces[-1].endswith(("<", "</")):
            # A tag whose name Jinja writes, such as <{{ title_tag }} class="...">.
            pieces.append("jinja-tag")
        elif token in ("variable_begin", "block_begin"):
            pieces.append(PLACEHOLDER)
    return "".join(pieces)


def shown(text: str) -> str:
    """``text`` as a failure lists it: on one line, without placeholders."""
    return " ".join(text.replace(PLACEHOLDER, " ").split())


def has_words(text: str) -> bool:
    for allowed in ALLOWED:
        text = text.replace(allowed, "")
    return LETTER.search(text.replace(PLACEHOLDER, " ")) is not None


class UntranslatedText(HTMLParser):
    """Collects the literal text and read attributes of an HTML template that hold words."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.in_code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.in_code += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value and has_words(value):
                self.found.append(f'{name}="{shown(value)}"')
            if tag == "input" and name == "value" and value and has_words(value) and ("type", "submit") in attrs:
                self.found.append(f'value="{shown(value)}"')

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.in_code -= 1

    def handle_data(self, data: str) -> None:
        if not self.in_code and has_words(data):
            self.found.append(shown(data))


def untranslated(path: Path) -> list[str]:
    text = template_text(path.read_text())
    if path.suffix == ".txt":
        return [shown(line) for line in text.splitlines() if has_words(line)]
    parser = UntranslatedText()
    parser.feed(text)
    parser.close()
    return parser.found


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(APP_DIRECTORY)))
def test_every_word_of_the_template_is_marked_for_translation(path):
    assert untranslated(path) == [], "wrap these in {{ _('...') }}"


def test_the_check_finds_unmarked_text_and_attributes(tmp_path):
    template = tmp_path / "page.html"
    template.write_text(
        '<p title="Your posts">{{ _("Hello") }} world</p><img alt="{{ _(\'A cat\') }}"><script>var a = "b";</script>'
    )
    assert untranslated(template) == ['title="Your posts"', "world"]


def test_the_check_finds_unmarked_lines_of_a_plain_text_mail(tmp_path):
    template = tmp_path / "mail.txt"
    template.write_text("{{ _('Dear %(name)s,', name=user.username) }}\n\n{{ url }}\nSincerely,\n")
    assert untranslated(template) == ["Sincerely,"]
