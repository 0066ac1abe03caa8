# newroles: `make run` serves the app with demo data; `make test` runs every check CI runs.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
# `PORT=8001 make run` serves on another port (the address the banner prints follows it).
PORT ?= 8000

.PHONY: help install run serve test test-postgres lint e2e-deps clean

help:
	@echo "make run   install what is missing, migrate, load reference + demo data, serve on http://127.0.0.1:8000 with a worker (PORT=8001 make run: another port)"
	@echo "make test  install what is missing, then lint, migration check and the whole test suite"
	@echo "make test-postgres  the suite again on a throwaway PostgreSQL cluster (what CI runs second)"
	@echo "make serve production server: gunicorn + the background worker (docs/deploy.md)"

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependency list changes, so a second run is quick.
$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,postgres]'
	touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

# Local settings for a developer's machine; settings.py reads it, real environment variables win.
.env:
	@key=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))') && umask 077 && printf '%s\n' \
	  '# Written by make install for local use only: never use this file in production.' \
	  'NEWROLES_DEBUG=True' "NEWROLES_SECRET_KEY=$$key" > $@
	@echo "wrote .env (local development settings)"

install: .env $(VENV)/.installed node_modules/.installed
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py load_reference

# The port is checked before anything starts: a busy port stops here with the reason, not half-started.
run: install
	@$(PY) manage.py checkport $(PORT)
	$(PY) manage.py demo --if-empty
	@echo
	@echo "  newroles is starting on http://127.0.0.1:$(PORT)  (Ctrl-C stops the server and the worker)"
	@echo "  Demo sign-in: editor@demo.test (or viewer@, other@, national@, researcher@, admin@demo.test)"
	@echo "  Demo password: demo-newroles-2026"
	@echo "  researcher@ and admin@ also need a second-factor code: $(PY) manage.py demo totp admin@demo.test"
	@echo
	@trap 'kill 0' INT TERM EXIT; \
	  $(PY) manage.py worker --interval 1 & \
	  $(PY) manage.py runserver 127.0.0.1:$(PORT) & \
	  wait

# Production server (docs/deploy.md): settings from the environment and .env, so no .env is written here.
# NEWROLES_WEB_WORKERS web workers; SIGHUP restarts gracefully.
serve: $(VENV)/.installed node_modules/.installed
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py collectstatic --no-input -v 0
	exec $(PY) -m newroles.serve

# Debian's Chromium drives the end-to-end tests (browser downloads are not possible here).
e2e-deps:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

test: install e2e-deps lint
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n 2 --dist loadgroup

# The suite on PostgreSQL, on a throwaway cluster; tests marked db_independent ran on SQLite already.
test-postgres: install
	.ci/with-postgres $(VENV)/bin/pytest -n 2 --dist loadgroup -m "not db_independent"

clean:
	rm -rf var/ .pytest_cache
