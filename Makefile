# Two commands matter: `make demo` runs the whole platform, `make test` runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SERVICES := cms subscriber_service newsletter_service

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements.lock
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

install: $(BIN)/.installed ## Create .venv and install the locked dependencies

demo: install ## Run the whole platform (3 services, workers, beat, demo content) until Ctrl-C
	$(BIN)/python scripts/demo.py

test: install ## Run the whole test suite (PostgreSQL/Redis if DATABASE_URL/REDIS_URL are set)
	$(BIN)/python scripts/test.py

lint: install ## Lint and check formatting
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install ## Format the code and fix what the linter can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

checks: install ## Missing migrations and production deployment checks, for every service
	$(BIN)/python scripts/checks.py

lock: ## Re-resolve requirements.lock from pyproject.toml
	$(PYTHON) -m pip install --quiet uv==0.13.8
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements.lock

clean: ## Remove the virtual environment and local data (var/)
	rm -rf $(VENV) var

.PHONY: help install demo test lint format checks lock clean
