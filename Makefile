PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint venv lock migrations schema

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

## make run: migrate the SQLite file under data/, load the demo data, serve GraphiQL on :8000
run: venv
	$(BIN)/python manage.py migrate
	$(BIN)/python manage.py seed-demo
	$(BIN)/uvicorn app:app --host $(HOST) --port $(PORT) --log-config logging.json

## make test: the whole suite (SQLite; set DATABASE_URL=postgres://... for PostgreSQL)
test: venv
	$(BIN)/python -m pytest -q

## make lint: ruff (lint and format) and mypy, as CI runs them
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --explicit-package-bases app.py settings.py manage.py models resolvers schema bench

## make migrations: write a migration for model changes
migrations: venv
	$(BIN)/tortoise makemigrations

## make lock: re-pin requirements.in into requirements.lock
lock:
	rm -rf /tmp/lock-venv && $(PYTHON) -m venv /tmp/lock-venv
	/tmp/lock-venv/bin/pip install --quiet -r requirements.in
	/tmp/lock-venv/bin/pip freeze > requirements.lock

## make schema: write the served SDL to schema.graphql (a test fails when it drifts)
schema: venv
	$(BIN)/python -c "from schema import schema; open('schema.graphql', 'w').write(schema.as_str() + '\n')"
