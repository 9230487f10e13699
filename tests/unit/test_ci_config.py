"""The GitHub workflow and the pre-commit hooks: valid, and running what the README and the constraints say."""

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

REPOSITORY = Path(__file__).resolve().parents[2]
WORKFLOW = REPOSITORY / ".github" / "workflows" / "ci.yml"
SPECIFICATION_COPY = REPOSITORY / ".github" / "realworld" / "openapi.yml"
SHARED_SPECIFICATION = REPOSITORY.parent / "shared" / "realworld" / "openapi.yml"
PRE_COMMIT_CONFIG = REPOSITORY / ".pre-commit-config.yaml"
RUFF_PRE_COMMIT = "https://github.com/astral-sh/ruff-pre-commit"
# GitHub sets it on every run; the workflow installs actionlint there, so its check may not be skipped.
ON_GITHUB = os.environ.get("GITHUB_ACTIONS") == "true"


def readme_test_command() -> str:
    """The command of the README's quick start that runs the whole suite."""
    quick_start = (REPOSITORY / "README.md").read_text().split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", quick_start, re.DOTALL).group(1)
    commands = [line.split("#", 1) for line in block.splitlines() if "#" in line]
    [command] = [command.strip() for command, comment in commands if "the whole suite" in comment]
    return command


def workflow_job() -> dict:
    [job] = yaml.safe_load(WORKFLOW.read_text())["jobs"].values()
    return job


def constrained_version(package: str) -> str:
    """The version requirements/constraints.txt pins ``package`` to."""
    lines = (REPOSITORY / "requirements" / "constraints.txt").read_text().splitlines()
    [version] = [line.split("==", 1)[1] for line in lines if line.lower().startswith(f"{package.lower()}==")]
    return version


def actionlint() -> str | None:
    """The actionlint of this environment (the ``ci`` extra puts it beside the interpreter), or of ``PATH``."""
    beside_python = Path(sys.executable).with_name("actionlint")
    return str(beside_python) if beside_python.exists() else shutil.which("actionlint")


def test_workflow_passes_actionlint():
    executable = actionlint()
    if executable is None:
        message = 'actionlint is not installed: pip install -c requirements/constraints.txt -e ".[ci]"'
        if ON_GITHUB:
            pytest.fail(f"{message} (the workflow installs it)", pytrace=False)
        pytest.skip(message)
    result = subprocess.run(
        [executable, "-no-color", str(WORKFLOW)], cwd=REPOSITORY, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_test_step_runs_the_readme_test_command():
    [test_step] = [step for step in workflow_job()["steps"] if step.get("name") == "Test"]
    assert readme_test_command() == "make test"
    assert test_step["run"].strip() == readme_test_command()


def test_workflow_gives_the_suite_its_services_and_ci_mode():
    job = workflow_job()
    postgres, redis = job["services"]["postgres"], job["services"]["redis"]
    assert postgres["env"] == {"POSTGRES_HOST_AUTH_METHOD": "trust", "POSTGRES_DB": "test"}
    assert postgres["ports"] == ["5432:5432"]
    assert redis["ports"] == ["6379:6379"]
    assert job["env"]["CI"] == "true"
    specification = SPECIFICATION_COPY.relative_to(REPOSITORY).as_posix()
    assert job["env"]["REALWORLD_OPENAPI"] == "${{ github.workspace }}/" + specification


def test_workflow_tests_every_python_from_the_supported_minimum():
    requires_python = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())["project"]["requires-python"]
    minimum = int(re.fullmatch(r">=3\.(\d+)", requires_python).group(1))
    versions = workflow_job()["strategy"]["matrix"]["python-version"]
    assert versions == [f"3.{minor}" for minor in range(minimum, minimum + len(versions))]


def test_specification_copy_says_what_the_shared_specification_says():
    if not SHARED_SPECIFICATION.is_file():
        pytest.skip(f"{SHARED_SPECIFICATION} is not beside the repository (as in a fork)")
    assert yaml.safe_load(SPECIFICATION_COPY.read_text()) == yaml.safe_load(SHARED_SPECIFICATION.read_text())


def test_pre_commit_runs_ruff_check_and_format_at_the_constrained_version():
    repositories = yaml.safe_load(PRE_COMMIT_CONFIG.read_text())["repos"]
    [ruff] = [repository for repository in repositories if repository["repo"] == RUFF_PRE_COMMIT]
    assert ruff["rev"] == f"v{constrained_version('ruff')}"
    assert [hook["id"] for hook in ruff["hooks"]] == ["ruff-check", "ruff-format"]
