# policybench: every target bootstraps what it needs (a venv in .venv, Python packages,
# and for `make test` the Debian packages the browser tests need).
#   make run          the app on 127.0.0.1:8501, on an embedded SQLite store
#   make test         lint (ruff check and format, mypy) and the whole suite (what CI runs)
#   make bench        engine and app benchmarks; writes benchmarks/RESULTS.md
#   make bench-load   30 workshop participants on one and two servers (PostgreSQL, nginx), slow fault tests
#   make screenshots  refresh docs/*.png from the running app
#   make lint         ruff check, ruff format --check and mypy
#   make test-random  the property tests with fresh seeds and more examples (not in CI)
#   make mutation     mutation testing of the modules where a silent bug misleads (not in CI: hours)

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q
HOST   ?= 127.0.0.1
PORT   ?= 8501
# The source texts the catalog cites, beside the checkout: with them, the app checks a
# participant's challenge quote verbatim (serve --sources); without them it still runs.
SOURCES ?= $(wildcard ../shared/seeds)

.PHONY: run test test-random mutation mutation-report bench bench-load screenshots lint system-deps clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e . 2>&1 | grep -v "is ignored" || true
	$(PY) -c "import policybench.cli" && touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -e ".[dev]" 2>&1 | grep -v "is ignored" || true
	$(PY) -c "import policybench.cli, pytest, pymcdm, hypothesis" && touch $@ $(VENV)/.installed-run

# Bytecode for the package first, also where PYTHONDONTWRITEBYTECODE is set (as on the
# machines this was built on): otherwise every start of the server compiles every module of the
# package again before its first page; up to date, the check takes a few milliseconds.
run: $(VENV)/.installed-run
	$(PY) -m compileall -q src >/dev/null
	$(VENV)/bin/policybench serve --host $(HOST) --port $(PORT) $(if $(SOURCES),--sources $(SOURCES))

system-deps:
	bash scripts/system-deps.sh

test: $(VENV)/.installed-dev system-deps
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy
	$(PY) -m pytest $(PYTEST_ARGS)

test-random: $(VENV)/.installed-dev
	HYPOTHESIS_PROFILE=random $(PY) -m pytest -q -m "not browser and not postgres" -p no:cacheprovider $(PYTEST_ARGS)

# Mutation testing (docs/TESTING.md: the modules, the scores, each survivor and how long it
# takes). mutmut is installed here, not as a dependency of `make test`. It copies the tree into
# mutants/ and runs the tests there, so the tests are told where ../shared/seeds is. A fresh
# run starts from an empty mutants/; MUTANTS='policybench.mcda.ranking.*' (mutmut's name
# globs, space-separated) runs part of it, and `make mutation-report` prints the score per
# module of what has run so far and every survivor that docs/mutation-equivalents.yaml does
# not explain. MUTMUT_KEEP=1 keeps the earlier results (mutmut re-runs what changed).
MUTANTS ?=
MUTMUT  := $(VENV)/bin/mutmut
mutation: $(VENV)/.installed-dev
	$(PIP) install "mutmut>=3.8,<4" 2>&1 | grep -v "is ignored" || true
	$(if $(MUTMUT_KEEP),,rm -rf mutants)
	POLICYBENCH_TEST_SEEDS="$(abspath ../shared/seeds)" $(MUTMUT) run $(MUTANTS)
	$(PY) tests/support/mutation_report.py

mutation-report: $(VENV)/.installed-dev
	$(PY) tests/support/mutation_report.py --survivors

bench: $(VENV)/.installed-dev
	$(PY) -m benchmarks.engine
	$(PY) -m benchmarks.app

bench-load: $(VENV)/.installed-dev system-deps
	$(PY) -m benchmarks.load $(LOAD_ARGS)
	POLICYBENCH_SLOW=1 $(PY) -m pytest tests/faults -q

screenshots: $(VENV)/.installed-dev system-deps
	$(PY) -m pytest tests/browser -m browser --screenshots-to docs -q

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis tests/artifacts node_modules
