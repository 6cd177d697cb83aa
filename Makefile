# bornite: the two commands are `make demo` and `make test`; each sets itself up.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= demo-out
PIP_FLAGS ?= --disable-pip-version-check --quiet

.PHONY: demo test lint typecheck contracts unit kernels bench clean help

help:
	@echo "make demo   - set up .venv and run the illustrative example into $(OUT)/"
	@echo "make test   - set up .venv and run lint, type checks, import contracts and tests"
	@echo "make lint   - ruff (lint + format check), mypy, import-linter"
	@echo "make bench  - run the benchmark scripts in benchmarks/ (tens of minutes)"

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "bornite needs Python 3.11 or newer (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install $(PIP_FLAGS) --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install $(PIP_FLAGS) -e '.[parquet,geo,pit,web]'
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install $(PIP_FLAGS) -e '.[dev]'
	@touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed-dev
	$(BIN)/python -m pip install $(PIP_FLAGS) -e '.[dev,bench]'
	@touch $@

demo: $(VENV)/.installed
	$(BIN)/bornite demo --out $(OUT) --overwrite

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

unit: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -n auto -q src/bornite tests

# The compiled kriging kernel once more as plain Python: the same tests must pass without
# Numba's code generation (a check that the kernel's semantics are Python's, not the JIT's).
KERNEL_TESTS := tests/geostats/test_kriging.py tests/geostats/test_crossval.py \
                tests/geostats/test_pykrige_reference.py

kernels: $(VENV)/.installed-dev
	NUMBA_DISABLE_JIT=1 $(BIN)/python -m pytest -n auto -q -p no:cacheprovider $(KERNEL_TESTS)

test: lint unit kernels

bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/bench_assessment.py
	$(BIN)/python benchmarks/bench_kriging.py --million
	$(BIN)/python benchmarks/bench_pit.py
	$(BIN)/python benchmarks/bench_prospectivity.py
	$(BIN)/python benchmarks/bench_inventory.py
	$(BIN)/python benchmarks/bench_web.py
	$(BIN)/python benchmarks/bench_prospectivity_ml.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache .hypothesis
