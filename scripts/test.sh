#!/usr/bin/env bash
# The whole suite, as CI runs it (`make test`, `.ci/run`).
#
#   1. scripts/bootstrap.sh all        system packages, .venv, npm assets, .mo files
#   2. ruff check, ruff format --check
#   3. makemigrations --check --dry-run
#   4. manage.py check; check --deploy with production settings
#   5. pytest on SQLite, browser tests included
#   6. pytest on a throwaway PostgreSQL 15 cluster, browser tests excluded
#
# Every step runs even when an earlier one failed (except bootstrap), so one
# run shows everything that is wrong; the exit status is non-zero if any failed.
# Extra arguments are passed to both pytest runs (e.g. `-k organization -x`).
# shellcheck disable=SC2317  # the step functions are called through run()
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BIN=.venv/bin
PY=$BIN/python
RESULTS=test-results
PYTEST_WORKERS=${PYTEST_WORKERS:-2}
summary=()
failed=0

banner() { printf '\n=== %s ===\n' "$*"; }

# run NAME COMMAND...: run a step, record its outcome and duration.
run() {
    local name=$1 start=$SECONDS rc=0
    shift
    banner "$name"
    "$@" || rc=$?
    local took=$((SECONDS - start))
    if ((rc == 0)); then
        summary+=("$(printf 'ok    %-26s %4ss' "$name" "$took")")
    else
        local why="exit $rc"
        # pytest's 5 means it collected no test: a suite that ran nothing failed.
        [[ $name == pytest* && $rc -eq 5 ]] && why="exit 5: no tests collected"
        summary+=("$(printf 'FAIL  %-26s %4ss  (%s)' "$name" "$took" "$why")")
        failed=1
    fi
}

finish() {
    banner "summary"
    printf '%s\n' "${summary[@]}"
    if ((failed)); then
        echo "make test: FAILED"
    else
        echo "make test: all steps passed"
    fi
    # Last line: test counts over both pytest runs, from their JUnit reports.
    if compgen -G "$RESULTS/pytest-*.xml" >/dev/null; then
        "$PY" - "$RESULTS"/pytest-*.xml <<'EOF'
import sys
import xml.etree.ElementTree as ET

tests = failures = skipped = 0
for path in sys.argv[1:]:
    for suite in ET.parse(path).getroot().iter("testsuite"):
        tests += int(suite.get("tests", 0))
        failures += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
print(f"pytest: {tests - failures - skipped} passed, {failures} failed, {skipped} skipped")
EOF
    fi
}

pytest_sqlite() {
    "$BIN/pytest" -n "$PYTEST_WORKERS" -rfE \
        --junitxml="$RESULTS/pytest-sqlite.xml" "$@" hamafza
}

pytest_postgres() {
    scripts/pg_cluster.sh start || return 1
    DATABASE_URL=$(scripts/pg_cluster.sh url) "$BIN/pytest" -n "$PYTEST_WORKERS" -rfE \
        -m "not browser" --junitxml="$RESULTS/pytest-postgres.xml" "$@" hamafza
}

deploy_check() {
    local key
    key=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(64))')
    DJANGO_SECRET_KEY=$key DJANGO_SETTINGS_MODULE=hamafza.settings.production \
        "$PY" manage.py check --deploy --fail-level WARNING
}

trap 'scripts/pg_cluster.sh stop || true' EXIT
rm -rf "$RESULTS"
mkdir -p "$RESULTS"

run bootstrap scripts/bootstrap.sh all
if ((failed)); then
    finish
    exit 1
fi
# Nothing from the caller's shell picks the database or the settings: SQLite
# unless a step says otherwise; test settings unless a step says otherwise.
unset DATABASE_URL
export DJANGO_SETTINGS_MODULE=hamafza.settings.test
run "ruff check" "$BIN/ruff" check --output-format=concise .
run "ruff format --check" "$BIN/ruff" format --check --output-format=concise .
run "makemigrations --check" "$PY" manage.py makemigrations --check --dry-run
# The settings `make run` uses (manage.py's default).
run "check" env -u DJANGO_SETTINGS_MODULE "$PY" manage.py check
run "check --deploy" deploy_check
run "pytest (SQLite)" pytest_sqlite "$@"
run "pytest (PostgreSQL)" pytest_postgres "$@"

finish
exit "$failed"
