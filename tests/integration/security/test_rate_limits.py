"""Rate limits on the endpoints attackers hammer: login, registration, reset requests, resends and API tokens."""

import pytest
from redis import Redis
from redis.exceptions import RedisError

from tests.apps import rate_limited
from tests.factories import UserFactory
from tests.integration.api.conftest import basic_auth
from tests.login import log_in_as
from tests.services import unavailable
from tests.workers import own_redis_url

LIMIT = 3
REDIS_TEST_URL = own_redis_url("redis://127.0.0.1:6379/6")
HTML = {"Accept": "text/html"}
JSON = {"Accept": "application/json"}
LIMITED_FORMS = {
    "login": ("/auth/login", {"email": "nobody@example.com", "password": "wrong"}),
    "registration": ("/auth/register", {"email": "not an address"}),
    "reset request": ("/auth/reset", {"email": "nobody@example.com"}),
}


@pytest.fixture
def storage(request):
    """Where the limiter counts: in memory, or (``indirect`` "redis") in Redis database 6 (a parallel run's worker:
    its own), emptied around the test."""
    if getattr(request, "param", "memory") == "memory":
        yield "memory://"
        return
    redis = Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2)
    try:
        redis.flushdb()
    except RedisError as error:
        unavailable("Redis", f"{REDIS_TEST_URL}: {error}")
    yield REDIS_TEST_URL
    redis.flushdb()
    redis.close()


@pytest.fixture
def app_config(storage):
    """The application with its rate limiter on, counting in ``storage``."""
    return rate_limited(f"{LIMIT} per minute", storage)


def assert_refused_with_retry_after(response, mimetype: str) -> None:
    assert response.status_code == 429
    assert response.mimetype == mimetype
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.parametrize("form", LIMITED_FORMS)
def test_posts_past_the_limit_get_an_html_429_with_retry_after(client, form):
    url, data = LIMITED_FORMS[form]
    allowed = [client.post(url, data=data, headers=HTML).status_code for _ in range(LIMIT)]

    refused = client.post(url, data=data, headers=HTML)

    assert 429 not in allowed
    assert_refused_with_retry_after(refused, "text/html")
    assert "Too many requests" in refused.text


@pytest.mark.parametrize("form", LIMITED_FORMS)
def test_reading_the_form_is_not_limited(client, form):
    url, _ = LIMITED_FORMS[form]
    assert {client.get(url).status_code for _ in range(LIMIT + 2)} == {200}


def test_resending_the_confirmation_is_limited(client, smtp_server):
    log_in_as(client, UserFactory(unconfirmed=True))
    allowed = [client.post("/auth/confirm").status_code for _ in range(LIMIT)]

    refused = client.post("/auth/confirm", headers=HTML)

    assert allowed == [302] * LIMIT
    assert_refused_with_retry_after(refused, "text/html")
    smtp_server.wait_for(LIMIT)


def test_a_client_preferring_json_gets_a_json_429(client, db):
    for _ in range(LIMIT):
        client.post("/auth/login", data={"email": "x@example.com", "password": "x"})

    refused = client.post("/auth/login", data={"email": "x@example.com", "password": "x"}, headers=JSON)

    assert_refused_with_retry_after(refused, "application/json")
    assert refused.json["error"] == "too many requests"


def test_api_tokens_past_the_limit_get_a_json_429(client, db):
    user = UserFactory()
    allowed = [client.post("/api/v1/tokens/", headers=basic_auth(user.email, "cat")).status_code for _ in range(LIMIT)]

    refused = client.post("/api/v1/tokens/", headers=basic_auth(user.email, "cat"))

    assert allowed == [200] * LIMIT
    assert_refused_with_retry_after(refused, "application/json")
    assert refused.json["error"] == "too many requests"


def test_the_limit_is_counted_per_client_address(client, db):
    data = LIMITED_FORMS["login"][1]
    for _ in range(LIMIT + 1):
        client.post("/auth/login", data=data, environ_base={"REMOTE_ADDR": "192.0.2.1"})

    other = client.post("/auth/login", data=data, environ_base={"REMOTE_ADDR": "192.0.2.2"})

    assert other.status_code == 200


@pytest.mark.parametrize("storage", ["redis"], indirect=True)
def test_with_redis_the_counts_live_in_redis_where_every_worker_sees_them(client, storage):
    data = LIMITED_FORMS["login"][1]
    for _ in range(LIMIT):
        client.post("/auth/login", data=data)
    redis = Redis.from_url(REDIS_TEST_URL)

    refused = client.post("/auth/login", data=data, headers=HTML)
    stored_counters = redis.keys("LIMITS*")
    redis.flushdb()
    after_flush = client.post("/auth/login", data=data)

    assert_refused_with_retry_after(refused, "text/html")
    assert stored_counters
    assert after_flush.status_code == 200
    redis.close()


def test_password_guesses_on_any_api_endpoint_are_limited(client, db):
    user = UserFactory()
    for path in ("/api/v1/posts/", "/api/v1/comments/", f"/api/v1/users/{user.id}"):
        assert client.get(path, headers=basic_auth(user.email, "wrong")).status_code == 401

    refused = client.get("/api/v1/posts/", headers=basic_auth(user.email, "guess"))

    assert_refused_with_retry_after(refused, "application/json")


def test_requests_with_good_credentials_are_not_counted_as_guesses(client, db):
    user = UserFactory()
    headers = basic_auth(user.generate_auth_token(), "")
    for _ in range(LIMIT * 2):
        assert client.get("/api/v1/posts/", headers=headers).status_code == 200
