# Two commands for a fresh machine: `make run` (the app on SQLite with demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint e2e load bench clean mutation-changed

$(BIN)/.installed: pyproject.toml requirements/constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e ".[test]"
	touch $@

run: $(BIN)/.installed
	PATH="$(CURDIR)/$(BIN):$$PATH" scripts/run-demo

test: $(BIN)/.installed
	PATH="$(CURDIR)/$(BIN):$$PATH" scripts/test

# Mutation testing of the modules in scope that the last change touches (tests/mutation/run.py), a few minutes at most.
mutation-changed: $(BIN)/.installed
	PATH="$(CURDIR)/$(BIN):$$PATH" nice -n 10 python -m tests.mutation.run --changed

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .coverage .pytest_cache .ruff_cache htmlcov test-artifacts
