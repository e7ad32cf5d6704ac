# Hamafza: the two commands are `make run` and `make test`.
# Everything runs from the repository root with the virtual environment's
# programs (.venv/bin/...); no activated venv is needed.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

BIN := .venv/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
# Directories no makemessages/compilemessages run should walk into.
I18N_IGNORE := --ignore=.venv --ignore=node_modules --ignore=var --ignore=scripts \
	--ignore=bench --ignore='*/tests/*'
LANGS := fa ar en

# `make run` settings; override on the command line: `make run PORT=8080`.
PORT ?= 8000
DJANGO_DEBUG ?= 1

.PHONY: help bootstrap run test lint format bench messages clean clean-db

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

bootstrap: ## install what is missing (Debian packages, .venv, npm assets, .mo files)
	@scripts/bootstrap.sh all

run: export DJANGO_DEBUG := $(DJANGO_DEBUG)
run: export PORT := $(PORT)
run: export HAMAFZA_INGEST_CALLBACK_URL := http://127.0.0.1:$(PORT)
run: bootstrap ## install, migrate, load the demo data and start every process on loopback
	$(MANAGE) migrate --noinput
	$(MANAGE) demo_load
	$(MANAGE) collectstatic --noinput -v 0
	@printf '\nHamafza: http://127.0.0.1:%s/  (live broadcasts: http://127.0.0.1:%s/broadcast/)\n\n' "$(PORT)" "$(PORT)"
	exec $(BIN)/honcho start -f Procfile -p $(PORT)

test: ## the whole suite, as CI runs it
	scripts/test.sh

lint: ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: ## ruff format, then fix what ruff can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: bootstrap ## run every bench/*.py, one after the other
	@shopt -s nullglob; files=(bench/*.py); \
	if (( $${#files[@]} == 0 )); then echo "make bench: no bench/*.py to run" >&2; exit 1; fi; \
	for f in "$${files[@]}"; do echo "=== $$f"; $(PY) "$$f"; done

messages: ## update the fa, ar and en catalogues under locale/, then compile them
	mkdir -p locale
	$(MANAGE) makemessages $(foreach l,$(LANGS),-l $(l)) $(I18N_IGNORE) --no-obsolete
	$(MANAGE) compilemessages $(I18N_IGNORE)

clean: ## remove caches, collected static files, the test cluster and test output (keeps the database and media)
	find . \( -path ./.venv -o -path ./node_modules -o -path ./.git \) -prune -o \
		\( -name __pycache__ -o -name .pytest_cache -o -name .ruff_cache -o -name .hypothesis \) \
		-type d -print0 | xargs -0r rm -rf
	scripts/pg_cluster.sh stop
	rm -rf test-results
	if [[ -d var ]]; then \
		find var -mindepth 1 -maxdepth 1 ! -name 'hamafza.sqlite3*' ! -name media -exec rm -rf {} +; \
	fi

clean-db: clean ## clean, and delete the SQLite database and media too
	rm -rf var
