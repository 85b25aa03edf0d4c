# dibsim — the two entry points of README.md. Each creates .venv on first use and
# installs the project into it, so a fresh machine needs only Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint install clean bench

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

install: $(STAMP)

## make run: the main job — what each barrier costs and each reform buys (ranked table, report).
run: $(STAMP)
	$(BIN)/dibsim study --until-resolved --max-replications 60 --budget-minutes 7

## make test: lint and types, then the test suite (under five minutes on two cores).
test: lint
	$(BIN)/python -m pytest

## make lint: ruff on the code and tests, mypy on all of dibsim. mypy reads
## the package through a folder of links named as the package is (dibsim/model, ...), because
## the editable install maps the folders with an import hook that mypy does not follow.
TYPECHECK := build/typecheck
lint: $(STAMP)
	$(BIN)/ruff check model experiments src tests
	@rm -rf $(TYPECHECK) && mkdir -p $(TYPECHECK)/dibsim
	@ln -s $(CURDIR)/src/dibsim/__init__.py $(TYPECHECK)/dibsim/__init__.py
	@for d in model experiments scenarios; do ln -s $(CURDIR)/$$d $(TYPECHECK)/dibsim/$$d; done
	cd $(TYPECHECK) && $(CURDIR)/$(BIN)/mypy --config-file $(CURDIR)/pyproject.toml -p dibsim

bench: $(STAMP)
	$(BIN)/dibsim bench

clean:
	rm -rf $(VENV) build *.egg-info
