"""What users do to each other, sent the way each interface's clients send it: the web pages, API v1, Conduit."""

from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app.models import Post, User
from tests.integration.api.conftest import token_auth
from tests.login import log_in_as

# What each interface answers when it does the action, and when a rule refuses it.
DONE = {
    "web": {"message": 302, "follow": 302, "comment": 302, "block": 302, "unblock": 302, "delete": 302},
    "api": {"message": 201, "follow": 204, "comment": 201, "block": 204, "unblock": 204, "delete": 204},
    "conduit": {"follow": 200, "comment": 201},
}
REFUSED = {"web": 403, "api": 403, "conduit": 403}


@dataclass
class Actions:
    """One interface's way of doing each action, as ``actor``; every method returns the response."""

    client: FlaskClient
    interface: str

    def message(self, sender: User, recipient: User, body: str = "Hello there") -> TestResponse:
        if self.interface == "web":
            log_in_as(self.client, sender)
            return self.client.post(f"/messages/{recipient.username}", data={"body": body})
        return self.client.post(
            f"/api/v1/conversations/{recipient.id}", json={"body": body}, headers=token_auth(sender)
        )

    def follow(self, follower: User, user: User) -> TestResponse:
        if self.interface == "web":
            log_in_as(self.client, follower)
            return self.client.post(f"/follow/{user.username}")
        if self.interface == "conduit":
            return self.client.post(f"/api/profiles/{user.username}/follow", headers=conduit_auth(follower))
        return self.client.post(f"/api/v1/users/{user.id}/follow", headers=token_auth(follower))

    def comment(self, author: User, post: Post, body: str = "A comment") -> TestResponse:
        if self.interface == "web":
            log_in_as(self.client, author)
            return self.client.post(f"/post/{post.id}", data={"body": body})
        if self.interface == "conduit":
            return self.client.post(
                f"/api/articles/{post.slug}/comments", json={"comment": {"body": body}}, headers=conduit_auth(author)
            )
        return self.client.post(f"/api/v1/posts/{post.id}/comments/", json={"body": body}, headers=token_auth(author))

    def block(self, blocker: User, user: User) -> TestResponse:
        if self.interface == "web":
            log_in_as(self.client, blocker)
            return self.client.post(f"/block/{user.username}")
        return self.client.post(f"/api/v1/users/{user.id}/block", headers=token_auth(blocker))

    def unblock(self, blocker: User, user: User) -> TestResponse:
        if self.interface == "web":
            log_in_as(self.client, blocker)
            return self.client.post(f"/unblock/{user.username}")
        return self.client.delete(f"/api/v1/users/{user.id}/block", headers=token_auth(blocker))

    def delete_account(self, actor: User, user: User, password: str = "cat") -> TestResponse:  # noqa: S107
        if self.interface == "web":
            log_in_as(self.client, actor)
            url = "/account/delete" if actor.id == user.id else f"/account/delete/{user.id}"
            return self.client.post(url, data={"password": password, "confirm": "y"})
        return self.client.delete(f"/api/v1/users/{user.id}", json={"password": password}, headers=token_auth(actor))

    def done(self, action: str) -> int:
        """The status with which this interface answers ``action`` done."""
        return DONE[self.interface][action]

    def refusal(self, response: TestResponse) -> str:
        """What the refused user is told, whatever the interface."""
        if self.interface == "web":
            return response.get_data(as_text=True)
        if self.interface == "conduit":
            return str(response.json["errors"])
        return response.json["message"]


def conduit_auth(user: User) -> dict[str, str]:
    return {"Authorization": f"Token {user.generate_auth_token()}"}


@pytest.fixture(params=["web", "api"])
def actions(request: pytest.FixtureRequest, client: FlaskClient) -> Actions:
    """The same actions through the web pages, then through API v1."""
    return Actions(client, request.param)


@pytest.fixture(params=["web", "api", "conduit"])
def every_interface(request: pytest.FixtureRequest, client: FlaskClient) -> Actions:
    """The actions Conduit offers too (follow, comment) through every interface."""
    return Actions(client, request.param)
