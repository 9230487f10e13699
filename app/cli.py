"""Commands added to ``flask``: ``deploy`` and ``fake``."""

import time

import click
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, insert, select

from . import fake as fake_data
from .extensions import db
from .models import Follow, Role, User


def repair_self_follows() -> int:
    """Make every user follow itself, so its own posts are in its feed. Returns the rows added."""
    missing = select(User.id, User.id).where(
        ~select(Follow.follower_id).where(Follow.follower_id == User.id, Follow.followed_id == User.id).exists()
    )
    count = db.session.scalar(select(func.count()).select_from(missing.subquery()))
    if count:
        db.session.execute(insert(Follow).from_select(["follower_id", "followed_id"], missing))
        db.session.commit()
    return count


def register_commands(app: Flask) -> None:
    @app.cli.command()
    def deploy() -> None:
        """Upgrade the database, insert roles and repair self-follows."""
        upgrade()
        Role.insert_roles()
        added = repair_self_follows()
        click.echo(f"Database at head, roles in place, {added} self-follow(s) repaired.")

    @app.cli.command()
    @click.option("--users", default=100, show_default=True, type=click.IntRange(min=0), help="Users to add.")
    @click.option("--posts", default=1000, show_default=True, type=click.IntRange(min=0), help="Posts to add.")
    @click.option("--follows", default=20, show_default=True, type=click.IntRange(min=0), help="Follows per new user.")
    @click.option("--comments", type=click.IntRange(min=0), help="Comments to add [default: 3 per post].")
    @click.option("--seed", type=int, help="Seed for the same data on every run.")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
    def fake(users: int, posts: int, follows: int, comments: int | None, seed: int | None, if_empty: bool) -> None:
        """Add realistic fake users, posts, follows and comments."""
        if if_empty and db.session.scalar(select(User.id).limit(1)) is not None:
            click.echo(f"The database has users already: log in as demo@example.com / {fake_data.DEMO_PASSWORD!r}.")
            return
        started = time.perf_counter()
        counts = fake_data.generate(users=users, posts=posts, follows_per_user=follows, comments=comments, seed=seed)
        elapsed = time.perf_counter() - started
        click.echo(
            f"Added {counts.users} users, {counts.posts} posts, {counts.follows} follows "
            f"and {counts.comments} comments in {elapsed:.1f} s."
        )
        accounts = ", ".join(email for email, _, _ in fake_data.DEMO_ACCOUNTS)
        click.echo(f"Log in as {accounts} (or any fake user) with the password {fake_data.DEMO_PASSWORD!r}.")
