"""Names no column could hold, such as one with a NUL, name nobody: their pages are not found, on every engine."""

import pytest

from tests.factories import UserFactory
from tests.login import log_in_as

UNSTORABLE_PATHS = [
    ("GET", "/user/%00"),
    ("GET", "/user/a%00b"),
    ("GET", "/followers/a%00b"),
    ("GET", "/followed-by/%00"),
    ("POST", "/follow/%00"),
    ("POST", "/unfollow/a%00b"),
]


@pytest.mark.parametrize(("method", "path"), UNSTORABLE_PATHS)
def test_a_username_with_a_nul_is_not_found(client, db, method, path):
    log_in_as(client, UserFactory(username="a"))
    assert client.open(path, method=method).status_code == 404
