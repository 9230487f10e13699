"""A client for the Conduit API that signs requests in as a given user."""

import pytest

from tests.factories import UserFactory


class ConduitClient:
    """``api.get(path, user=...)``: the request carries ``Authorization: Token`` for ``user`` when given."""

    def __init__(self, client) -> None:
        self.client = client

    @staticmethod
    def headers(user=None, token=None) -> dict[str, str]:
        if user is not None:
            token = user.generate_auth_token()
        return {} if token is None else {"Authorization": f"Token {token}"}

    def request(self, method: str, path: str, user=None, token=None, **kwargs):
        headers = {**self.headers(user, token), **kwargs.pop("headers", {})}
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def put(self, path, **kwargs):
        return self.request("PUT", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)


@pytest.fixture
def api(client):
    return ConduitClient(client)


@pytest.fixture
def user(db):
    return UserFactory(username="jake", email="jake@example.com", about_me="I work at statefarm")
