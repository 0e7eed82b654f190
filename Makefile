# SESIS: `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/sesis


.PHONY: run test test-sqlite test-postgres lint typecheck bench mutation upgrade-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Every package, transitive ones included, is pinned with its hashes (requirements*.txt,
# compiled from the .in files by make upgrade-deps); pip refuses anything else.
PIP_INSTALL := $(BIN)/pip install --quiet --require-hashes --no-deps

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(PIP_INSTALL) -r requirements.txt
	$(BIN)/pip check
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP_INSTALL) -r requirements-dev.txt
	$(BIN)/pip check
	touch $@

run: $(VENV)/.installed
	SESIS_DEBUG=true $(BIN)/python manage.py migrate --no-input
	SESIS_DEBUG=true $(BIN)/python manage.py load_demo_data --if-empty
	@echo "SESIS is at http://127.0.0.1:8000, with the job worker beside it (Ctrl-C stops both)"
	SESIS_DEBUG=true $(BIN)/python manage.py worker --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	SESIS_DEBUG=true SESIS_IVR_VERIFY_SIGNATURE=false $(BIN)/python manage.py runserver 127.0.0.1:8000

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports  # the layers (pyproject.toml, docs/architecture.md)
	@# B608 (SQL strings), B308/B703 (mark_safe), B310 (urlopen) are ruff's S608/S308/S310,
	@# which flag each such line for review (its noqa says why it is safe).
	$(BIN)/bandit --quiet --recursive sesis config bench --exclude '*/tests/*' --severity-level medium \
		--skip B608,B308,B703,B310

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

test-sqlite: $(VENV)/.installed-dev
	$(BIN)/pytest

# On PostgreSQL, as in production. Outside CI a missing server skips this run with a
# message; in CI (CI=true) it is a failure.
test-postgres: $(VENV)/.installed-dev
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)'.rsplit('/',1)[0]+'/postgres', connect_timeout=3).close()" 2>/dev/null; then \
		DATABASE_URL=$(PG_URL) $(BIN)/pytest; \
	elif [ "$$CI" = "true" ]; then echo "PostgreSQL is not reachable at $(PG_URL)" >&2; exit 1; \
	else echo "PostgreSQL is not reachable at $(PG_URL): skipping the PostgreSQL run"; fi

test: lint typecheck test-sqlite test-postgres

$(VENV)/.installed-bench: requirements-bench.txt $(VENV)/.installed-dev
	$(PIP_INSTALL) -r requirements-bench.txt
	touch $@

# The district at scale under a mixed workload (bench/README.md). Generates the data
# into BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/sesis_scale) if it
# is empty; BENCH_ARGS e.g. '--scale 0.1 --users 60 --duration 120'.
bench: $(VENV)/.installed-bench
	$(BIN)/python bench/load.py $(BENCH_ARGS)

# Mutation testing of the rule modules ([tool.mutmut] in pyproject.toml): slow, so not
# part of make test. Prints each module's score (docs/architecture.md keeps the last).
mutation: $(VENV)/.installed-dev
	$(BIN)/mutmut run --max-children 2 || true  # its failures show; the scores come next
	$(BIN)/python bench/mutation.py

# Newer releases of every package within the .in files' pins (edit an .in file to move a
# direct dependency), recompiled with hashes. No registry address is written down.
PIP_COMPILE := $(BIN)/pip-compile --quiet --upgrade --generate-hashes --no-emit-index-url --no-emit-find-links \
	--allow-unsafe --strip-extras
upgrade-deps: $(VENV)/.installed-dev
	$(PIP_COMPILE) -o requirements.txt requirements.in
	$(PIP_COMPILE) -o requirements-dev.txt requirements-dev.in
	$(PIP_COMPILE) -o requirements-bench.txt requirements-bench.in
	@echo "Pins updated: review git diff requirements*.txt, then make test."

clean:
	rm -rf $(VENV) mutants staticfiles .pytest_cache .mypy_cache .ruff_cache
