# Signpost: `make run` starts the assistant, `make test` runs every check. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Rasa 3.6 needs Python 3.10; use the first interpreter that really is 3.10 (pyenv shims may not be).
PYTHON310 := $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do \
	"$$p" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null && { echo "$$p"; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa

export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help install lint test run content-check content-load clean

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml constraints.txt
	@test -n "$(PYTHON310)" || { echo "Python 3.10 is required (Rasa 3.6 does not run on 3.11)."; exit 1; }
	@test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip==24.0
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $@

install: $(VENV)/.installed ## create .venv and install the pinned dependencies

lint: install ## ruff
	$(VENV)/bin/ruff check .

content-check: install ## validate data/content
	$(PY) -m bot content check

content-load: install ## load data/content into the content database
	$(PY) -m bot content load

test: lint ## lint and the whole test suite
	$(PY) -m bot content check
	$(PY) -m pytest -q

run: content-load ## start the assistant
	@echo "Content loaded. The assistant itself (training, Rasa and the action server) is not built yet."

clean: ## remove the venv, models, caches and local databases
	rm -rf $(VENV) models .rasa build var results .pytest_cache .ruff_cache
