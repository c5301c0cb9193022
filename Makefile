# The commands the README gives. `make install` is idempotent: it re-installs only
# when pyproject.toml changes.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install run serve worker scheduler test lint api-check bench typecheck format messages demo clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production-like serving (docs/admin/production.md): debug off needs TIQUE_SECRET_KEY
# and TIQUE_ALLOWED_HOSTS; gunicorn.conf.py reads TIQUE_WEB_BIND, TIQUE_WEB_WORKERS…
serve: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input -v 0
	$(BIN)/gunicorn -c gunicorn.conf.py

# Background work (see README, "Mail and background work"). The worker runs the tasks
# that the web process queues with TIQUE_TASKS_BACKEND=database (the default with debug
# off); the scheduler retries failed e-mails and runs the periodic jobs. One scheduler,
# any number of workers.
worker: install
	TIQUE_TASKS_BACKEND=database $(BIN)/python manage.py db_worker --no-reload

scheduler: install
	$(BIN)/python manage.py run_scheduler

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy .

# Schemathesis against the served OpenAPI schema (gunicorn, debug off, a throwaway
# database with the demo data; PostgreSQL when DATABASE_URL is set): no 5xx, and
# responses as documented. See scripts/api-check.
api-check: install
	scripts/api-check

# Load N bench tickets once (BENCH_TICKETS, 1,000,000 on PostgreSQL) and measure the
# pages with wrk against gunicorn as in production; results in var/bench/. See README,
# "Benchmark", and scripts/bench.
bench: install
	scripts/bench

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-extract and compile the Spanish and English catalogues (needs gettext's msgfmt).
messages: install
	$(BIN)/python manage.py makemessages --locale es --locale en --ignore '.venv/*' --ignore '*/tests/*' --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles
