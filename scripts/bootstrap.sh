#!/usr/bin/env bash
# Install what `make run` and `make test` need, and only what is missing.
#
#   scripts/bootstrap.sh [system|python|node|messages|all]...   (default: all)
#
#   system    Debian packages (apt-get), only those not yet installed
#   python    .venv and `pip install -e '.[dev]'` when pyproject.toml changed
#   node      `npm ci` when node_modules is missing or package-lock.json changed
#   messages  compilemessages when a .po file is newer than its .mo
#
# Every step checks before it acts, so a second run takes about a second.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

VENV=.venv
PY_STAMP=$VENV/.hamafza-installed
NODE_STAMP=node_modules/.hamafza-installed
# The directories STATICFILES_DIRS serves from node_modules.
NODE_ASSET_DIRS=(
    node_modules/bootstrap/dist
    node_modules/htmx.org/dist
    node_modules/vazirmatn
    node_modules/@fontsource/noto-naskh-arabic
    node_modules/hls.js/dist
    node_modules/leaflet/dist
)
APT_PACKAGES=(
    nginx libnginx-mod-rtmp ffmpeg gettext
    postgresql-15 postgresql-contrib
    chromium poppler-utils wrk fonts-noto-core
    libpango-1.0-0 libpangoft2-1.0-0
)

say() { printf 'bootstrap: %s\n' "$*" >&2; }
die() {
    say "error: $*"
    exit 1
}

# Run a command as root: directly when we are root, else through sudo.
as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root to run '$*': run this script as root or install sudo"
    fi
}

# The interpreter for a new virtual environment: python3.11, else python3 if >= 3.11.
pick_python() {
    local candidate
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

is_installed() {
    [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]
}

step_system() {
    if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
        say "warning: not a Debian/Ubuntu system; install these yourself: ${APT_PACKAGES[*]} nodejs npm"
        return 0
    fi
    local missing=() pkg python
    for pkg in "${APT_PACKAGES[@]}"; do
        is_installed "$pkg" || missing+=("$pkg")
    done
    # Node.js may come from elsewhere (e.g. NodeSource, whose nodejs bundles npm):
    # only ask Debian for it when there is no npm at all.
    command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
    if python=$(pick_python); then
        # Debian's own python3.11 needs python3.11-venv for `-m venv`.
        if [[ ! -x $VENV/bin/python ]] && ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
            missing+=(python3.11-venv)
        fi
    else
        missing+=(python3.11 python3.11-venv)
    fi
    ((${#missing[@]})) || return 0

    say "installing Debian packages: ${missing[*]}"
    # Keep apt from starting the packages' own daemons (a system nginx on :80,
    # a PostgreSQL cluster on :5432): this project starts its own.
    local policy=/usr/sbin/policy-rc.d
    if [[ ! -e $policy ]]; then
        trap 'as_root rm -f '"$policy" EXIT
        printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
        as_root chmod 755 "$policy"
    fi
    as_root apt-get update -qq || die "apt-get update failed"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Use-Pty=0 \
        --no-install-recommends "${missing[@]}" || die "apt-get install failed: ${missing[*]}"
}

step_python() {
    if [[ ! -x $VENV/bin/python ]] || ! "$VENV/bin/python" -c '' 2>/dev/null; then
        local python
        python=$(pick_python) || die "no Python 3.11+ found: run '$0 system' first"
        say "creating $VENV with $python"
        rm -rf "$VENV"
        "$python" -m venv "$VENV"
    fi
    if [[ ! -f $PY_STAMP || pyproject.toml -nt $PY_STAMP ]]; then
        say "installing Python packages (pip install -e '.[dev]')"
        "$VENV/bin/python" -m pip install -qq -e '.[dev]'
        touch "$PY_STAMP"
    fi
}

step_node() {
    local dir stale=0
    [[ -f $NODE_STAMP && ! package-lock.json -nt $NODE_STAMP && ! package.json -nt $NODE_STAMP ]] ||
        stale=1
    for dir in "${NODE_ASSET_DIRS[@]}"; do
        [[ -d $dir ]] || stale=1
    done
    ((stale)) || return 0
    command -v npm >/dev/null 2>&1 || die "npm not found: run '$0 system' first"
    say "installing front-end assets (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
    for dir in "${NODE_ASSET_DIRS[@]}"; do
        [[ -d $dir ]] || die "npm ci did not produce $dir"
    done
    touch "$NODE_STAMP"
}

step_messages() {
    [[ -d locale ]] || return 0
    local po stale=0
    while IFS= read -r -d '' po; do
        if [[ ! -f ${po%.po}.mo || $po -nt ${po%.po}.mo ]]; then
            stale=1
            break
        fi
    done < <(find . \( -path ./.venv -o -path ./node_modules -o -path ./var -o -path ./.git \) \
        -prune -o -name '*.po' -print0)
    ((stale)) || return 0
    [[ -x $VENV/bin/python ]] || die "no $VENV: run '$0 python' first"
    command -v msgfmt >/dev/null 2>&1 || die "msgfmt not found: run '$0 system' first"
    say "compiling message catalogues"
    "$VENV/bin/python" manage.py compilemessages --ignore=.venv --ignore=node_modules \
        --ignore=var -v 0
}

main() {
    (($#)) || set -- all
    local step
    for step in "$@"; do
        case $step in
        system | python | node | messages) "step_$step" ;;
        all)
            # One per line: `set -e` does not apply inside a function called from `a && b`.
            step_system
            step_python
            step_node
            step_messages
            ;;
        -h | --help)
            sed -n '2,11s/^# \{0,1\}//p' "$0"
            ;;
        *) die "unknown step '$step' (use system, python, node, messages or all)" ;;
        esac
    done
}

main "$@"
