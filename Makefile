PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint venv lock migrations schema browser graphiql-assets

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

## make test: the whole suite (SQLite; set DATABASE_URL=postgres://... for PostgreSQL), on 2 pytest-xdist
## workers (TEST_WORKERS=...): each its own PostgreSQL database; an xdist_group's tests share one worker
TEST_WORKERS ?= 2
test: venv browser
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadgroup

## make browser: Debian's chromium and chromedriver, for the GraphiQL browser test (installed when missing)
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null)

## make lint: ruff (lint and format) and mypy, as CI runs them
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --explicit-package-bases app.py settings.py manage.py models resolvers schema bench demo

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

## make graphiql-assets: fetch GraphiQL's pinned npm packages once (needs npm) into static/graphiql/vendor/
## (committed: GraphiQL works without internet). graphiql-explorer is bundled in the explorer's UMD build.
GRAPHIQL_VENDOR := static/graphiql/vendor
GRAPHIQL_PACKAGES := graphiql@3.9.0 @graphiql/plugin-explorer@3.2.6 graphiql-explorer@0.9.0 react@18.3.1 react-dom@18.3.1
graphiql-assets:
	rm -rf $(GRAPHIQL_VENDOR) /tmp/graphiql-packs && mkdir -p $(GRAPHIQL_VENDOR) /tmp/graphiql-packs
	cd /tmp/graphiql-packs && npm pack --silent $(GRAPHIQL_PACKAGES) >/dev/null
	cd /tmp/graphiql-packs && tar xzf graphiql-3.9.0.tgz && mv package graphiql && \
	  tar xzf graphiql-plugin-explorer-3.2.6.tgz && mv package plugin-explorer && \
	  tar xzf graphiql-explorer-0.9.0.tgz && mv package graphiql-explorer && \
	  tar xzf react-18.3.1.tgz && mv package react && tar xzf react-dom-18.3.1.tgz && mv package react-dom
	cp /tmp/graphiql-packs/graphiql/graphiql.min.js /tmp/graphiql-packs/graphiql/graphiql.min.css $(GRAPHIQL_VENDOR)/
	cp /tmp/graphiql-packs/plugin-explorer/dist/index.umd.js $(GRAPHIQL_VENDOR)/plugin-explorer.umd.js
	cp /tmp/graphiql-packs/plugin-explorer/dist/style.css $(GRAPHIQL_VENDOR)/plugin-explorer.css
	cp /tmp/graphiql-packs/react/umd/react.production.min.js /tmp/graphiql-packs/react-dom/umd/react-dom.production.min.js $(GRAPHIQL_VENDOR)/
	cp /tmp/graphiql-packs/graphiql/LICENSE $(GRAPHIQL_VENDOR)/LICENSE.graphiql
	cp /tmp/graphiql-packs/graphiql-explorer/LICENSE $(GRAPHIQL_VENDOR)/LICENSE.graphiql-explorer
	cp /tmp/graphiql-packs/react/LICENSE $(GRAPHIQL_VENDOR)/LICENSE.react
	cp /tmp/graphiql-packs/react-dom/LICENSE $(GRAPHIQL_VENDOR)/LICENSE.react-dom
	echo "$(GRAPHIQL_PACKAGES)" | tr ' ' '\n' > $(GRAPHIQL_VENDOR)/VERSIONS
	cd $(GRAPHIQL_VENDOR) && sha256sum *.js *.css > SHA256SUMS
	rm -rf /tmp/graphiql-packs
