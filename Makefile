# Two commands a new user needs: `make run` and `make test`.
# Both create .venv on first use with nothing but Python 3.11+.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test lint format bench clean screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.app-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.app-installed

## Start the app on the embedded local store (no credentials needed).
run: $(VENV)/.app-installed
	$(BIN)/streamlit run app.py --server.port $(PORT)

## Run the whole test suite: types (mypy --strict over workshop/), unit, store contract
## (SQLite + Sheets fake), AppTest, browser, and the wheel installed outside the checkout.
test: $(VENV)/.test-installed
	$(BIN)/mypy
	$(BIN)/python scripts/ensure_browser.py
	$(BIN)/python -m pytest

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.test-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.test-installed
	for script in benchmarks/*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts

## Refresh the README's screenshots from the browser tests.
screenshots: $(VENV)/.test-installed
	WORKSHOP_SCREENSHOTS_DIR=docs/screenshots $(BIN)/python -m pytest -m browser -k "e2e or rehearsal" -q
