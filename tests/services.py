"""Reaching the real services the tests need: skip with one line on a laptop, fail in CI."""

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def unavailable(what: str, reason: str) -> None:
    """Skip the test, or fail it when ``CI=true``, because ``what`` cannot be reached."""
    message = f"{what} unavailable: {reason}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true: required)", pytrace=False)
    pytest.skip(message)
