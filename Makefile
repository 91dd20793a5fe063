# EchoList Hub — two commands on a fresh machine:
#   make run    the hub on the embedded default (SQLite, in-process bus, simulated payments)
#   make test   the whole test suite (needs MariaDB, Redis and RabbitMQ running; .ci/run starts them)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8080
HOST ?= 127.0.0.1

.PHONY: run test lint typecheck format venv dev-env js-deps browser clean models models-data bench bench-moderation

$(BIN)/.runtime-stamp: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip wheel setuptools
	$(BIN)/pip install -q -e .
	@touch $@

$(BIN)/.dev-stamp: pyproject.toml $(BIN)/.runtime-stamp
	$(BIN)/pip install -q -e '.[dev,train]'
	@touch $@

venv: $(BIN)/.runtime-stamp
dev-env: $(BIN)/.dev-stamp js-deps browser

run: $(BIN)/.runtime-stamp
	$(BIN)/hub serve --host $(HOST) --port $(PORT)

js-deps: tests/e2e/js/node_modules/.stamp
tests/e2e/js/node_modules/.stamp: tests/e2e/js/package.json tests/e2e/js/package-lock.json
	cd tests/e2e/js && npm ci --no-audit --no-fund
	@touch $@

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

test: dev-env
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

lint: $(BIN)/.dev-stamp
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(BIN)/.dev-stamp
	$(BIN)/mypy

format: $(BIN)/.dev-stamp
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The moderation model, rebuilt and re-measured from scratch (about 70 minutes on 2 cores).
models-data: $(BIN)/.dev-stamp
	$(BIN)/python -m models data
models: $(BIN)/.dev-stamp
	$(BIN)/python -m models all

# Benchmarks (see benchmarks/README.md); not part of the test run.
bench-moderation: $(BIN)/.dev-stamp
	$(BIN)/python -m benchmarks.moderation
bench: $(BIN)/.dev-stamp
	$(BIN)/python -m benchmarks run chat --spawn embedded --rate 300 --reference

clean:
	rm -rf $(VENV) var tests/e2e/js/node_modules .pytest_cache .mypy_cache .ruff_cache
