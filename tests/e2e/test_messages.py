"""Private messages in a browser: writing from a profile, and the answer coming back."""

import pytest

from tests.e2e.pages import Bell, Navbar, ProfilePage
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e


def test_a_message_sent_from_a_profile_is_answered(browser, site, log_in):
    ann, bob = UserFactory(username="ann"), UserFactory(username="bob")

    log_in(ann)
    conversation = ProfilePage(browser, site.url).open(username="bob").message()
    conversation = conversation.send("Hello **Bob**, lunch tomorrow?")
    assert conversation.exchange == [("ann", "Hello Bob, lunch tomorrow?")]
    Navbar(browser, site.url).log_out()

    log_in(bob)
    assert Bell(browser, site.url).loaded().count == 1
    conversations = Navbar(browser, site.url).messages()
    assert conversations.correspondents == ["ann"]
    assert conversations.unread_from("ann") == 1
    conversation = conversations.open_conversation("ann").send("Yes, at noon.")
    assert conversation.exchange == [("ann", "Hello Bob, lunch tomorrow?"), ("bob", "Yes, at noon.")]
    assert Navbar(browser, site.url).messages().unread_from("ann") == 0
    Navbar(browser, site.url).log_out()

    log_in(ann)
    conversations = Navbar(browser, site.url).messages()
    assert conversations.unread_from("bob") == 1
    assert conversations.open_conversation("bob").exchange[-1] == ("bob", "Yes, at noon.")
