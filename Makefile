# Two commands set everything up on a fresh machine: `make demo` and `make test`.
# Both create and fill the virtual environment themselves.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# GOV.UK Frontend's styles for the review app, from the npm registry (no Node.js needed).
ASSETS := bot/review/static/govuk/VERSION

.PHONY: demo run test test-fast bench lint typecheck check check-dialogues schema clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

$(ASSETS): bot/review/assets.py | $(STAMP)
	$(BIN)/python -m bot.review.assets
	@touch $(ASSETS)

## Run Tandem on SQLite against the local Telegram sandbox (no token needed).
demo: $(STAMP) $(ASSETS)
	$(BIN)/tandem demo

## Run Tandem against the real Telegram: TELEGRAM_BOT_TOKEN=... make run
run: $(STAMP) $(ASSETS)
	$(BIN)/tandem serve

## The whole test suite, on every core (each test has its own databases, ports and bot).
test: $(STAMP) $(ASSETS)
	$(BIN)/python -m pytest -n auto

## Everything but the crash test and the browser tests.
test-fast: $(STAMP) $(ASSETS)
	$(BIN)/python -m pytest -n auto -m "not slow and not browser"

bench: $(STAMP) $(ASSETS)
	$(BIN)/python -m tests.bench

## Check every script the way staff do (errors and warnings, file:line:col).
check-dialogues: $(STAMP)
	$(BIN)/tandem dialogues check --strict

## Regenerate dialogues/schema.json from the engine's models (a test fails when it is stale).
schema: $(STAMP)
	$(BIN)/tandem dialogues schema > dialogues/schema.json

lint: $(STAMP)
	$(BIN)/ruff check bot storage tests

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
