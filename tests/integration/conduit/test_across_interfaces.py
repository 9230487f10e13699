"""An article written through Conduit and then edited on the web pages keeps what Conduit gave it."""

import re
from html.parser import HTMLParser

from app.models import Post


class FormFields(HTMLParser):
    """What a browser sends when the form's Submit button is pressed: its inputs and text areas as rendered."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "input" and name and attributes.get("type") != "submit":
            self.fields[name] = attributes.get("value") or ""
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields[name] = ""

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self.textarea is not None:
            # A browser drops the one line break that follows <textarea>.
            self.fields[self.textarea] = re.sub(r"\A\r?\n", "", self.fields[self.textarea])
            self.textarea = None


def submitted_form(page: str) -> dict[str, str]:
    parser = FormFields()
    parser.feed(page)
    return {**parser.fields, "submit": "Submit"}


def test_a_tag_with_a_comma_stays_one_tag_when_the_web_edit_page_saves_the_article_unchanged(api, auth, user, db):
    tags = ["rock, paper", "scissors"]
    article = {"title": "Games", "description": "Hands", "body": "Best of three", "tagList": tags}
    slug = api.post("/api/articles", user=user, json={"article": article}).get_json()["article"]["slug"]
    post_id = db.session.scalar(db.select(Post.id).filter_by(slug=slug))
    auth.login(email=user.email)

    form = submitted_form(api.client.get(f"/edit/{post_id}").get_data(as_text=True))
    saved = api.client.post(f"/edit/{post_id}", data=form)

    assert saved.status_code == 302
    article = api.get(f"/api/articles/{slug}").get_json()["article"]
    assert article["tagList"] == tags
    assert article["title"] == "Games"
    assert article["body"] == "Best of three"
