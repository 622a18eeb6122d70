# The two commands a newcomer needs: `make run` and `make test`. Both install what is
# missing first and can be run again at any time.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/volunteer
SCALE ?= small
AXE := node_modules/axe-core/axe.min.js
export DJANGO_ALLOW_ASYNC_UNSAFE := true

.PHONY: install run test test-sqlite test-postgres lint format messages bench serve-production load load-faults clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)
	scripts/install-system-packages.sh run
	$(BIN)/python manage.py compilemessages --ignore=.venv -v0

run: install
	$(BIN)/python manage.py migrate --no-input -v0
	$(BIN)/python manage.py seed_demo --scale $(SCALE)
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install lint
	scripts/install-system-packages.sh test
	$(MAKE) --no-print-directory $(AXE) test-sqlite test-postgres

# axe-core for the accessibility browser tests, exactly as package-lock.json pins it.
$(AXE): package.json package-lock.json
	npm ci --ignore-scripts
	touch $@

# Two workers (pytest-xdist) on the machine's two cores; the 25 slowest tests printed
# every run. Browser tests check pages, not the engine: they run on PostgreSQL only.
# A module's tests stay on one worker (--dist loadfile), so data a module seeds once
# (tests/conftest.py: seed_once) is seeded once.
WORKERS ?= 2
PYTEST = $(BIN)/python -m pytest -p no:cacheprovider -n $(WORKERS) --dist loadfile --durations=25

test-sqlite:
	@echo "== tests on SQLite (browser tests run on PostgreSQL) =="
	env -u DATABASE_URL $(PYTEST) -m "not browser"

test-postgres:
	@echo "== tests on PostgreSQL =="
	scripts/ensure-postgres.sh
	DATABASE_URL=$(POSTGRES_URL) $(PYTEST)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run -v0

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=tests --no-obsolete --no-location

# Timings, not tests: every figure beside its bare baseline (bare WeasyPrint, the bare SQL
# giving the same figures, a bare page), on SQLite and PostgreSQL, in one table in
# docs/benchmarks.md. Throwaway databases, dropped afterwards; about 12 minutes idle.
bench: install
	scripts/ensure-postgres.sh
	POSTGRES_URL=$(POSTGRES_URL) $(BIN)/python scripts/bench.py

# Production as deployed, on loopback: gunicorn (deploy/gunicorn.conf.py), PostgreSQL,
# Redis for cache and sessions, WhiteNoise for static files, the background job worker
# beside gunicorn; plain HTTP, so no HTTPS
# redirect and no Secure cookies here. http://127.0.0.1:8000
serve-production: install
	scripts/serve-production.sh

# The load test (docs/load.md): the city demo set in a throwaway database, gunicorn with
# production settings, then 20, 100 and 200 locust users for 75 s each (the same mix of
# people), manage.py check_integrity after each, and one table with the knee. About 10
# minutes idle. FAULT=pg-restart restarts PostgreSQL (a private cluster) during a 20-user
# run.
FAULT ?= none
load: install
	scripts/ensure-postgres.sh
	$(BIN)/python scripts/load.py --fault $(FAULT)

load-faults:
	$(MAKE) --no-print-directory load FAULT=pg-restart

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 node_modules
