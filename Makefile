# llmwall's two entry points for a fresh machine:
#   make run    start llmwall on 127.0.0.1:8080 with the built-in default policy
#   make test   run the whole test suite (installs the client runtimes the end-to-end
#               tests drive, from Debian's packages, where it runs as root; else they skip)
# Both create .venv from the pinned lock files on first use (PyPI only; nothing else
# is downloaded, at install time or at run time).

PYTHON ?= $(shell scripts/find-python)
VENV := .venv
BIN := $(VENV)/bin
ARGS ?=

.PHONY: run test lint bench eval clean

$(BIN)/.runtime: pyproject.toml requirements/runtime.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -r requirements/runtime.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(BIN)/.dev: $(BIN)/.runtime requirements/dev.lock
	$(BIN)/python -m pip install --quiet -r requirements/dev.lock
	$(BIN)/python -m pip check
	touch $@

run: $(BIN)/.runtime
	$(BIN)/llmwall run $(ARGS)

test: $(BIN)/.dev
	scripts/test-prereqs
	$(BIN)/python -m pytest $(ARGS)

lint: $(BIN)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(BIN)/.dev
	$(BIN)/python scripts/bench.py

eval: $(BIN)/.dev
	$(BIN)/python scripts/eval_all.py

clean:
	rm -rf $(VENV) build *.egg-info
