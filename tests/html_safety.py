"""Finds what a browser could execute in an HTML fragment: a strict checker for sanitised output."""

import html
import re
from html.parser import HTMLParser
from pathlib import Path

from app.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, ALLOWED_URL_SCHEMES

XSS_PAYLOADS = [
    line
    for line in (Path(__file__).parent / "security_data" / "xss_payloads.txt").read_text().splitlines()
    if line.strip()
]
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "cite", "data"}
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see in ``url`` after unescaping and dropping control characters."""
    cleaned = _CONTROL.sub("", html.unescape(url)).lower()
    match = re.match(r"^([a-z][a-z0-9+.\-]*):", cleaned)
    return match.group(1) if match else None


class _Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}
        for name, value in attrs:
            if name.startswith("on") or name == "style" or name not in allowed:
                self.problems.append(f"attribute {name} on <{tag}>")
            if name in URL_ATTRIBUTES and value is not None:
                scheme = url_scheme(value)
                if scheme is not None and scheme not in ALLOWED_URL_SCHEMES:
                    self.problems.append(f"{scheme}: URL in {name}")

    handle_startendtag = handle_starttag


def executable_constructs(fragment: str) -> list[str]:
    """Every tag, attribute or URL in ``fragment`` outside the sanitiser's allow-list."""
    inspector = _Inspector()
    inspector.feed(fragment)
    inspector.close()
    return inspector.problems
