"""``is_safe_next``: a path on this site is followed after signing in; anything a browser could take off-site is not."""

import pytest

from app.auth.redirects import is_safe_next


@pytest.mark.parametrize("target", ["/", "/user/john?page=2", "/auth/change-password#tab", "/post/1/edit"])
def test_a_path_on_this_site_is_safe(target):
    assert is_safe_next(target)


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "user/john",
        "https://evil.example",
        "javascript:alert(1)",
        "//evil.example",
        "/\\evil.example",
        "/user\\john",
        "/user john",
        "/user\u2003john",
        "/\t/evil.example",
        "/user\x00john",
        "/user\x7fjohn",
        "/user\u200bjohn",
        "/user\u202ejohn",
    ],
    ids=repr,
)
def test_anything_else_is_refused(target):
    assert not is_safe_next(target)
