#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the test suite.
#
#   scripts/pg_cluster.sh start   initdb (once) and start it; create database "hamafza"
#   scripts/pg_cluster.sh url     print its DATABASE_URL
#   scripts/pg_cluster.sh stop    stop it and delete its files
#
# It lives in var/pgtest, listens on 127.0.0.1 only, on $PGTEST_PORT (54329),
# with its socket inside its own directory. Trust authentication: the
# superuser "postgres" may CREATE EXTENSION in the test databases. Durability
# is switched off; nothing in it is meant to survive.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PORT=${PGTEST_PORT:-54329}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
DB=hamafza
LINK=$PWD/var/pgtest
READY_TIMEOUT=${PGTEST_READY_TIMEOUT:-60}

die() {
    printf 'pg_cluster: error: %s\n' "$*" >&2
    exit 1
}

# Run a server program as the cluster's owner: initdb and postgres refuse root.
# From /, which the postgres user can always enter (paths here are absolute).
as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

# The cluster's real directory. Normally var/pgtest itself; when the postgres
# user cannot reach the work tree (a clone under /root) or the socket path
# would pass the kernel's 107-byte limit, a directory under /tmp that
# var/pgtest links to.
cluster_dir() {
    if [[ -L $LINK ]]; then
        readlink -f "$LINK"
    elif [[ -d $LINK ]]; then
        printf '%s\n' "$LINK"
    else
        return 1
    fi
}

create_dir() {
    mkdir -p "$(dirname "$LINK")"
    local dir=$LINK socket="$LINK/run/.s.PGSQL.$PORT"
    if ((${#socket} > 100)) || { [[ $(id -u) -eq 0 ]] &&
        ! runuser -u postgres -- test -x "$(dirname "$LINK")"; }; then
        dir=$(mktemp -d /tmp/hamafza-pgtest.XXXXXX)
        ln -sfn "$dir" "$LINK"
    else
        mkdir -p "$dir"
    fi
    mkdir -p "$dir/run"
    if [[ $(id -u) -eq 0 ]]; then
        chown -R postgres:postgres "$dir"
    fi
    chmod 700 "$dir"
    printf '%s\n' "$dir"
}

is_running() {
    local dir
    dir=$(cluster_dir) || return 1
    [[ -f $dir/data/PG_VERSION ]] && as_owner "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

cmd_start() {
    [[ -x $PGBIN/initdb ]] || die "PostgreSQL 15 not found in $PGBIN: run scripts/bootstrap.sh system"
    if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
        die "no 'postgres' system user: run scripts/bootstrap.sh system"
    fi
    local dir
    if ! dir=$(cluster_dir) || [[ ! -f $dir/data/PG_VERSION ]]; then
        cmd_stop
        dir=$(create_dir)
        local locale=C
        if locale -a 2>/dev/null | grep -qixE 'c\.utf-?8'; then
            locale=C.UTF-8
        fi
        as_owner "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 \
            --locale="$locale" >"$dir/initdb.log" 2>&1 ||
            die "initdb failed: $(tail -n 20 "$dir/initdb.log")"
        cat >>"$dir/data/postgresql.conf" <<EOF

# scripts/pg_cluster.sh: a throwaway test cluster
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$dir/run'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
EOF
    fi
    if ! is_running; then
        # -w: pg_ctl notices at once if the server dies while starting (port taken, …).
        as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t "$READY_TIMEOUT" \
            start >/dev/null || die "could not start: $(tail -n 20 "$dir/server.log" 2>/dev/null)"
    fi
    # Ready means it answers through our own socket directory: an answer there
    # cannot come from another server that holds the same TCP port.
    local deadline=$((SECONDS + READY_TIMEOUT))
    until "$PGBIN/pg_isready" -q -h "$dir/run" -p "$PORT" -U postgres -d postgres; do
        ((SECONDS < deadline)) ||
            die "not ready after ${READY_TIMEOUT}s: $(tail -n 20 "$dir/server.log" 2>/dev/null)"
        sleep 0.1
    done
    local psql=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d postgres)
    if [[ -z $("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'") ]]; then
        "${psql[@]}" -c "CREATE DATABASE $DB" >/dev/null
    fi
}

cmd_stop() {
    local dir
    dir=$(cluster_dir) || {
        rm -f "$LINK"
        return 0
    }
    if is_running; then
        as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null ||
            die "pg_ctl stop failed"
    fi
    rm -rf "$dir"
    rm -rf "$LINK"
}

cmd_url() {
    printf 'postgres://postgres@127.0.0.1:%s/%s\n' "$PORT" "$DB"
}

case ${1:-} in
start) cmd_start ;;
stop) cmd_stop ;;
url) cmd_url ;;
*)
    printf 'usage: %s start|stop|url\n' "$0" >&2
    exit 2
    ;;
esac
