# dichvucong — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=
BENCH_ARGS ?=
BENCH_DOSSIERS ?= 20000

.PHONY: run test test-fast lint bench install system-deps assets migrate demo serve messages clean browser-deps

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: system-deps $(VENV)/.installed node_modules/.installed assets

# PDF slips (WeasyPrint) need Pango and the DejaVu fonts from the system; installed when missing and we
# may (root with apt-get), otherwise named so the user can install them.
system-deps:
	@if ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 && test -e /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; \
	else echo "install: PDF slips need Pango and DejaVu fonts (Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)"; fi

assets: node_modules/.installed
	$(PY) scripts/vendor_assets.py

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

## run: install, migrate, load the demo city, serve on http://127.0.0.1:$(PORT) with the worker and beat
run: demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "dichvucong: portal http://127.0.0.1:$(PORT)/  back office /backoffice/  kiosk /evaluation/"
	@echo "dichvucong: demo accounts demo-citizen, demo-counter, demo-ward-admin, demo-city-admin, demo-auditor … (README); Ctrl+C stops"
	PORT=$(PORT) $(VENV)/bin/honcho start -f Procfile

## test: the whole suite (browser tests run where /usr/bin/chromium exists; PostgreSQL-only ones where DATABASE_URL points at it)
test: install
	@$(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests (exit 5): check PYTEST_ARGS and -m filters" >&2; fi; \
	  exit $$rc

## test-fast: the inner loop, no browser and no slow tests
test-fast: install
	$(PY) -m pytest -m "not browser and not slow" -q $(PYTEST_ARGS)

# `check --deploy` judges a production configuration; these dummy values only get past the start-up
# checks of DJANGO_ENV=production (nothing is served or sent), in a throw-away VAR_DIR.
DEPLOY_CHECK_ENV := DJANGO_ENV=production DJANGO_DEBUG=false \
	DJANGO_SECRET_KEY=lint-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz \
	DJANGO_ALLOWED_HOSTS=dichvucong.invalid EMAIL_HOST=smtp.invalid VAR_DIR=$(CURDIR)/var/deploy-check \
	OIDC_RSA_PRIVATE_KEY=lint-only-not-a-key \
	FIELD_ENCRYPTION_KEYS=bGludC1vbmx5LW5vdC1hLWtleS0wMTIzNDU2Nzg5YWI= FIELD_HASH_KEY=lint-only-not-a-key-0123456789abcdefghij

## lint: ruff, the layer contract (import-linter), no missing migration, Django's deployment checks
lint: install
	@rc=0; \
	echo "lint: ruff"; $(VENV)/bin/ruff check . || rc=1; \
	echo "lint: import-linter"; $(VENV)/bin/lint-imports --no-cache || rc=1; \
	echo "lint: makemigrations --check"; $(PY) manage.py makemigrations --check --dry-run || rc=1; \
	echo "lint: check --deploy"; $(DEPLOY_CHECK_ENV) $(PY) manage.py check --deploy --fail-level WARNING || rc=1; \
	exit $$rc

## bench: (demo city loaded) tops the database up to BENCH_DOSSIERS synthetic dossiers (10 years; default
## 20000, e.g. BENCH_DOSSIERS=1000000), then gunicorn on a free loopback port and one JSON line per benchmark
## (BENCH_ARGS="--requests 500 --only lookup"), then catalog search p50/p95 in process (catalog and 10,000)
bench: demo
	$(PY) manage.py generate_demo_load --top-up --dossiers $(BENCH_DOSSIERS)
	$(PY) manage.py bench $(BENCH_ARGS)
	$(PY) manage.py bench_search

## messages: refresh each app's English catalog (source strings are Vietnamese) and compile it
messages:
	@for dir in $$(find dichvucong -type d -name locale -not -path '*/node_modules/*' -printf '%h\n'); do \
	  echo "messages: $$dir"; \
	  (cd $$dir && $(CURDIR)/$(PY) $(CURDIR)/manage.py makemessages -l en --no-obsolete --no-wrap --verbosity 0 \
	    && $(CURDIR)/$(PY) $(CURDIR)/manage.py compilemessages --verbosity 0) || exit 1; \
	done

browser-deps:
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium fonts-dejavu-core)

clean:
	rm -rf var/static var/cache var/broker
