"""Many users drive the site through every interface at once, and every interface keeps telling the same story.

``SiteMachine`` is a Hypothesis ``RuleBasedStateMachine``. Its rules are what users do, each sent the way one
interface's clients send it (``via``): register and confirm by the mailed link, log in, write, edit and delete posts,
comment, moderate and delete comments, follow and unfollow, change a role (an administrator), change a password,
delete an account. It keeps a small model of what should be true (accounts and roles, who follows whom, posts,
comments and which are disabled) and, after each rule, asks the web pages, API v1 and Conduit what they show: the
refusals of actions the model says are not allowed (following yourself, editing another's post, acting before
confirming, acting on what was deleted) included.

A failure shrinks to a short sequence of steps, printed as Python: paste it into a test that takes the ``site``
fixture (see the README, "Stateful tests"). ``HYPOTHESIS_PROFILE=stateful`` (``nox -s stateful``) runs it far longer.
"""

import os
from dataclasses import dataclass, field

import pytest
from flask import current_app
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from app.extensions import db
from app.models import Comment, Post, Role, User
from tests.integration import stateful_site as site_reader
from tests.integration.stateful_site import basic, redirect_target, token
from tests.mailserver import MailServer, finish_deliveries

ADMIN_EMAIL = "root@example.com"
NAMES = ("ann", "bob", "cy", "dee")
ROLES = ("User", "Moderator", "Administrator")
INTERFACES = ("web", "api", "conduit")
TAKEN = "has already been taken"

_HEALTH = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]
# Without the explain phase, which replays a failure many times more under a tracer: the printed steps say enough.
_PHASES = [Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink]
# The default suite runs a bounded, repeatable search; ``nox -s stateful`` a long, random one.
settings.register_profile(
    "stateful-default",
    max_examples=15,
    stateful_step_count=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=_HEALTH,
    phases=_PHASES,
)
settings.register_profile(
    "stateful",
    max_examples=200,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=_HEALTH,
    phases=_PHASES,
)

pytestmark = pytest.mark.app_config(
    FLASKY_ADMIN=ADMIN_EMAIL,
    FLASKY_POSTS_PER_PAGE=site_reader.PAGE,
    FLASKY_COMMENTS_PER_PAGE=site_reader.PAGE,
    FLASKY_FOLLOWERS_PER_PAGE=site_reader.PAGE,
    # Registration need not wait for its mail: the confirming step waits for the SMTP server to have it.
    FLASKY_MAIL_WAIT=0,
)


def profile_settings() -> settings:
    """The machine's settings: ``HYPOTHESIS_PROFILE=stateful`` for the long run, the bounded one otherwise."""
    name = os.environ.get("HYPOTHESIS_PROFILE", "")
    return settings.get_profile(name if name == "stateful" else "stateful-default")


# The model: what should be true.


@dataclass(eq=False)
class Account:
    name: str
    email: str
    password: str
    web: FlaskClient
    id: int
    confirmed: bool = False
    role: str = "User"
    deleted: bool = False
    conduit_token: str | None = None

    def moderates(self) -> bool:
        return self.role in ("Moderator", "Administrator")

    def __repr__(self) -> str:
        return f"<Account {self.name}>"


@dataclass(eq=False)
class PostRecord:
    id: int
    slug: str
    author: Account
    body: str
    deleted: bool = False

    def __repr__(self) -> str:
        return f"<Post {self.id}>"


@dataclass(eq=False)
class CommentRecord:
    id: int
    post: PostRecord
    author: Account
    body: str
    disabled: bool = False
    deleted: bool = False

    def __repr__(self) -> str:
        return f"<Comment {self.id}>"


@dataclass
class Model:
    accounts: list[Account] = field(default_factory=list)
    follows: set[tuple[Account, Account]] = field(default_factory=set)
    posts: list[PostRecord] = field(default_factory=list)
    comments: list[CommentRecord] = field(default_factory=list)

    def live_accounts(self) -> list[Account]:
        return [account for account in self.accounts if not account.deleted]

    def live_posts(self) -> list[PostRecord]:
        return [post for post in self.posts if not post.deleted]

    def comments_on(self, post: PostRecord) -> list[CommentRecord]:
        return [comment for comment in self.comments if comment.post is post and not comment.deleted]

    def followers_of(self, account: Account) -> set[str]:
        return {follower.name for follower, followed in self.follows if followed is account}

    def followed_by(self, account: Account) -> set[str]:
        return {followed.name for follower, followed in self.follows if follower is account}

    def timeline(self, account: Account) -> set[int]:
        """The ids of the posts of the users ``account`` follows, its own included (the self-follow)."""
        authors = {followed for follower, followed in self.follows if follower is account} | {account}
        return {post.id for post in self.live_posts() if post.author in authors}

    def stale(self, record: Account | PostRecord | CommentRecord) -> bool:
        """A deleted record whose id or name a live one has taken since: the interfaces would show the new one."""
        if not record.deleted:
            return False
        if isinstance(record, Account):
            return any(live.id == record.id or live.name == record.name for live in self.live_accounts())
        if isinstance(record, PostRecord):
            return any(live.id == record.id for live in self.live_posts())
        return any(live.id == record.id for live in self.comments if not live.deleted)

    def only_administrator(self, account: Account) -> bool:
        return [live for live in self.live_accounts() if live.role == "Administrator"] == [account]


def is_live(record: Account | PostRecord | CommentRecord) -> bool:
    return not record.deleted


def shown(comment: CommentRecord, viewer: Account | None) -> str | None:
    """The text ``viewer`` may read: anybody while the comment is enabled, only moderators once it is disabled."""
    return comment.body if not comment.disabled or (viewer is not None and viewer.moderates()) else None


class SiteMachine(RuleBasedStateMachine):
    """The site as its users drive it; build it inside the ``site`` fixture (``SiteMachine.mailbox`` is set there)."""

    mailbox: MailServer

    # Every account ever registered, and those confirmed; deleted ones stay, for the actions on them to be refused.
    users = Bundle("users")
    members = Bundle("members")
    posts = Bundle("posts")
    comments = Bundle("comments")
    # Who acts: half the time a confirmed member, otherwise anyone registered (so refusals of the unconfirmed too).
    actors = st.one_of(members.filter(is_live), users.filter(is_live))

    def __init__(self) -> None:
        super().__init__()
        site_reader.reset_database(self.mailbox)
        self.app = current_app._get_current_object()
        self.model = Model()
        self.visitor = self.app.test_client()
        self.written = 0

    def text(self, what: str) -> str:
        """A text no other post or comment has, so that each can be found again."""
        self.written += 1
        return f"{what} {self.written}"

    # Who acts, and how each interface refuses.

    def conduit_token(self, account: Account) -> str | None:
        """The account's Conduit token, logging in for one; ``None`` when the login is refused as unconfirmed."""
        if account.conduit_token is None:
            response = site_reader.conduit_login(self.visitor, account.email, account.password)
            if not account.confirmed:
                assert response.status_code == 401, response.get_data(as_text=True)
                assert response.json["errors"] == {"email": ["is not confirmed"]}
                return None
            assert response.status_code == 200, response.get_data(as_text=True)
            account.conduit_token = response.json["user"]["token"]
        return account.conduit_token

    def send(self, via: str, actor: Account, web, api, conduit):
        """Send one action through ``via`` as ``actor``; ``None`` when Conduit refused the unconfirmed actor's login."""
        if via == "web":
            return web(actor.web)
        if via == "api":
            return api(self.visitor, basic(actor.email, actor.password))
        value = self.conduit_token(actor)
        return None if value is None else conduit(self.visitor, token(value))

    def assert_refused_as_unconfirmed(self, via: str, response) -> None:
        if via == "web":
            assert redirect_target(response) == "/auth/unconfirmed"
        elif via == "api":
            assert response.status_code == 403, response.get_data(as_text=True)
        else:
            assert response is None  # the login was refused: there is no token to act with

    def assert_credentials_refused(self, account: Account) -> None:
        """A deleted account's password opens nothing any more."""
        response = self.visitor.get("/api/v1/posts/", headers=basic(account.email, account.password))
        assert response.status_code == 401, response.get_data(as_text=True)

    def reader(self) -> Account | None:
        """Some confirmed account to read API v1 with (it answers nobody anonymous)."""
        return next((account for account in self.model.live_accounts() if account.confirmed), None)

    def record_id(self, model, body: str) -> tuple[int, str | None]:
        """The id (and a post's slug) of the row just written with ``body``: bookkeeping, not a check."""
        db.session.expire_all()
        row = db.session.scalar(select(model).where(model.body == body))
        assert row is not None, f"nothing was written with {body!r}"
        return row.id, getattr(row, "slug", None)

    # Accounts.

    def register_account(self, name: str, email: str) -> Account:
        client = self.app.test_client()
        password = f"{name}-password-1"
        data = {"email": email, "username": name, "password": password, "password2": password}
        response = client.post("/auth/register", data=data)
        assert response.status_code == 302, response.text
        assert response.headers["Location"] == "/auth/unconfirmed"
        db.session.expire_all()
        user_id = db.session.scalar(select(User.id).where(User.username == name))
        role = "Administrator" if email == ADMIN_EMAIL else "User"
        account = Account(name=name, email=email, password=password, web=client, id=user_id, role=role)
        self.model.accounts.append(account)
        # A user follows itself (its own posts are on its timeline), and nobody shows it as a follow.
        self.model.follows.add((account, account))
        return account

    def follow_link(self, account: Account) -> None:
        """Confirm the account by the link in the mail the SMTP server received."""
        response = account.web.get(site_reader.confirmation_path(self.mailbox, account.email))
        assert redirect_target(response) == "/"
        account.confirmed = True

    @initialize(targets=(users, members))
    def register_administrator(self) -> Account:
        account = self.register_account("root", ADMIN_EMAIL)
        self.follow_link(account)
        return account

    @initialize(targets=(users, members))
    def register_first_members(self):
        """Two confirmed members from the start, so that every example is soon about users meeting."""
        accounts = [self.register_account(name, f"{name}@example.com") for name in NAMES[:2]]
        for account in accounts:
            self.follow_link(account)
        return multiple(*accounts)

    def refuse_taken_name(self, name: str) -> bool:
        """Whether ``name`` is a live account's, after checking that registering it again is refused."""
        if not any(account.name == name for account in self.model.live_accounts()):
            return False
        password = f"{name}-password-1"
        data = {"email": f"new-{name}@example.com", "username": name, "password": password, "password2": password}
        response = self.app.test_client().post("/auth/register", data=data)
        assert (response.status_code, TAKEN in response.text) == (200, True)
        return True

    @rule(target=users, name=st.sampled_from(NAMES))
    def register(self, name: str):
        """Register on the web and leave the mailed link unfollowed for now."""
        if self.refuse_taken_name(name):
            return multiple()
        account = self.register_account(name, f"{name}@example.com")
        # Not confirmed yet: API v1 refuses it, Conduit will not log it in.
        response = self.visitor.get("/api/v1/posts/", headers=basic(account.email, account.password))
        assert response.status_code == 403
        assert self.conduit_token(account) is None
        return account

    @rule(targets=(users, members), name=st.sampled_from(NAMES))
    def register_member(self, name: str):
        """Register on the web and follow the mailed link."""
        if self.refuse_taken_name(name):
            return multiple()
        account = self.register_account(name, f"{name}@example.com")
        self.follow_link(account)
        return account

    @rule(target=members, user=users.filter(is_live))
    def confirm(self, user: Account):
        """Follow the mailed link; once more when it was followed already, which changes nothing."""
        was_confirmed = user.confirmed
        self.follow_link(user)
        return multiple() if was_confirmed else user

    @rule(user=users, via=st.sampled_from(INTERFACES))
    def log_in_again(self, user: Account, via: str) -> None:
        """Log in again: a new web session, API v1 token or Conduit token; a deleted account's password is refused."""
        if self.model.stale(user):
            return
        if via == "web":
            if not user.deleted:
                assert user.web.post("/auth/logout").status_code == 302
            response = user.web.post("/auth/login", data={"email": user.email, "password": user.password})
            refused = response.status_code == 200 and "Invalid email or password." in response.text
        elif via == "api":
            response = self.visitor.post("/api/v1/tokens/", headers=basic(user.email, user.password))
            refused = response.status_code == 401
            if not user.deleted and user.confirmed:
                assert response.status_code == 200, response.get_data(as_text=True)
                timeline = self.visitor.get(
                    f"/api/v1/users/{user.id}/timeline/", headers=basic(response.json["token"], "")
                )
                assert timeline.status_code == 200
            elif not user.deleted:
                assert response.status_code == 403
        else:
            user.conduit_token = None
            if user.deleted:
                response = site_reader.conduit_login(self.visitor, user.email, user.password)
                refused = response.status_code == 401
            else:
                self.conduit_token(user)
                refused = False
        if user.deleted:
            assert refused
            self.assert_credentials_refused(user)
        elif via == "web":
            assert response.status_code == 302, response.text

    @rule(user=actors, via=st.sampled_from(("web", "conduit")))
    def change_password(self, user: Account, via: str) -> None:
        """Change the password: the session that changed it stays, every other session and token of the user ends."""
        old = user.password
        new = f"{user.name}-password-{int(old.rsplit('-', 1)[1]) + 1}"
        if via == "web":
            response = user.web.post(
                "/auth/change-password", data={"old_password": old, "password": new, "password2": new}
            )
        else:
            value = self.conduit_token(user)
            if value is None:
                return
            response = self.visitor.put("/api/user", json={"user": {"password": new}}, headers=token(value))
        if not user.confirmed:
            # The account pages stay open to an unconfirmed user.
            assert redirect_target(response) == "/", response.text
        else:
            assert response.status_code == {"web": 302, "conduit": 200}[via], response.get_data(as_text=True)
        user.password = new
        if via == "web":
            if user.conduit_token is not None:
                response = self.visitor.get("/api/user", headers=token(user.conduit_token))
                assert response.status_code == 401, response.get_data(as_text=True)
                user.conduit_token = None
            assert user.web.get("/auth/change-password").status_code == 200
        else:
            assert self.visitor.get("/api/user", headers=token(user.conduit_token)).status_code == 200
            # The web session ended: the browser is asked to log in again, and does.
            response = user.web.get("/auth/change-password")
            assert redirect_target(response).startswith("/auth/login")
            assert user.web.post("/auth/login", data={"email": user.email, "password": new}).status_code == 302
        response = self.visitor.get("/api/v1/posts/", headers=basic(user.email, old))
        assert response.status_code == 401

    @rule(admin=actors, user=users, role=st.sampled_from(ROLES))
    def change_role(self, admin: Account, user: Account, role: str) -> None:
        if admin.deleted or self.model.stale(user):
            return
        role_id = db.session.scalar(select(Role.id).where(Role.name == role))
        data = {"email": user.email, "username": user.name, "role": role_id, "name": "", "location": "", "about_me": ""}
        if user.confirmed:
            data["confirmed"] = "y"
        response = admin.web.post(f"/edit-profile/{user.id}", data=data)
        if not admin.confirmed:
            assert redirect_target(response) == "/auth/unconfirmed"
            return
        if admin.role != "Administrator":
            assert response.status_code == 403
            return
        if user.deleted:
            assert response.status_code == 404
            return
        assert response.status_code == 302, response.text
        user.role = role
        if not user.deleted and user.confirmed:
            for post in self.model.live_posts():
                self.check_comments(post, viewer=user)

    @rule(user=actors, via=st.sampled_from(("web", "api")))
    def delete_account(self, user: Account, via: str) -> None:
        """Delete one's own account, giving the password again; never the last administrator's."""
        if via == "web":
            response = user.web.post("/account/delete", data={"password": user.password, "confirm": "y"})
        else:
            response = self.visitor.delete(
                f"/api/v1/users/{user.id}", json={"password": user.password}, headers=basic(user.email, user.password)
            )
        if not user.confirmed:
            self.assert_refused_as_unconfirmed(via, response)
            return
        if self.model.only_administrator(user):
            if via == "web":
                assert (response.status_code, "last administrator" in response.text) == (200, True)
            else:
                assert response.status_code == 409, response.get_data(as_text=True)
            return
        assert response.status_code == {"web": 302, "api": 204}[via], response.get_data(as_text=True)
        user.deleted = True
        model = self.model
        model.follows = {pair for pair in model.follows if user not in pair}
        for post in model.posts:
            if post.author is user:
                post.deleted = True
        for comment in model.comments:
            if comment.author is user or comment.post.deleted:
                comment.deleted = True
        self.assert_credentials_refused(user)
        for account in model.live_accounts():
            self.check_profile(account)
            self.check_follows(account, account)

    # Posts.

    @rule(target=posts, author=actors, via=st.sampled_from(INTERFACES))
    def write_post(self, author: Account, via: str):
        if author.deleted:
            return multiple()
        body = self.text(f"{author.name} writes")
        response = self.send(
            via,
            author,
            web=lambda client: client.post("/", data={"body": body, "title": "", "tags": "", "submit": "Submit"}),
            api=lambda client, headers: client.post("/api/v1/posts/", json={"body": body}, headers=headers),
            conduit=lambda client, headers: client.post(
                "/api/articles",
                json={"article": {"title": body, "description": "A post", "body": body}},
                headers=headers,
            ),
        )
        if not author.confirmed:
            self.assert_refused_as_unconfirmed(via, response)
            return multiple()
        assert response.status_code == {"web": 302, "api": 201, "conduit": 201}[via], response.get_data(as_text=True)
        post_id, slug = self.record_id(Post, body)
        post = PostRecord(id=post_id, slug=slug, author=author, body=body)
        self.model.posts.append(post)
        self.check_profile(author)
        return post

    def post_refusal(self, post: PostRecord, allowed: bool) -> int | None:
        """The status every interface refuses an action on ``post`` with, or ``None`` when it is allowed."""
        if post.deleted:
            return 404
        return None if allowed else 403

    @rule(editor=actors, post=posts, via=st.sampled_from(INTERFACES))
    def edit_post(self, editor: Account, post: PostRecord, via: str) -> None:
        if editor.deleted or self.model.stale(post):
            return
        body = self.text(f"{post.author.name}'s post, edited by {editor.name}")
        response = self.send(
            via,
            editor,
            web=lambda client: client.post(f"/edit/{post.id}", data={"body": body, "title": "", "submit": "Submit"}),
            api=lambda client, headers: client.put(f"/api/v1/posts/{post.id}", json={"body": body}, headers=headers),
            conduit=lambda client, headers: client.put(
                f"/api/articles/{post.slug}", json={"article": {"body": body, "title": body}}, headers=headers
            ),
        )
        if not editor.confirmed:
            self.assert_refused_as_unconfirmed(via, response)
            return
        refusal = self.post_refusal(post, editor is post.author or editor.role == "Administrator")
        if refusal is not None:
            assert response.status_code == refusal, response.get_data(as_text=True)
            return
        assert response.status_code == {"web": 302, "api": 200, "conduit": 200}[via], response.get_data(as_text=True)
        post.body = body

    @rule(actor=actors, post=posts, via=st.sampled_from(("api", "conduit")))
    def delete_post(self, actor: Account, post: PostRecord, via: str) -> None:
        """Delete a post (the web pages offer no deletion); its comments go with it."""
        if actor.deleted or self.model.stale(post):
            return
        response = self.send(
            via,
            actor,
            web=None,
            api=lambda client, headers: client.delete(f"/api/v1/posts/{post.id}", headers=headers),
            conduit=lambda client, headers: client.delete(f"/api/articles/{post.slug}", headers=headers),
        )
        if not actor.confirmed:
            self.assert_refused_as_unconfirmed(via, response)
            return
        refusal = self.post_refusal(post, actor is post.author or actor.role == "Administrator")
        if refusal is not None:
            assert response.status_code == refusal, response.get_data(as_text=True)
            return
        assert response.status_code == 204, response.get_data(as_text=True)
        post.deleted = True
        for comment in self.model.comments_on(post):
            comment.deleted = True
        self.check_profile(post.author)
        for url in (f"/post/{post.id}", f"/api/articles/{post.slug}"):
            assert self.visitor.get(url).status_code == 404

    # Comments.

    @rule(target=comments, author=actors, post=posts, via=st.sampled_from(INTERFACES))
    def comment(self, author: Account, post: PostRecord, via: str):
        if author.deleted or self.model.stale(post):
            return multiple()
        body = self.text(f"{author.name} on {post.author.name}'s post")
        response = self.send(
            via,
            author,
            web=lambda client: client.post(f"/post/{post.id}", data={"body": body}),
            api=lambda client, headers: client.post(
                f"/api/v1/posts/{post.id}/comments/", json={"body": body}, headers=headers
            ),
            conduit=lambda client, headers: client.post(
                f"/api/articles/{post.slug}/comments", json={"comment": {"body": body}}, headers=headers
            ),
        )
        if not author.confirmed:
            self.assert_refused_as_unconfirmed(via, response)
            return multiple()
        if post.deleted:
            assert response.status_code == 404, response.get_data(as_text=True)
            return multiple()
        assert response.status_code == {"web": 302, "api": 201, "conduit": 201}[via], response.get_data(as_text=True)
        comment_id, _slug = self.record_id(Comment, body)
        comment = CommentRecord(id=comment_id, post=post, author=author, body=body)
        self.model.comments.append(comment)
        self.check_comments(post)
        return comment

    @rule(moderator=actors, comment=comments, disabled=st.booleans())
    def moderate(self, moderator: Account, comment: CommentRecord, disabled: bool) -> None:
        if moderator.deleted or self.model.stale(comment):
            return
        response = moderator.web.post(f"/moderate/{'disable' if disabled else 'enable'}/{comment.id}")
        if not moderator.confirmed:
            assert redirect_target(response) == "/auth/unconfirmed"
            return
        if comment.deleted:
            assert response.status_code == 404
            return
        if not moderator.moderates():
            assert response.status_code == 403
            return
        assert response.status_code == 302
        comment.disabled = disabled
        self.check_comments(comment.post)

    @rule(actor=actors, comment=comments)
    def delete_comment(self, actor: Account, comment: CommentRecord) -> None:
        """Delete a comment through Conduit, the one interface that offers it: its author or a moderator may."""
        if actor.deleted or self.model.stale(comment) or self.model.stale(comment.post):
            return
        value = self.conduit_token(actor)
        if value is None:
            return
        url = f"/api/articles/{comment.post.slug}/comments/{comment.id}"
        response = self.visitor.delete(url, headers=token(value))
        if comment.deleted:
            assert response.status_code == 404, response.get_data(as_text=True)
            return
        if not (actor is comment.author or actor.moderates()):
            assert response.status_code == 403, response.get_data(as_text=True)
            return
        assert response.status_code == 204, response.get_data(as_text=True)
        comment.deleted = True
        self.check_comments(comment.post)

    # Follows.

    def send_follow(self, method: str, follower: Account, followed: Account, via: str):
        web_path = "follow" if method == "post" else "unfollow"
        return self.send(
            via,
            follower,
            web=lambda client: client.post(f"/{web_path}/{followed.name}"),
            api=lambda client, headers: client.open(
                f"/api/v1/users/{followed.id}/follow", method=method.upper(), headers=headers
            ),
            conduit=lambda client, headers: client.open(
                f"/api/profiles/{followed.name}/follow", method=method.upper(), headers=headers
            ),
        )

    @rule(follower=actors, followed=users, via=st.sampled_from(INTERFACES))
    def follow(self, follower: Account, followed: Account, via: str) -> None:
        self.follow_or_unfollow(follower, followed, via, following=True)

    @rule(follower=actors, followed=users, via=st.sampled_from(INTERFACES))
    def unfollow(self, follower: Account, followed: Account, via: str) -> None:
        self.follow_or_unfollow(follower, followed, via, following=False)

    def follow_or_unfollow(self, follower: Account, followed: Account, via: str, *, following: bool) -> None:
        if follower.deleted or self.model.stale(followed):
            return
        response = self.send_follow("post" if following else "delete", follower, followed, via)
        if not follower.confirmed:
            self.assert_refused_as_unconfirmed(via, response)
            return
        status = response.status_code
        if followed.deleted:
            assert status == 404, response.get_data(as_text=True)
            return
        if follower is followed:
            assert status == {"web": 302, "api": 422, "conduit": 422}[via], response.get_data(as_text=True)
            if via == "web":
                assert "You cannot" in follower.web.get(response.headers["Location"]).text
            return
        pair = (follower, followed)
        unchanged = (pair in self.model.follows) == following
        if unchanged:
            assert status == {"web": 302, "api": 409, "conduit": 200}[via], response.get_data(as_text=True)
        else:
            assert status == {"web": 302, "api": 204, "conduit": 200}[via], response.get_data(as_text=True)
        if via == "conduit":
            assert response.json["profile"]["following"] is following
        if following:
            self.model.follows.add(pair)
        else:
            self.model.follows.discard(pair)
        self.check_profile(follower)
        self.check_profile(followed)
        self.check_follows(follower, followed)

    # What every interface shows.

    def check_follows(self, follower: Account, followed: Account) -> None:
        """Both users' follow lists on the web, the follower's timeline on the web and API v1, and on Conduit its
        feed and whether it follows ``followed``."""
        model = self.model
        assert site_reader.follow_list(self.visitor, "followers", followed.name) == model.followers_of(followed) - {
            followed.name
        }
        assert site_reader.follow_list(self.visitor, "followed-by", follower.name) == model.followed_by(follower) - {
            follower.name
        }
        reader = self.reader()
        if reader is not None:
            headers = basic(reader.email, reader.password)
            assert set(site_reader.api_timeline(self.visitor, headers, follower.id)) == model.timeline(follower)
        if not follower.confirmed:
            return
        assert set(site_reader.followed_tab(follower.web)) == model.timeline(follower)
        value = self.conduit_token(follower)
        expected = follower is not followed and (follower, followed) in model.follows
        assert site_reader.conduit_following(self.visitor, value, followed.name) is expected
        feed = {post.slug for post in model.live_posts() if post.id in model.timeline(follower)}
        feed -= {post.slug for post in model.live_posts() if post.author is follower}
        assert set(site_reader.conduit_feed(self.visitor, value)) == feed

    def check_profile(self, account: Account) -> None:
        """The counts of the account's web profile: posts, followers and users followed (never itself)."""
        model = self.model
        assert site_reader.profile_counts(self.visitor, account.name) == {
            "post-count": sum(1 for post in model.live_posts() if post.author is account),
            "follower-count": len(model.followers_of(account) - {account.name}),
            "followed-count": len(model.followed_by(account) - {account.name}),
        }

    def check_comments(self, post: PostRecord, viewer: Account | None = None) -> None:
        """The post's comments on its web page and through API v1 and Conduit, as ``viewer`` (or anybody) sees them."""
        comments = self.model.comments_on(post)
        web_client = self.visitor if viewer is None else viewer.web
        assert site_reader.web_comments(web_client, post.id) == {c.id: shown(c, viewer) for c in comments}
        reader = viewer or self.reader()
        if reader is not None:
            headers = basic(reader.email, reader.password)
            assert site_reader.api_comments(self.visitor, headers, post.id) == {
                c.id: shown(c, reader) for c in comments
            }
        # Conduit shows nobody a disabled comment, moderators included.
        expected = {comment.id: comment.body for comment in comments if not comment.disabled}
        assert site_reader.conduit_comments(self.visitor, post.slug) == expected

    @invariant()
    def every_interface_shows_the_model(self) -> None:
        """Every post, with its body (and the title it gives), author and comment count, on all three."""
        model = self.model
        posts = model.live_posts()
        assert set(site_reader.home_posts(self.visitor)) == {post.id for post in posts}
        reader = self.reader()
        if reader is not None:
            expected = {post.id: (post.body, len(model.comments_on(post))) for post in posts}
            assert site_reader.api_posts(self.visitor, basic(reader.email, reader.password)) == expected
        articles = {post.slug: (post.body, post.author.name) for post in posts}
        assert site_reader.conduit_articles(self.visitor) == articles

    def teardown(self) -> None:
        finish_deliveries()


@pytest.fixture
def site(app, db, smtp_server):
    """The app, its database and its mail server, ready for ``SiteMachine()``; paste a printed failure under it."""
    SiteMachine.mailbox = smtp_server
    return app


def test_every_interface_agrees_with_the_model_after_every_step(site):
    run_state_machine_as_test(SiteMachine, settings=profile_settings())


def test_an_admin_edit_shows_on_every_interface(site):
    """A printed failure pasted as a test, as the README shows: the steps replay with every check."""
    state = SiteMachine()
    users_0 = state.register_administrator()
    users_1, users_2 = state.register_first_members()
    posts_0 = state.write_post(author=users_1, via="web")
    state.every_interface_shows_the_model()
    state.edit_post(editor=users_0, post=posts_0, via="conduit")
    state.every_interface_shows_the_model()
    state.teardown()
