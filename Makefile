# dichvucong — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test test-fast lint bench install assets migrate demo serve messages clean browser-deps

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed assets

assets: node_modules/.installed
	$(PY) scripts/vendor_assets.py

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

## run: install, migrate, load the demo city, serve on http://127.0.0.1:$(PORT) with the worker and beat
run: demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	PORT=$(PORT) $(VENV)/bin/honcho start -f Procfile

## test: the whole suite (browser tests run where /usr/bin/chromium exists; PostgreSQL-only ones where DATABASE_URL points at it)
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

## test-fast: the inner loop, no browser and no slow tests
test-fast: install
	$(PY) -m pytest -m "not browser and not slow" -q $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check --deploy --fail-level ERROR

bench: migrate
	$(PY) manage.py bench

messages:
	cd dichvucong && ../$(PY) ../manage.py makemessages -l vi -l en --no-obsolete --ignore 'static/*'
	cd dichvucong && ../$(PY) ../manage.py compilemessages

browser-deps:
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium fonts-dejavu-core)

clean:
	rm -rf var/static var/cache var/broker
