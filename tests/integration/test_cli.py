"""The ``flask deploy`` and ``flask fake`` commands, run as a user runs them."""

import re

import pytest
from sqlalchemy import func, insert, inspect, select, text

from app.extensions import db as _db
from app.fake import DEMO_ACCOUNTS, DEMO_FOLLOWS, DEMO_PASSWORD, TOPICS
from app.models import Comment, Follow, Post, Role, User
from app.models.user import followed_posts_of
from tests.apps import running_app

ELAPSED = re.compile(r" in \d+\.\d s\.$", re.MULTILINE)


def count(model) -> int:
    return _db.session.scalar(select(func.count()).select_from(model))


def self_follows() -> set[int]:
    return set(_db.session.scalars(select(Follow.follower_id).where(Follow.follower_id == Follow.followed_id)))


@pytest.fixture
def empty_app(tmp_path):
    """The testing application on its own empty SQLite file, as ``flask deploy`` first meets production."""
    with running_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'deploy.sqlite'}"}) as app:
        yield app


@pytest.fixture
def deploy(empty_app):
    """Run ``flask deploy``, returning its output after checking it succeeded."""

    def run() -> str:
        result = empty_app.test_cli_runner().invoke(args=["deploy"])
        assert result.exit_code == 0, result.output
        return result.output

    return run


# flask deploy


def test_deploy_builds_the_schema_and_the_roles_on_an_empty_database(deploy):
    output = deploy()
    assert "Database at head, roles in place, 0 self-follow(s) repaired." in output
    tables = set(inspect(_db.engine).get_table_names())
    assert {table.name for table in _db.metadata.sorted_tables} <= tables
    assert set(_db.session.scalars(select(Role.name))) == {"User", "Moderator", "Administrator"}


def test_deploy_repairs_missing_self_follows(deploy):
    deploy()
    _db.session.execute(insert(User), [{"username": "susan"}, {"username": "john"}])
    _db.session.commit()
    assert self_follows() == set()
    assert "2 self-follow(s) repaired." in deploy()
    assert self_follows() == set(_db.session.scalars(select(User.id)))


def test_deploy_twice_changes_nothing(deploy):
    deploy()
    _db.session.execute(insert(User), [{"username": "susan"}])
    _db.session.commit()
    deploy()
    before = _db.session.execute(select(Role.name, Role.permissions, Role.default).order_by(Role.id)).all()
    follows = count(Follow)
    assert "0 self-follow(s) repaired." in deploy()
    assert _db.session.execute(select(Role.name, Role.permissions, Role.default).order_by(Role.id)).all() == before
    assert count(Follow) == follows == 1


# flask fake


def fake(runner, *args: str) -> str:
    result = runner.invoke(args=["fake", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_fake_adds_what_it_was_asked_for_and_says_how_long_it_took(runner):
    output = fake(runner, "--users", "6", "--posts", "30", "--comments", "40", "--follows", "3", "--seed", "1")
    follows = 6 * (3 + 1) + len(DEMO_ACCOUNTS) * DEMO_FOLLOWS
    assert re.search(
        rf"^Added 6 users, 30 posts, {follows} follows and 40 comments in \d+\.\d s\.$", output, re.MULTILINE
    )
    assert "Log in as demo@example.com, moderator@example.com, admin@example.com" in output
    assert count(User) == 6 + len(DEMO_ACCOUNTS)
    assert (count(Post), count(Comment)) == (30, 40)


def test_fake_users_are_confirmed_and_use_the_demo_password(runner):
    fake(runner, "--users", "4", "--posts", "0", "--seed", "2")
    users = _db.session.scalars(select(User)).all()
    assert len(users) == 4 + len(DEMO_ACCOUNTS)
    assert all(user.confirmed for user in users)
    assert all(user.verify_password(DEMO_PASSWORD) for user in users)
    assert all(user.role is not None and user.avatar_hash == user.gravatar_hash() for user in users)


def test_fake_demo_accounts_have_their_roles(runner):
    fake(runner, "--users", "0", "--posts", "0")
    for email, username, role_name in DEMO_ACCOUNTS:
        user = _db.session.scalar(select(User).filter_by(email=email))
        assert (user.username, user.role.name) == (username, role_name)


def test_fake_users_follow_themselves_and_others(runner):
    fake(runner, "--users", "5", "--posts", "0", "--follows", "2", "--seed", "3")
    fake_users = _db.session.scalars(select(User).where(User.email.not_in([e for e, _, _ in DEMO_ACCOUNTS]))).all()
    assert self_follows() == set(_db.session.scalars(select(User.id)))
    assert all(user.followed_count == 2 for user in fake_users)


def demo_accounts() -> list[User]:
    return _db.session.scalars(select(User).where(User.email.in_([e for e, _, _ in DEMO_ACCOUNTS]))).all()


def test_fake_demo_accounts_follow_fake_authors_so_their_followed_tab_has_posts(runner):
    fake(runner, "--users", "8", "--posts", "40", "--follows", "2", "--seed", "8")
    for account in demo_accounts():
        assert account.followed_count == DEMO_FOLLOWS
        authors = set(_db.session.scalars(followed_posts_of(account.id).with_only_columns(Post.author_id)))
        assert len(authors - {account.id}) == DEMO_FOLLOWS


def test_fake_demo_accounts_follow_only_authors_of_posts(runner):
    fake(runner, "--users", "8", "--posts", "2", "--seed", "9")
    authors = set(_db.session.scalars(select(Post.author_id)))
    for account in demo_accounts():
        assert 0 < account.followed_count <= len(authors)
        assert set(_db.session.scalars(select(Follow.followed_id).filter_by(follower_id=account.id))) <= authors | {
            account.id
        }


def test_fake_run_again_has_the_demo_accounts_follow_more_without_clashing(runner):
    fake(runner, "--users", "6", "--posts", "30", "--seed", "10")
    fake(runner, "--users", "6", "--posts", "30", "--seed", "10")
    assert all(account.followed_count == 2 * DEMO_FOLLOWS for account in demo_accounts())


def test_fake_posts_talk_about_topics_that_search_finds(runner, client):
    fake(runner, "--users", "4", "--posts", "20", "--seed", "11")
    posts = _db.session.scalars(select(Post)).all()
    assert all(any(topic in post.body for topic in TOPICS) for post in posts)
    topic = next(topic for topic in TOPICS if topic in posts[0].body)

    page = client.get("/search", query_string={"q": topic}).get_data(as_text=True)

    assert posts[0].title in page


def test_fake_gives_one_user_a_preference_for_spanish(runner):
    fake(runner, "--users", "5", "--posts", "0", "--seed", "12")
    assert _db.session.scalars(select(User.locale).where(User.locale.is_not(None))).all() == ["es"]


def test_fake_caps_follows_at_the_users_there_are(runner):
    fake(runner, "--users", "2", "--posts", "0", "--follows", "50", "--seed", "4")
    newest = _db.session.scalar(select(User).order_by(User.id.desc()))
    assert newest.followed_count == count(User) - 1


def test_fake_posts_have_rendered_bodies_and_comments_land_on_posts(runner):
    fake(runner, "--users", "3", "--posts", "10", "--seed", "5")
    posts = _db.session.scalars(select(Post)).all()
    assert all(post.body_html.startswith("<p>") and post.author is not None for post in posts)
    assert all(post.title and post.slug and post.updated_at == post.timestamp for post in posts)
    assert len({post.slug for post in posts}) == len(posts)
    assert count(Comment) == 30
    assert all(comment.post is not None for comment in _db.session.scalars(select(Comment)))


def test_fake_without_new_users_gives_posts_to_the_demo_accounts(runner):
    fake(runner, "--users", "0", "--posts", "5", "--seed", "6")
    authors = set(_db.session.scalars(select(User.email).join(Post.author)))
    assert authors <= {email for email, _, _ in DEMO_ACCOUNTS}
    assert count(Post) == 5


def test_fake_without_posts_adds_no_comments(runner):
    assert "0 posts, " in fake(runner, "--users", "1", "--posts", "0", "--comments", "10")
    assert count(Comment) == 0


def test_fake_run_again_with_the_same_seed_adds_more_without_clashing(runner):
    fake(runner, "--users", "3", "--posts", "3", "--seed", "7")
    fake(runner, "--users", "3", "--posts", "3", "--seed", "7")
    assert count(User) == 6 + len(DEMO_ACCOUNTS)
    assert count(Post) == 6
    assert len(set(_db.session.scalars(select(Post.slug)))) == 6


def test_fake_if_empty_does_nothing_when_there_are_users(runner):
    fake(runner, "--users", "1", "--posts", "0")
    output = fake(runner, "--users", "5", "--if-empty")
    assert "The database has users already" in output
    assert count(User) == 1 + len(DEMO_ACCOUNTS)


def test_fake_if_empty_fills_an_empty_database(runner):
    assert "Added 2 users" in fake(runner, "--users", "2", "--posts", "1", "--if-empty")


def test_fake_refuses_negative_counts(runner):
    result = runner.invoke(args=["fake", "--users", "-1"])
    assert result.exit_code == 2
    assert "--users" in result.output


def seeded_content(empty_app, seed: str) -> tuple[list, list, list]:
    """Fake data made with ``seed`` on a fresh database: usernames, post bodies, comment bodies."""
    _db.drop_all()
    _db.create_all()
    result = empty_app.test_cli_runner().invoke(args=["fake", "--users", "8", "--posts", "20", "--seed", seed])
    assert result.exit_code == 0, result.output
    return (
        _db.session.scalars(select(User.username).order_by(User.id)).all(),
        _db.session.scalars(select(Post.body).order_by(Post.id)).all(),
        _db.session.scalars(select(Comment.body).order_by(Comment.id)).all(),
    )


def test_same_seed_gives_the_same_usernames_and_bodies(empty_app):
    first = seeded_content(empty_app, "42")
    assert seeded_content(empty_app, "42") == first
    assert seeded_content(empty_app, "43") != first


def planned_rows(table: str) -> float | None:
    """The rows the planner's statistics say ``table`` holds, or ``None`` when it has none for it."""
    if _db.engine.dialect.name == "postgresql":
        rows = _db.session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = :table"), {"table": table})
        return None if rows is None or rows < 0 else rows
    if not _db.session.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")):
        return None
    stat = _db.session.scalar(text("SELECT stat FROM sqlite_stat1 WHERE tbl = :table LIMIT 1"), {"table": table})
    return None if stat is None else float(stat.split()[0])


def test_fake_leaves_the_planner_statistics_of_what_it_loaded(runner):
    fake(runner, "--users", "7", "--posts", "30", "--comments", "45", "--seed", "13")
    for model in (User, Follow, Post, Comment):
        assert planned_rows(model.__tablename__) == count(model), model


@pytest.mark.postgres
def test_fake_vacuums_what_it_loaded_so_index_only_scans_read_no_table_page(runner):
    fake(runner, "--users", "7", "--posts", "30", "--comments", "45", "--seed", "13")
    for model in (User, Follow, Post, Comment):
        pages, visible = _db.session.execute(
            text("SELECT relpages, relallvisible FROM pg_class WHERE relname = :table"), {"table": model.__tablename__}
        ).one()
        assert pages > 0, model
        assert visible == pages, model


def test_deploy_brings_the_planner_statistics_up_to_date(deploy):
    deploy()
    _db.session.execute(insert(User), [{"username": f"imported{n}"} for n in range(12)])
    _db.session.commit()
    deploy()
    assert planned_rows("users") == 12
