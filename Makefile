# `make run` and `make test` do all set-up on a fresh machine (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN = $(VENV)/bin
PORT ?= 8000

.PHONY: run test migrate seed clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Mozilla's ical.js, from the lock file, for the feed tests (needs Node.js and npm).
tests/js/node_modules/.package-lock.json: tests/js/package.json tests/js/package-lock.json
	npm ci --prefix tests/js --no-audit --no-fund --silent

migrate: $(VENV)/.installed
	$(BIN)/flask --app wsgi db upgrade

seed: migrate
	$(BIN)/flask --app wsgi seed
	$(BIN)/flask --app wsgi feeds render

run: seed
	PORT=$(PORT) $(BIN)/gunicorn --config config/gunicorn.conf.py wsgi:app

test: $(VENV)/.installed-dev tests/js/node_modules/.package-lock.json
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
