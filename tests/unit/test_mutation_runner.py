"""The mutation runner's PostgreSQL pass (tests/mutation/run.py): how its results combine with SQLite's, and what
happens when the server does not answer."""

from contextlib import ExitStack

import pytest

from tests.mutation import postgres
from tests.mutation.mutants import ModuleScore, Mutant, combine
from tests.mutation.run import failures, open_postgres, recordable, share_out
from tests.mutation.tree import environment_for_tests

SEARCH = "app/services/search.py"
UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1"


def test_a_mutant_either_engine_kills_is_killed():
    killed_on_sqlite = Mutant(SEARCH, "a", "killed")
    survivors = [Mutant(SEARCH, "b", "survived"), Mutant(SEARCH, "c", "no tests"), Mutant(SEARCH, "d", "survived")]

    combine(survivors, {"b": "killed", "c": "timeout", "d": "survived"})

    assert [m.status for m in survivors] == ["killed", "timeout", "survived"]
    assert ModuleScore(SEARCH, [killed_on_sqlite, *survivors]).score == 75.0


def test_a_mutant_no_postgresql_test_runs_keeps_its_sqlite_status():
    survivors = [Mutant(SEARCH, "a", "survived"), Mutant(SEARCH, "b", "no tests")]

    combine(survivors, {"a": "no tests", "b": "no tests"})

    assert [m.status for m in survivors] == ["survived", "no tests"]


def test_without_a_postgresql_pass_the_sqlite_survivors_are_not_checked_and_not_recorded():
    survivors = [Mutant(SEARCH, "b", "survived")]

    combine(survivors, {})

    assert survivors[0].status == "not checked"
    assert recordable([ModuleScore(SEARCH, [Mutant(SEARCH, "a", "killed"), *survivors])]) == {}


def test_an_unreachable_server_is_said_in_one_line_and_the_run_goes_on(monkeypatch, capsys):
    monkeypatch.setenv(postgres.SERVER_VARIABLE, UNREACHABLE)
    monkeypatch.delenv("CI", raising=False)

    with ExitStack() as stack:
        assert open_postgres(stack, [SEARCH]) == []

    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith("No PostgreSQL pass: PostgreSQL at postgresql+psycopg://postgres@127.0.0.1:1 did not answer")
    assert line.endswith(f"what survives SQLite in {SEARCH} is not checked")
    assert failures([], {}, [], [SEARCH]) == []


def test_an_unreachable_server_fails_a_ci_run(monkeypatch, capsys):
    monkeypatch.setenv(postgres.SERVER_VARIABLE, UNREACHABLE)
    monkeypatch.setenv("CI", "true")

    with ExitStack() as stack:
        assert open_postgres(stack, [SEARCH]) == []

    assert capsys.readouterr().out.rstrip().endswith("(CI=true: required)")
    assert failures([], {}, [], [SEARCH]) == [f"FAILED: no PostgreSQL for {SEARCH} (CI=true)"]


def test_no_module_wanting_postgresql_opens_no_database(monkeypatch, capsys):
    monkeypatch.setenv(postgres.SERVER_VARIABLE, UNREACHABLE)

    with ExitStack() as stack:
        assert open_postgres(stack, []) == []

    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    ("server", "name"),
    [("postgresql+psycopg://postgres@127.0.0.1:5432", "flasky_mutation_42_1"), (f"{UNREACHABLE}/mine", "mine_42_1")],
)
def test_the_runs_databases_are_named_after_the_server_urls_the_process_and_their_number(server, name):
    assert postgres.database_name(server, 42, 1) == name


def test_the_sqlite_pass_leaves_the_callers_database_out_and_the_postgresql_pass_names_its_own(monkeypatch):
    monkeypatch.setenv("TEST_DATABASE_URL", "postgresql://elsewhere/theirs")

    assert "TEST_DATABASE_URL" not in environment_for_tests()
    assert environment_for_tests("postgresql://here/mine")["TEST_DATABASE_URL"] == "postgresql://here/mine"


def test_the_survivors_are_dealt_out_to_the_postgresql_databases_in_turn():
    assert share_out(["a", "b", "c", "d", "e"], ["one", "two"]) == [("one", ["a", "c", "e"]), ("two", ["b", "d"])]
    assert share_out(["a"], ["one", "two"]) == [("one", ["a"])]
