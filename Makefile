# `make run`, `make test` and `make test-all` do all set-up on a fresh machine (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN = $(VENV)/bin
PORT ?= 8000
# The browser the end-to-end tests (tests/e2e) drive; Playwright's own download does not work here.
CHROMIUM_PATH ?= /usr/bin/chromium

.PHONY: run test test-all lint format browser libical migrate seed clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# An earlier tz database release, beside the pinned one, for the test that switches releases under booked
# meetings (tests/test_tz_updates.py): in 2024b Paraguay still kept daylight-saving time; from 2025a it does not.
TZDATA_PREVIOUS = 2024.2
$(VENV)/tzdata-previous/tzdata/__init__.py: | $(BIN)/python
	$(BIN)/pip install --quiet --no-deps --target $(VENV)/tzdata-previous tzdata==$(TZDATA_PREVIOUS)

# Mozilla's ical.js, from the lock file, for the feed tests (needs Node.js and npm).
tests/js/node_modules/.package-lock.json: tests/js/package.json tests/js/package-lock.json
	npm ci --prefix tests/js --no-audit --no-fund --silent

migrate: $(VENV)/.installed
	$(BIN)/flask --app wsgi db upgrade

seed: migrate
	$(BIN)/flask --app wsgi seed
	$(BIN)/flask --app wsgi feeds render

# Clients reach `make run` directly, with no buffering proxy in front: threaded workers, so that a few slow or
# idle connections cannot hold every worker (production behind nginx keeps one thread: docs/DEPLOY.md).
MAKE_RUN_THREADS ?= 4

run: seed
	PORT=$(PORT) GUNICORN_THREADS=$${GUNICORN_THREADS:-$(MAKE_RUN_THREADS)} $(BIN)/gunicorn --config config/gunicorn.conf.py wsgi:app

# Debian's Chromium, installed where it is missing and we are root; elsewhere a message says how. Without it
# the browser tests skip, or fail where REQUIRE_BROWSER=1 (as in CI: .ci/run): tests/e2e/conftest.py decides.
browser:
	@if [ -x "$(CHROMIUM_PATH)" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y -q chromium fonts-liberation \
			|| { apt-get update -q && apt-get install -y -q chromium fonts-liberation; }; \
	fi; \
	if [ ! -x "$(CHROMIUM_PATH)" ]; then \
		echo "No browser at $(CHROMIUM_PATH): the browser tests (tests/e2e) skip, or fail with" \
			"REQUIRE_BROWSER=1 or REQUIRE_POSTGRES=1. Install it: 'sudo apt-get install chromium'." >&2; \
	fi

# libical, the reader Evolution and many CalDAV servers use, through Debian's GObject bindings, for the feed
# tests (tests/feed_readers.py), installed where it is missing and we are root; elsewhere a message says how.
# Without it the feed tests leave that reader out, or fail where REQUIRE_LIBICAL=1 or REQUIRE_POSTGRES=1 (CI).
LIBICAL_PROBE = /usr/bin/python3 -c "import gi; gi.require_version('ICalGLib', '3.0')" 2>/dev/null

libical:
	@if $(LIBICAL_PROBE); then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's libical bindings for the feed tests"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y -q gir1.2-ical-3.0 python3-gi \
			|| { apt-get update -q && apt-get install -y -q gir1.2-ical-3.0 python3-gi; }; \
	fi; \
	if ! $(LIBICAL_PROBE); then \
		echo "No libical bindings: the feed tests read without libical, or fail with REQUIRE_LIBICAL=1" \
			"or REQUIRE_POSTGRES=1. Install them: 'sudo apt-get install gir1.2-ical-3.0 python3-gi'." >&2; \
	fi

# Tests run in parallel, one process a core (at most 4: each holds PostgreSQL connections of its own).
PYTEST = $(BIN)/python -m pytest -n auto --maxprocesses 4

# The fast lane: every test that is not slow by nature, on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.
TEST_NEEDS = $(VENV)/.installed-dev tests/js/node_modules/.package-lock.json $(VENV)/tzdata-previous/tzdata/__init__.py libical

test: $(TEST_NEEDS)
	$(PYTEST) -m "not slow"

# The full lane (CI): the fast lane plus the slow tests (the fuzzers, the browser, servers started and killed).
test-all: $(TEST_NEEDS) browser
	$(PYTEST)

# ruff (pyproject.toml): the linter's rules, and the formatter's layout checked, not applied.
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Apply the formatter and the linter's safe fixes.
format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
