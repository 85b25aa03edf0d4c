# dibsim — the two entry points of README.md. Each creates .venv on first use and
# installs the project into it, so a fresh machine needs only Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install clean bench

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

install: $(STAMP)

## make run: the main job — what each barrier costs and each reform buys (ranked table, report).
run: $(STAMP)
	$(BIN)/dibsim study

## make test: the test suite (under five minutes on two cores).
test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/dibsim bench

clean:
	rm -rf $(VENV) build *.egg-info
