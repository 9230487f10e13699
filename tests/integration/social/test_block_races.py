"""A follow and a block at the same moment, on PostgreSQL: however they meet, the blocked user never ends up
following the user who blocked them."""

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import event

from app.models import Block, Follow
from tests.appserver import serve_in_thread
from tests.factories import UserFactory
from tests.integration.api.conftest import token_auth

pytestmark = pytest.mark.postgres


@pytest.fixture
def live_url(app, db) -> Iterator[str]:
    with serve_in_thread(app, name="block-race-server") as server:
        yield server.url


def test_a_follow_checked_just_before_a_block_is_ended_by_it(live_url, db):
    ann, bob = UserFactory(), UserFactory()
    follow_checked, block_answered = threading.Event(), threading.Event()

    def hold_the_follow(mapper, connection, target) -> None:
        """The follow has passed its block check: keep it from committing until the block answered, or 3 s."""
        follow_checked.set()
        block_answered.wait(timeout=3)

    follow_url, block_url = f"{live_url}/api/v1/users/{ann.id}/follow", f"{live_url}/api/v1/users/{bob.id}/block"
    bob_headers, ann_headers = token_auth(bob), token_auth(ann)
    event.listen(Follow, "before_insert", hold_the_follow)
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            follow = pool.submit(requests.post, follow_url, headers=bob_headers, timeout=20)
            assert follow_checked.wait(timeout=10)
            block = pool.submit(requests.post, block_url, headers=ann_headers, timeout=20)
            block_status = block.result().status_code
            block_answered.set()
            follow_status = follow.result().status_code
    finally:
        event.remove(Follow, "before_insert", hold_the_follow)

    assert (follow_status, block_status) == (204, 204)
    db.session.rollback()
    assert db.session.get(Block, (ann.id, bob.id)) is not None
    assert db.session.get(Follow, (bob.id, ann.id)) is None


def test_a_follow_after_a_block_is_refused(live_url, db):
    ann, bob = UserFactory(), UserFactory()
    assert requests.post(f"{live_url}/api/v1/users/{bob.id}/block", headers=token_auth(ann), timeout=10).ok

    response = requests.post(f"{live_url}/api/v1/users/{ann.id}/follow", headers=token_auth(bob), timeout=10)

    assert response.status_code == 403
    db.session.rollback()
    assert db.session.get(Follow, (bob.id, ann.id)) is None
