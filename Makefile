# artfeed — `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench feed-model setup static clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

setup: $(VENV)/.installed

static: setup
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0

# The embedded default: SQLite, the demo user and the demo pool, served over ASGI.
# The displays' event streams never end by themselves: on Ctrl-C they get 3 s, then
# the browsers reconnect to whatever serves next and catch up. The cutover is the demo's
# (artfeed/demo.py), so the legacy user has something to backfill; the environment wins.
run: export DEBUG ?= true
run: export ARTFEED_TRACKING_SINCE ?= 2026-01-01T00:00:00+00:00
run: static
	$(BIN)/python manage.py migrate --noinput --verbosity 0
	$(BIN)/python manage.py seed_demo
	@echo "artfeed is serving at http://$(HOST):$(PORT)/display/ (Ctrl-C stops it)"
	$(BIN)/uvicorn artfeed.asgi:application --host $(HOST) --port $(PORT) --log-level warning \
		--timeout-graceful-shutdown 3

# The whole suite on the database DATABASE_URL names (SQLite when unset). Browser
# tests run when Chromium is at /usr/bin/chromium and are skipped, saying so, when not.
test: export DEBUG ?= true
test: static
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run --verbosity 0
	$(BIN)/pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .

bench: export DEBUG ?= true
bench: static
	$(BIN)/python -m bench $(BENCH_ARGS)

# The feed against its definition over thousands of random sequences of events
# (tests/display/test_feed_model.py; the test suite runs a few dozen).
FEED_MODEL_EXAMPLES ?= 2000
feed-model: export DEBUG ?= true
feed-model: static
	FEED_MODEL_EXAMPLES=$(FEED_MODEL_EXAMPLES) $(BIN)/pytest tests/display/test_feed_model.py -q --timeout=0

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
