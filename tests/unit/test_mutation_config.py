"""The mutation runner's reviewed lists (tests/mutation/) still match the code they name."""

import fcntl
import json
import threading
import tomllib
from pathlib import Path

import pytest

from tests.mutation.mutants import ModuleScore, Mutant
from tests.mutation.run import changed_modules, record_scores, recordable

REPOSITORY = Path(__file__).resolve().parents[2]
MUTATION = REPOSITORY / "tests" / "mutation"
MODULES = tomllib.loads((MUTATION / "modules.toml").read_text())["modules"]
CONSTANTS = tomllib.loads((MUTATION / "constants.toml").read_text())["mutant"]


@pytest.mark.parametrize("module", MODULES)
def test_every_module_in_scope_and_its_tests_exist(module):
    assert (REPOSITORY / module).is_file()
    assert MODULES[module]["tests"]
    assert [test for test in MODULES[module]["tests"] if not (REPOSITORY / test).is_file()] == []
    assert set(MODULES[module]) <= {"tests", "mutmut", "postgresql"}


@pytest.mark.parametrize("mutant", CONSTANTS, ids=lambda mutant: f"{mutant['file']}:{mutant['replace'][:30]!r}")
def test_every_hand_written_mutant_changes_one_place_of_a_module_in_scope(mutant):
    assert mutant["file"] in MODULES
    assert (REPOSITORY / mutant["file"]).read_text().count(mutant["find"]) == 1, "constants.toml is stale"
    assert mutant["find"] != mutant["replace"]


def test_recorded_scores_are_of_modules_in_scope():
    recorded = json.loads((MUTATION / "scores.json").read_text())
    assert set(recorded) <= set(MODULES)
    assert all(0 <= score <= 100 for score in recorded.values())


def test_a_change_touching_no_module_in_scope_mutates_nothing():
    assert changed_modules(list(MODULES), "HEAD")[0] == []


def test_only_the_scores_of_modules_checked_to_the_end_are_recorded():
    finished = ModuleScore(
        "app/tokens.py", [Mutant("app/tokens.py", "1", "killed"), Mutant("app/tokens.py", "2", "survived")]
    )
    cut_short = ModuleScore(
        "app/passwords.py", [Mutant("app/passwords.py", "1", "killed"), Mutant("app/passwords.py", "2", "not checked")]
    )
    assert recordable([finished, cut_short]) == {"app/tokens.py": 50.0}


def test_a_run_recording_while_another_records_keeps_the_other_runs_scores(tmp_path: Path) -> None:
    scores = tmp_path / "scores.json"
    scores.write_text(json.dumps({"app/tokens.py": 100.0}))
    with open(scores, "r+") as other_run:
        fcntl.flock(other_run, fcntl.LOCK_EX)
        recording = threading.Thread(target=record_scores, args=({"app/passwords.py": 90.0}, scores))
        recording.start()
        recording.join(0.5)
        assert recording.is_alive(), "recorded without waiting for the other run"
        # The other run, which read the file before this one wrote, records its module now.
        other_run.write(json.dumps({"app/tokens.py": 100.0, "app/markdown.py": 95.0}))
    recording.join()
    assert json.loads(scores.read_text()) == {"app/markdown.py": 95.0, "app/passwords.py": 90.0, "app/tokens.py": 100.0}
