# The two commands: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DEBUG_TOOLBAR ?= false
# The server options every recipe shares (config/serving.py; tests/test_serving.py compares):
# WebSocket messages limited before they are inflated, an idle keep-alive longer than nginx's,
# and proxy headers believed only from TRUSTED_PROXY_IPS (none unless set).
TRUSTED_PROXY_IPS ?=
UVICORN_OPTIONS := --ws-max-size 16384 --timeout-keep-alive 75 \
	$(if $(strip $(TRUSTED_PROXY_IPS)),--proxy-headers --forwarded-allow-ips $(TRUSTED_PROXY_IPS),--no-proxy-headers)

# The first Python >= 3.12 found: on PATH, then under pyenv. Override with `make PYTHON=...`.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 python $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3; do \
	if command -v "$$p" >/dev/null 2>&1 && "$$p" -c 'import sys; raise SystemExit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
		command -v "$$p"; break; fi; done)

.PHONY: help install run workshop dev test test-fast test-scaleout lint fmt check-deploy screenshots clean bench bench-quick

help:
	@echo "make run    set up everything and serve on http://$(HOST):$(PORT)/ (HOST=, PORT= to change)"
	@echo "make dev    make run, with django-debug-toolbar"
	@echo "make workshop  serve a workshop to the room's network (ADDRESS=, PORT= to change)"
	@echo "make test   install and run every test"
	@echo "make lint   ruff check, ruff format --check, makemigrations --check"
	@echo "make fmt    format and fix the code with ruff"
	@echo "make bench  benchmark under gunicorn (bench-quick: the short CI run); see docs/performance.md"
	@echo "make test-scaleout  two WSGI+ASGI app instances, PostgreSQL, Redis and nginx, with faults (docs/deploy.md)"

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
		echo "error: no Python >= 3.12 found (looked on PATH and in ~/.pyenv/versions)." >&2; \
		echo "Install Python 3.12 or newer, or run: make PYTHON=/path/to/python3.12 ..." >&2; \
		exit 1; fi
	@if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; raise SystemExit(sys.version_info < (3, 12))'; then \
		echo "Creating $(VENV) with $(PYTHON)"; rm -rf $(VENV); "$(PYTHON)" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "note: npm not found; the accessibility checks (axe-core) will not run." >&2; fi

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed
	@$(PY) manage.py ensure_local_admin --url "http://$(HOST):$(PORT)/"
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	@# The task worker (mail, reminders) beside the server; mail is printed here (console).
	DEBUG=true EMAIL_BACKEND=console $(PY) manage.py db_worker --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT; \
	DEBUG=true EMAIL_BACKEND=console DEBUG_TOOLBAR=$(DEBUG_TOOLBAR) $(VENV)/bin/uvicorn config.asgi:application \
		--host $(HOST) --port $(PORT) --reload --reload-dir apps --reload-dir config \
		--reload-dir templates --reload-dir static --lifespan off $(UVICORN_OPTIONS)

# A workshop served to the room's network in production mode, one process, no Redis: migrates,
# seeds, collects the static files, detects the machine's network address (ADDRESS= to name
# it) and prints the join address (apps/workshops/management/commands/serve_workshop.py).
workshop: install
	DEBUG=false HTTPS=false $(PY) manage.py serve_workshop --port $(PORT) \
		$(if $(ADDRESS),--address $(ADDRESS))

# `make run` with django-debug-toolbar (queries, templates and timings of each page), for developers.
dev:
	@$(MAKE) --no-print-directory run DEBUG_TOOLBAR=true

test: install node_modules/.installed
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "note: /usr/bin/chromium not found: the browser tests will be skipped" \
		     "(install it with: apt-get install -y chromium)."; fi
	$(PY) -m pytest $(PYTEST_ARGS)

# The production recipe run for real (tests/scaleout): two app instances (a WSGI process for the
# pages, an ASGI one for the streams) on one PostgreSQL and one Redis behind nginx
# (config/nginx/raci.conf), in Chromium, with Redis, a process of each kind and PostgreSQL failing (played by TCP proxies, never by restarting the machine's servers). Needs
# PostgreSQL and Redis on 127.0.0.1 and nginx; a plain `make test` does not collect these tests.
test-scaleout: install
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) -m pytest tests/scaleout $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

fmt: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Benchmark with production settings under gunicorn, on SQLite or on DATABASE_URL's PostgreSQL
# server (in a database of its own, raci_bench). BENCH_QUICK=1 or bench-quick: the CI run, which
# fails only when a query count goes above bench/queries.json. BENCH_ARGS: see bench/run.py.
bench: install
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) -m bench.run $(BENCH_ARGS)

bench-quick: install
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) -m bench.run --quick $(BENCH_ARGS)

check-deploy: install
	DEBUG=false SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" HTTPS=true \
		$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache .hypothesis
