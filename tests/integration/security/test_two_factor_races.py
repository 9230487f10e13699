"""Two sign-ins sending the same two-step code at the same moment, against PostgreSQL: exactly one gets in."""

import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from datetime import UTC, datetime

import pyotp
import pytest
import requests

from app.services import two_factor
from tests.appserver import serve_in_thread
from tests.factories import UserFactory
from tests.integration.api.conftest import basic_auth

pytestmark = pytest.mark.postgres


def test_one_code_sent_twice_at_once_signs_in_once(app, db, monkeypatch):
    user = UserFactory(email="ann@example.com")
    secret = two_factor.setup(user).secret
    recovery = two_factor.turn_on(user, pyotp.TOTP(secret).at(datetime.now(UTC), counter_offset=-1))[0]
    barrier = threading.Barrier(2)

    def held_until_both_claim(claim):
        def held(*args: object) -> bool:
            # Both requests have read the code's row before either claims it.
            with suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=5)
            return claim(*args)

        return held

    monkeypatch.setattr(two_factor, "use_totp_code", held_until_both_claim(two_factor.use_totp_code))
    monkeypatch.setattr(two_factor, "use_recovery_code", held_until_both_claim(two_factor.use_recovery_code))
    with serve_in_thread(app, name="two-factor-race") as server:
        for code in (pyotp.TOTP(secret).now(), recovery):
            barrier.reset()

            def sign_in(_: int, code: str = code) -> int:
                response = requests.post(
                    f"{server.url}/api/v1/tokens/",
                    json={"code": code},
                    headers=basic_auth("ann@example.com", "cat"),
                    timeout=10,
                )
                return response.status_code

            with ThreadPoolExecutor(max_workers=2) as pool:
                assert sorted(pool.map(sign_in, range(2))) == [200, 401], code
