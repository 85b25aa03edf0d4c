# dibsim — the two entry points of README.md. Each creates .venv on first use and
# installs the project into it, so a fresh machine needs only Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-all lint install clean bench view screenshot test-forward

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,view]"
	@touch $(STAMP)

install: $(STAMP)

## make run: the main job — what each barrier costs and each reform buys (ranked table, report).
run: $(STAMP)
	$(BIN)/dibsim study --until-resolved --max-replications 60 --budget-minutes 7

## make test: lint and types, then the test suite without the tests marked slow (each over
## ~20 s: the wheel in a fresh venv, the real study twice, the ensemble study, the deterrence
## grid, the 500-example fuzz), under five minutes on two cores. make test-all runs every test (CI runs it: .ci/run). The tests are
## shared among PYTEST_WORKERS processes (pytest-xdist; PYTEST_WORKERS=0 runs them in one); a
## test file's tests run in one worker (--dist loadfile), so its shared runs are made once, and
## tests/conftest.py hands out the costliest files first.
PYTEST_WORKERS ?= 2
PYTEST_PARALLEL = $(if $(filter 0,$(PYTEST_WORKERS)),-p no:xdist,-n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder)
test: lint
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) -m "not slow"

## make test-all: lint and types, then every test, the slow ones included.
test-all: lint
	$(BIN)/python -m pytest $(PYTEST_PARALLEL)

## make lint: ruff on the code and tests, mypy on all of dibsim. mypy reads
## the package through a folder of links named as the package is (dibsim/model, ...), because
## the editable install maps the folders with an import hook that mypy does not follow.
TYPECHECK := build/typecheck
## The links are made afresh each time; mypy's cache beside them (build/typecheck/.mypy_cache)
## is kept, so a second run checks only what changed.
lint: $(STAMP)
	$(BIN)/ruff check model experiments src tests
	@rm -rf $(TYPECHECK)/dibsim && mkdir -p $(TYPECHECK)/dibsim
	@ln -s $(CURDIR)/src/dibsim/__init__.py $(TYPECHECK)/dibsim/__init__.py
	@for d in model experiments scenarios; do ln -s $(CURDIR)/$$d $(TYPECHECK)/dibsim/$$d; done
	cd $(TYPECHECK) && $(CURDIR)/$(BIN)/mypy --config-file $(CURDIR)/pyproject.toml -p dibsim

## make view: the dashboard (What if, Compare) on http://127.0.0.1:8501; offline, see docs/view.md.
view: $(STAMP)
	$(BIN)/dibsim view $(RESULTS)

## make screenshot: regenerate the README's pictures of the dashboard (needs chromium).
screenshot: $(STAMP)
	$(BIN)/dibsim view $(RESULTS) --screenshot docs/img/view_whatif.png

bench: $(STAMP)
	$(BIN)/dibsim bench

## make test-forward: the fast tests on Python 3.12 with the next Mesa (3.5.x) and EMA Workbench 3.x,
## with deprecation and future warnings as errors, in a venv of its own (.venv-forward). It finds a
## working 3.12 interpreter on PATH or under pyenv (.ci/find-python; FORWARD_PYTHON=... names one)
## and says so when none exists. It runs the tests that meet what changes between versions (CI runs
## it after `make test`, so it stays a few minutes): the fixed-seed regression and the model's sums
## (Python's float sum, numpy's streams), Mesa's step and batch_run, the scenario schema (pydantic),
## the engine's pickling and pools, PRIM (EMA Workbench), the calibration (optuna) and the bench.
## `make test-forward FORWARD_TESTS=tests` runs every fast test (about as long as `make test`).
FORWARD_VENV := .venv-forward
FORWARD_TESTS ?= tests/test_regression.py tests/test_summation.py tests/test_failure_probability.py \
                 tests/test_batch_run.py tests/test_randomness.py tests/test_scenarios_load.py \
                 tests/test_engine_runner.py tests/test_analysis_sensitivity.py tests/test_calibration.py \
                 tests/test_history.py tests/test_engine_bench.py
FORWARD_STAMP := $(FORWARD_VENV)/.installed
FORWARD_PYTHON ?= $(shell .ci/find-python 3.12)
# Mesa 3.5.1 imports networkx in `import mesa` but lists it only under its `network` extra.
FORWARD_PINS := "mesa[network]>=3.5,<3.6" "ema_workbench>=3,<4"
# Deprecations are errors, except pandas 3's inside EMA Workbench 3.0's own PRIM code (not ours).
FORWARD_WARNINGS := -W error::FutureWarning -W error::DeprecationWarning \
                    -W "ignore::DeprecationWarning:ema_workbench.analysis.prim"

$(FORWARD_STAMP): pyproject.toml
	@test -n "$(FORWARD_PYTHON)" || { echo "make test-forward: no Python 3.12 interpreter found (python3.12 on PATH or under pyenv); set FORWARD_PYTHON=..." >&2; exit 2; }
	@test -x $(FORWARD_VENV)/bin/python || $(FORWARD_PYTHON) -m venv $(FORWARD_VENV)
	$(FORWARD_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(FORWARD_VENV)/bin/python -m pip install --quiet -e ".[test]" $(FORWARD_PINS)
	@touch $(FORWARD_STAMP)

test-forward: $(FORWARD_STAMP)
	@$(FORWARD_VENV)/bin/python -c "import sys, mesa, ema_workbench; print('test-forward: Python', sys.version.split()[0], '· Mesa', mesa.__version__, '· EMA Workbench', ema_workbench.__version__)"
	$(FORWARD_VENV)/bin/python -m pytest -m "not slow" $(FORWARD_WARNINGS) -p no:cacheprovider $(FORWARD_TESTS)

clean:
	rm -rf $(VENV) $(FORWARD_VENV) build *.egg-info
