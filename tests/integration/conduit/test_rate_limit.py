"""Login and registration are rate limited per client address, like the web forms."""

import pytest

from tests.apps import rate_limited

from .shapes import errors

pytestmark = pytest.mark.app_config(rate_limited("2 per minute"))


def test_logins_past_the_limit_get_429_in_conduit_shape(api, user):
    login = {"user": {"email": "jake@example.com", "password": "wrong"}}
    statuses = [api.post("/api/users/login", json=login).status_code for _ in range(2)]

    refused = api.post("/api/users/login", json=login)

    assert statuses == [401, 401]
    assert refused.status_code == 429
    assert errors(refused) == {"request": ["too many; try again later"]}
    assert "Retry-After" in refused.headers
