# The two commands a newcomer needs: `make run` and `make test`. Both install what is
# missing first and can be run again at any time.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/volunteer
SCALE ?= small
export DJANGO_ALLOW_ASYNC_UNSAFE := true

.PHONY: install run test test-sqlite test-postgres lint format messages bench clean

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
	$(MAKE) --no-print-directory test-sqlite test-postgres

test-sqlite:
	@echo "== tests on SQLite =="
	env -u DATABASE_URL $(BIN)/python -m pytest -p no:cacheprovider

test-postgres:
	@echo "== tests on PostgreSQL =="
	scripts/ensure-postgres.sh
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/python -m pytest -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run -v0

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=tests --no-obsolete --no-location

# Timings, not tests (docs/benchmarks.md): the certificate batch against bare WeasyPrint;
# the district's tally page and a points card at district scale against bare SQL, on
# SQLite and PostgreSQL (throwaway databases, dropped afterwards).
bench: install
	$(BIN)/python scripts/bench_certificates.py
	scripts/ensure-postgres.sh
	POSTGRES_URL=$(POSTGRES_URL) $(BIN)/python scripts/bench_scoring.py
	POSTGRES_URL=$(POSTGRES_URL) $(BIN)/python scripts/bench_helpdesk.py

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
