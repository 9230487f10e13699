"""The parallel run's workers each on databases of their own (tests/workers.py)."""

from tests.workers import own_database_url, own_redis_url, worker_number


def test_workers_are_numbered_from_xdist_s_names():
    assert [worker_number(name) for name in ("", "gw0", "gw1", "gw7")] == [0, 0, 1, 7]


def test_each_worker_has_redis_databases_of_its_own():
    urls = ["redis://127.0.0.1:6379/5", "redis://127.0.0.1:6379/6"]

    assert [own_redis_url(url, "") for url in urls] == urls
    assert [own_redis_url(url, "gw0") for url in urls] == urls
    assert [own_redis_url(url, "gw1") for url in urls] == ["redis://127.0.0.1:6379/7", "redis://127.0.0.1:6379/8"]
    assert own_redis_url("redis://:secret@cache:6380", "gw2") == "redis://:secret@cache:6380/4"


def test_each_worker_has_a_postgresql_database_beside_the_test_database():
    assert own_database_url("postgresql+psycopg://postgres:pw@127.0.0.1:5432/test", "gw1") == (
        "postgresql+psycopg://postgres:pw@127.0.0.1:5432/test_gw1"
    )
