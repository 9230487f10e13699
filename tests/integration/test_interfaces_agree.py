"""One question, three interfaces: the web pages, API v1 and Conduit give the same allow or deny answer.

Each case is an action, an actor and an interface. The action is sent the way that interface's clients send it;
the test then asks the database whether it happened. An allowed action must answer the interface's success
status and have happened; a refused one must answer the interface's refusal for that actor and have changed
nothing. The rules themselves live once, in ``app/services``: this table is what keeps the interfaces honest.
"""

import base64
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from app.extensions import db as _db
from app.models import Block, Comment, Follow, Message, Permission, Post, Role, User
from tests.factories import CommentFactory, FollowFactory, PostFactory, UserFactory

PASSWORD = "cat"  # noqa: S105 - the factories' password

ACTORS = (
    "anonymous",
    "unconfirmed",
    "without_write",
    "without_comment",
    "author",
    "demoted_author",
    "other",
    "moderator",
    "administrator",
)
INTERFACES = ("web", "api", "conduit")


def role_with(name: str, permissions: Permission) -> Role:
    role = Role(name=name, permissions=int(permissions))
    _db.session.add(role)
    _db.session.commit()
    return role


@dataclass
class World:
    """The users and content every case starts from."""

    actors: dict[str, User | None]
    target: User
    post: Post
    demoted_post: Post


@pytest.fixture
def world(db) -> World:
    reader = role_with("Reader", Permission.FOLLOW | Permission.COMMENT)
    silent = role_with("Silent writer", Permission.FOLLOW | Permission.WRITE)
    actors: dict[str, User | None] = {
        "anonymous": None,
        "unconfirmed": UserFactory(unconfirmed=True),
        "without_write": UserFactory(role=reader),
        "without_comment": UserFactory(role=silent),
        "author": UserFactory(),
        "demoted_author": UserFactory(role=reader),
        "other": UserFactory(),
        "moderator": UserFactory(moderator=True),
        "administrator": UserFactory(administrator=True),
    }
    target = UserFactory()
    post = PostFactory(author=actors["author"], body="The post everyone asks about")
    demoted_post = PostFactory(author=actors["demoted_author"], body="Written before the role changed")
    for actor in actors.values():
        if actor is not None:
            FollowFactory(follower=actor, followed=target)
    return World(actors, target, post, demoted_post)


# What each action needs, and how to tell that it happened.


@dataclass(frozen=True)
class Action:
    allowed: Callable[[str], bool]
    happened: Callable[[World, User | None], bool]


def follows(world: World, actor: User | None, expected: bool) -> bool:
    if actor is None:
        return False
    row = _db.session.get(Follow, (actor.id, world.target.id))
    return (row is not None) == expected


def post_count() -> int:
    return _db.session.scalar(select(func.count()).select_from(Post))


ACTIONS = {
    # Every actor follows the target at the start, so "follow" first drops that follow.
    "follow": Action(
        allowed=lambda actor: actor not in {"anonymous", "unconfirmed"},
        happened=lambda world, actor: follows(world, actor, True),
    ),
    "unfollow": Action(
        allowed=lambda actor: actor not in {"anonymous", "unconfirmed"},
        happened=lambda world, actor: follows(world, actor, False),
    ),
    "create_post": Action(
        allowed=lambda actor: actor in {"without_comment", "author", "other", "moderator", "administrator"},
        happened=lambda _world, _actor: post_count() == 3,
    ),
    "edit_post": Action(
        allowed=lambda actor: actor in {"author", "administrator"},
        happened=lambda world, _actor: _db.session.get(Post, world.post.id).body == "Edited",
    ),
    "edit_demoted_post": Action(
        allowed=lambda actor: actor == "administrator",
        happened=lambda world, _actor: _db.session.get(Post, world.demoted_post.id).body == "Edited",
    ),
    "delete_post": Action(
        allowed=lambda actor: actor in {"author", "administrator"},
        happened=lambda world, _actor: _db.session.get(Post, world.post.id) is None,
    ),
    "delete_demoted_post": Action(
        allowed=lambda actor: actor == "administrator",
        happened=lambda world, _actor: _db.session.get(Post, world.demoted_post.id) is None,
    ),
    "comment": Action(
        allowed=lambda actor: actor not in {"anonymous", "unconfirmed", "without_comment"},
        happened=lambda _world, _actor: _db.session.scalar(select(func.count()).select_from(Comment)) == 1,
    ),
    "message": Action(
        allowed=lambda actor: actor not in {"anonymous", "unconfirmed"},
        happened=lambda _world, _actor: _db.session.scalar(select(func.count()).select_from(Message)) == 1,
    ),
    "block": Action(
        allowed=lambda actor: actor not in {"anonymous", "unconfirmed"},
        happened=lambda world, actor: (
            actor is not None and _db.session.get(Block, (actor.id, world.target.id)) is not None
        ),
    ),
}


# How each interface sends an action.


def basic_auth(actor: User | None) -> dict[str, str]:
    if actor is None:
        return {}
    credentials = base64.b64encode(f"{actor.email}:{PASSWORD}".encode()).decode()
    return {"Authorization": f"Basic {credentials}"}


def token_auth(actor: User | None) -> dict[str, str]:
    return {} if actor is None else {"Authorization": f"Token {actor.generate_auth_token()}"}


def web_login(client, actor: User | None) -> None:
    if actor is not None:
        response = client.post("/auth/login", data={"email": actor.email, "password": PASSWORD})
        assert response.status_code == 302


def send_web(client, action: str, world: World, actor: User | None):
    web_login(client, actor)
    post, demoted = world.post, world.demoted_post
    requests = {
        "follow": lambda: client.post(f"/follow/{world.target.username}"),
        "unfollow": lambda: client.post(f"/unfollow/{world.target.username}"),
        "create_post": lambda: client.post("/", data={"body": "A new post", "submit": "Submit"}),
        "edit_post": lambda: client.post(f"/edit/{post.id}", data={"body": "Edited", "submit": "Submit"}),
        "edit_demoted_post": lambda: client.post(f"/edit/{demoted.id}", data={"body": "Edited", "submit": "Submit"}),
        "comment": lambda: client.post(f"/post/{post.id}", data={"body": "A comment"}),
        "message": lambda: client.post(f"/messages/{world.target.username}", data={"body": "A message"}),
        "block": lambda: client.post(f"/block/{world.target.username}"),
    }
    return requests[action]()


def send_api(client, action: str, world: World, actor: User | None):
    headers = basic_auth(actor)
    post, demoted = world.post, world.demoted_post
    requests = {
        "follow": lambda: client.post(f"/api/v1/users/{world.target.id}/follow", headers=headers),
        "unfollow": lambda: client.delete(f"/api/v1/users/{world.target.id}/follow", headers=headers),
        "create_post": lambda: client.post("/api/v1/posts/", json={"body": "A new post"}, headers=headers),
        "edit_post": lambda: client.put(f"/api/v1/posts/{post.id}", json={"body": "Edited"}, headers=headers),
        "edit_demoted_post": lambda: client.put(
            f"/api/v1/posts/{demoted.id}", json={"body": "Edited"}, headers=headers
        ),
        "delete_post": lambda: client.delete(f"/api/v1/posts/{post.id}", headers=headers),
        "delete_demoted_post": lambda: client.delete(f"/api/v1/posts/{demoted.id}", headers=headers),
        "comment": lambda: client.post(
            f"/api/v1/posts/{post.id}/comments/", json={"body": "A comment"}, headers=headers
        ),
        "message": lambda: client.post(
            f"/api/v1/conversations/{world.target.id}", json={"body": "A message"}, headers=headers
        ),
        "block": lambda: client.post(f"/api/v1/users/{world.target.id}/block", headers=headers),
    }
    return requests[action]()


def send_conduit(client, action: str, world: World, actor: User | None):
    headers = token_auth(actor)
    post, demoted, target = world.post, world.demoted_post, world.target
    article = {"article": {"title": "A new post", "description": "New", "body": "A new post"}}
    requests = {
        "follow": lambda: client.post(f"/api/profiles/{target.username}/follow", headers=headers),
        "unfollow": lambda: client.delete(f"/api/profiles/{target.username}/follow", headers=headers),
        "create_post": lambda: client.post("/api/articles", json=article, headers=headers),
        "edit_post": lambda: client.put(
            f"/api/articles/{post.slug}", json={"article": {"body": "Edited"}}, headers=headers
        ),
        "edit_demoted_post": lambda: client.put(
            f"/api/articles/{demoted.slug}", json={"article": {"body": "Edited"}}, headers=headers
        ),
        "delete_post": lambda: client.delete(f"/api/articles/{post.slug}", headers=headers),
        "delete_demoted_post": lambda: client.delete(f"/api/articles/{demoted.slug}", headers=headers),
        "comment": lambda: client.post(
            f"/api/articles/{post.slug}/comments", json={"comment": {"body": "A comment"}}, headers=headers
        ),
    }
    return requests[action]()


SENDERS = {"web": send_web, "api": send_api, "conduit": send_conduit}

# The answer each interface gives when it does the action.
SUCCESS = {
    "web": {
        "follow": 302,
        "unfollow": 302,
        "create_post": 302,
        "edit_post": 302,
        "comment": 302,
        "message": 302,
        "block": 302,
    },
    "api": {
        "follow": 204,
        "unfollow": 204,
        "create_post": 201,
        "edit_post": 200,
        "delete_post": 204,
        "comment": 201,
        "message": 201,
        "block": 204,
    },
    "conduit": {
        "follow": 200,
        "unfollow": 200,
        "create_post": 201,
        "edit_post": 200,
        "delete_post": 204,
        "comment": 201,
    },
}


def refusal(interface: str, actor: str) -> set[int]:
    """The statuses with which ``interface`` refuses ``actor``."""
    if interface == "web":
        # Pages that need a session send a visitor to log in (302) or refuse outright (403); an unconfirmed user
        # is sent to the page that asks for confirmation (302).
        return {302, 403} if actor == "anonymous" else {302} if actor == "unconfirmed" else {403}
    if actor == "anonymous":
        return {401}
    if actor == "unconfirmed":
        return {403} if interface == "api" else {401}
    return {403}


def success_status(interface: str, action: str) -> int:
    return SUCCESS[interface][action.replace("demoted_", "")]


# Every action each interface offers (the web pages have no post deletion).
CASES = [
    (action, interface)
    for action in ACTIONS
    for interface in INTERFACES
    if action.replace("demoted_", "") in SUCCESS[interface]
]


@pytest.mark.parametrize("actor_name", ACTORS)
@pytest.mark.parametrize(("action_name", "interface"), CASES)
def test_every_interface_gives_the_same_answer(client, world, interface, actor_name, action_name):
    action = ACTIONS[action_name]
    actor = world.actors[actor_name]
    if action_name == "follow" and actor is not None:
        _db.session.delete(_db.session.get(Follow, (actor.id, world.target.id)))
        _db.session.commit()

    response = SENDERS[interface](client, action_name, world, actor)

    _db.session.expire_all()
    if action.allowed(actor_name):
        assert response.status_code == success_status(interface, action_name), response.get_data(as_text=True)
        assert action.happened(world, actor)
    else:
        assert response.status_code in refusal(interface, actor_name), response.get_data(as_text=True)
        assert not action.happened(world, actor)
        if interface == "web" and response.status_code == 302 and actor_name == "unconfirmed":
            assert "/auth/unconfirmed" in response.headers["Location"]


@pytest.mark.parametrize("interface", INTERFACES)
def test_following_yourself_is_refused_everywhere_as_invalid(client, world, interface):
    actor = world.actors["other"]
    requests = {
        "web": lambda: (web_login(client, actor), client.post(f"/follow/{actor.username}"))[1],
        "api": lambda: client.post(f"/api/v1/users/{actor.id}/follow", headers=basic_auth(actor)),
        "conduit": lambda: client.post(f"/api/profiles/{actor.username}/follow", headers=token_auth(actor)),
    }
    response = requests[interface]()
    assert response.status_code == {"web": 302, "api": 422, "conduit": 422}[interface]
    followed = _db.session.scalar(
        select(func.count()).select_from(Follow).where(Follow.follower_id == actor.id, Follow.followed_id == actor.id)
    )
    assert followed == 1  # the self-follow every user has, and no second one


@pytest.mark.parametrize("interface", INTERFACES)
def test_following_twice_gives_each_interface_its_already_answer(client, world, interface):
    actor = world.actors["other"]
    requests = {
        "web": lambda: (web_login(client, actor), client.post(f"/follow/{world.target.username}"))[1],
        "api": lambda: client.post(f"/api/v1/users/{world.target.id}/follow", headers=basic_auth(actor)),
        "conduit": lambda: client.post(f"/api/profiles/{world.target.username}/follow", headers=token_auth(actor)),
    }
    response = requests[interface]()
    assert response.status_code == {"web": 302, "api": 409, "conduit": 200}[interface]
    if interface == "web":
        assert "already following" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _db.session.get(Follow, (actor.id, world.target.id)) is not None


def test_a_comment_is_deleted_by_a_moderator_but_not_by_another_user(client, world):
    """Only Conduit deletes comments: a comment's author or a moderator may, nobody else."""
    comment = CommentFactory(post=world.post, author=world.actors["other"])
    url = f"/api/articles/{world.post.slug}/comments/{comment.id}"

    assert client.delete(url, headers=token_auth(world.actors["author"])).status_code == 403
    assert _db.session.get(Comment, comment.id) is not None
    assert client.delete(url, headers=token_auth(world.actors["moderator"])).status_code == 204
    _db.session.expire_all()
    assert _db.session.get(Comment, comment.id) is None


@pytest.mark.parametrize("interface", INTERFACES)
def test_every_interface_lists_the_same_posts_of_an_author(client, world, interface):
    """An author's posts (``app.models.user.authored_posts_of``): all of them, and nobody else's, whoever asks."""
    author = world.actors["author"]
    written = [world.post, *(PostFactory(author=author) for _ in range(2))]
    others = [world.demoted_post, PostFactory(author=world.target)]
    if interface == "web":
        page = client.get(f"/user/{author.username}").get_data(as_text=True)
        assert all(post.body in page for post in written)
        assert not any(post.body in page for post in others)
    elif interface == "api":
        response = client.get(f"/api/v1/users/{author.id}/posts/", headers=basic_auth(world.actors["other"]))
        assert {post["body"] for post in response.json["posts"]} == {post.body for post in written}
    else:
        # Conduit's lists leave the body out: an article is its slug there.
        articles = client.get(f"/api/articles?author={author.username}").json["articles"]
        assert {article["slug"] for article in articles} == {post.slug for post in written}
