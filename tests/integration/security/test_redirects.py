"""Open redirects: whatever ``next`` holds, a login sends the browser to a path on this site."""

from pathlib import Path
from urllib.parse import urlsplit

from tests.factories import UserFactory

REDIRECT_PAYLOADS = [
    line
    for line in (Path(__file__).parents[2] / "security_data" / "open_redirects.txt").read_text().splitlines()
    if line
]


def test_the_corpus_holds_at_least_thirty_payloads():
    assert len(REDIRECT_PAYLOADS) >= 30


def test_no_next_payload_leads_off_the_site(client, auth):
    UserFactory(email="john@example.com")
    for payload in REDIRECT_PAYLOADS:
        location = auth.login(next=payload).headers["Location"]
        auth.logout()

        parts = urlsplit(location)
        assert (parts.scheme, parts.netloc) == ("", ""), payload
        assert location.startswith("/"), payload
        assert not location.startswith(("//", "/\\")), payload
