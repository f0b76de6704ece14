# shellcheck shell=bash
# Shared by scripts/run, scripts/test and scripts/e2e: find or fetch Odoo 19,
# make the project's virtual environment, install what is missing, reach
# PostgreSQL. Source it, do not run it.
#
# Environment (all optional):
#   ODOO_PATH                    an Odoo 19 source tree to use
#   PYTHON                       the Python that makes the virtual environment (python3)
#   VOIP_CONFERENCE_VENV         the virtual environment (<repository>/.venv)
#   VOIP_CONFERENCE_CACHE        where a fetched Odoo is kept (${XDG_CACHE_HOME:-~/.cache}/voip_conference)
#   VOIP_CONFERENCE_ODOO_URL     the git repository Odoo is fetched from
#   VOIP_CONFERENCE_ODOO_COMMIT  the commit of its 19.0 branch that is checked out
#   VOIP_CONFERENCE_NO_FETCH     set to 1: never fetch Odoo

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE_PYTHON="${PYTHON:-python3}"
PYTHON="$BASE_PYTHON"
VENV_DIR="${VOIP_CONFERENCE_VENV:-$REPO_DIR/.venv}"
# Odoo 19.0 Community, the official repository, at the commit of its 19.0 branch
# this addon is tested against (a shallow fetch of that one commit). To move
# the pin: a newer commit of https://github.com/odoo/odoo/commits/19.0, then
# ./scripts/test on a machine without Odoo (it fetches that commit).
ODOO_BRANCH="19.0"
ODOO_URL="${VOIP_CONFERENCE_ODOO_URL:-https://github.com/odoo/odoo.git}"
ODOO_PINNED_COMMIT="1a13ceeaee12fe5cc50f287c31f217d4be2a2eaf"
ODOO_COMMIT="${VOIP_CONFERENCE_ODOO_COMMIT:-$ODOO_PINNED_COMMIT}"
CACHE_DIR="${VOIP_CONFERENCE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/voip_conference}"
ODOO_CACHE_SRC="$CACHE_DIR/odoo-$ODOO_BRANCH"
# The voip_oca release our addon is built and tested against.
VOIP_OCA_REQUIREMENT="${VOIP_OCA_REQUIREMENT:-odoo-addon-voip-oca==19.0.1.0.2}"
# OCA's job queue, for production mode (scripts/run --workers) and its tests.
QUEUE_JOB_REQUIREMENT="${QUEUE_JOB_REQUIREMENT:-odoo-addon-queue-job>=19.0,<19.1}"
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1

say() { printf '\033[1m[voip_conference]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[voip_conference] %s\033[0m\n' "$*" >&2; exit 2; }

# as_root COMMAND...: run as root (directly, or through password-less sudo).
as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    else
        sudo -n "$@"
    fi
}

# missing_debian_packages PKG...: prints those not installed (nothing when
# this is not a Debian-like system).
missing_debian_packages() {
    command -v dpkg-query >/dev/null || return 0
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q "install ok installed" \
            || printf '%s\n' "$pkg"
    done
}

# ensure_debian_packages REASON PKG...: installs the missing ones, one line
# each; stops with the command to type when it cannot.
ensure_debian_packages() {
    local reason="$1" pkg
    shift
    local missing=()
    mapfile -t missing < <(missing_debian_packages "$@")
    [ ${#missing[@]} -eq 0 ] && return 0
    for pkg in "${missing[@]}"; do
        say "Installing the Debian package $pkg ($reason)"
    done
    if [ "$(id -u)" != 0 ] && ! sudo -n true 2>/dev/null; then
        die "Root is needed to install ${missing[*]}: run  sudo apt-get install ${missing[*]}  then this command again."
    fi
    { as_root apt-get update -qq \
        && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends "${missing[@]}" >/dev/null; } \
        || die "apt-get could not install ${missing[*]}: install them (sudo apt-get install ${missing[*]}) and run this command again."
}

pip_install() {
    "$PYTHON" -m pip install --quiet "$@"
}

# pip_install_once NAME MESSAGE PIP-ARGS...: pip install into the virtual
# environment, saying MESSAGE (when not empty) first; skipped when the same
# arguments (and requirement files' contents) were installed there already:
# a second run costs no pip call.
pip_install_once() {
    local name="$1" message="$2" arg key
    shift 2
    key="$(
        printf '%s\n' "$@"
        for arg in "$@"; do [ -f "$arg" ] && cat "$arg"; done
    )"
    key="$(printf '%s' "$key" | sha256sum | cut -d' ' -f1)"
    local stamp="$VENV_DIR/.voip_conference/$name"
    if [ "$(cat "$stamp" 2>/dev/null)" = "$key" ]; then
        return 0
    fi
    [ -n "$message" ] && say "$message"
    pip_install "$@" || return 1
    mkdir -p "$(dirname "$stamp")" && printf '%s\n' "$key" >"$stamp"
}

# console_script NAME: the path of a package's command (ruff's binary, ...):
# the environment's own, or the base Python's that the environment sees
# (`python -m ruff` looks only in the environment's bin/).
console_script() {
    local dir
    for dir in "$VENV_DIR/bin" "$("$BASE_PYTHON" -c 'import sysconfig; print(sysconfig.get_path("scripts"))')"; do
        [ -x "$dir/$1" ] && { printf '%s\n' "$dir/$1"; return 0; }
    done
    return 1
}

no_odoo_message() {
    cat <<MSG
Provide one of:
  - network access to $ODOO_URL, from which Odoo $ODOO_BRANCH is fetched once
    (or VOIP_CONFERENCE_ODOO_URL=<a mirror or a local clone> holding commit $ODOO_COMMIT,
    or VOIP_CONFERENCE_ODOO_COMMIT=<another commit of its $ODOO_BRANCH branch>);
  - ODOO_PATH=/path/to/odoo-$ODOO_BRANCH, an Odoo $ODOO_BRANCH source tree (the folder with
    odoo-bin and addons/, for instance $ODOO_CACHE_SRC copied from another machine);
  - an Odoo 19.0 installed for $BASE_PYTHON, so that \`$BASE_PYTHON -c "import odoo"\` works.
MSG
}

# fetch_odoo: the pinned commit of Odoo's 19.0 branch in $ODOO_CACHE_SRC, a
# shallow clone fetched once and reused. Stops at once, saying what to
# provide, when the repository cannot be reached.
fetch_odoo() {
    local src="$ODOO_CACHE_SRC"
    if [ -f "$src/odoo/release.py" ] \
        && [ "$(git -C "$src" rev-parse HEAD 2>/dev/null)" = "$ODOO_COMMIT" ]; then
        return 0
    fi
    [[ "$ODOO_COMMIT" =~ ^[0-9a-f]{40}$ ]] \
        || die "VOIP_CONFERENCE_ODOO_COMMIT=$ODOO_COMMIT is not a full commit id (40 hexadecimal digits)."
    ensure_debian_packages "to fetch Odoo's source" git ca-certificates
    local err
    err="$(mktemp)"
    # A quick look first: no network fails here in seconds, not in a clone.
    local head
    if ! head="$(GIT_TERMINAL_PROMPT=0 timeout 30 git ls-remote "$ODOO_URL" "refs/heads/$ODOO_BRANCH" 2>"$err")"; then
        local why
        why="$(grep -v '^\s*$' "$err" | head -2 | tr '\n' ' ')"
        rm -f "$err"
        die "No Odoo 19 here, and it cannot be fetched from $ODOO_URL: ${why:-no answer within 30 s}
$(no_odoo_message)"
    fi
    head="${head%%[[:space:]]*}"
    [ -n "$head" ] || { rm -f "$err"; die "$ODOO_URL has no branch $ODOO_BRANCH."; }
    say "Fetching Odoo $ODOO_BRANCH Community, commit ${ODOO_COMMIT:0:12} (the branch is at ${head:0:12}), from $ODOO_URL into $src: once, a few hundred MB; later runs reuse it"
    mkdir -p "$CACHE_DIR"
    # Fetched beside the cache and moved into place when complete: an
    # interrupted fetch never leaves a half tree that looks usable.
    local work="$src.partial"
    rm -rf "$work"
    if [ -d "$src/.git" ]; then
        mv "$src" "$work"
    else
        git init -q "$work" && git -C "$work" remote add origin "$ODOO_URL"
    fi
    git -C "$work" remote set-url origin "$ODOO_URL"
    # git's own progress on a terminal; its errors kept for the message.
    local progress=()
    [ -t 2 ] && progress=(--progress)
    if ! GIT_TERMINAL_PROMPT=0 git -C "$work" fetch "${progress[@]}" --depth 1 origin "$ODOO_COMMIT" \
        2> >(tee "$err" >&2); then
        # A server that refuses to serve a commit by its id: fetch the branch
        # and deepen it until the commit is there.
        local depth
        for depth in 1 50 500; do
            GIT_TERMINAL_PROMPT=0 git -C "$work" fetch --depth "$depth" origin \
                "+refs/heads/$ODOO_BRANCH:refs/remotes/origin/$ODOO_BRANCH" 2>>"$err" || break
            git -C "$work" cat-file -e "$ODOO_COMMIT^{commit}" 2>/dev/null && break
        done
    fi
    if ! git -C "$work" cat-file -e "$ODOO_COMMIT^{commit}" 2>/dev/null \
        || ! git -C "$work" -c advice.detachedHead=false checkout -q --force "$ODOO_COMMIT" 2>>"$err"; then
        local why
        why="$(tr '\r' '\n' <"$err" | grep -iE 'fatal|error' | tail -2 | tr '\n' ' ')"
        rm -rf "$work" "$err"
        die "Commit $ODOO_COMMIT of $ODOO_URL could not be fetched: $why (set VOIP_CONFERENCE_ODOO_COMMIT to a commit of its $ODOO_BRANCH branch)."
    fi
    rm -f "$err"
    [ -f "$work/odoo/release.py" ] || { rm -rf "$work"; die "$ODOO_URL at $ODOO_COMMIT holds no Odoo (no odoo/release.py)."; }
    mv "$work" "$src"
    say "Odoo $ODOO_BRANCH source ready in $src (commit ${ODOO_COMMIT:0:12})"
}

# locate_odoo [no-fetch]: where Odoo 19 comes from. Sets ODOO_ORIGIN to
# "python" (the base Python imports it: used as it is) or "source" (a source
# tree in ODOO_SOURCE: ODOO_PATH, or the fetched one). Returns 1 when there
# is none and fetching is not allowed.
locate_odoo() {
    local fetch="${1:-fetch}" major
    [ -n "${VOIP_CONFERENCE_NO_FETCH:-}" ] && [ "${VOIP_CONFERENCE_NO_FETCH}" != 0 ] && fetch=no-fetch
    if [ -n "${ODOO_PATH:-}" ]; then
        [ -f "$ODOO_PATH/odoo/release.py" ] \
            || die "ODOO_PATH=$ODOO_PATH holds no Odoo source tree (no odoo/release.py)."
        ODOO_SOURCE="$(cd "$ODOO_PATH" && pwd)"
        ODOO_ORIGIN=source
    elif major="$("$BASE_PYTHON" -c 'import odoo.release as r; print(r.version_info[0])' 2>/dev/null)" \
        && [ "$major" = 19 ]; then
        ODOO_SOURCE=""
        ODOO_ORIGIN=python
    elif [ "$fetch" = no-fetch ]; then
        return 1
    else
        # Another Odoo for the base Python is left alone: the environment
        # made for a fetched Odoo does not see it.
        [ -n "$major" ] && say "$BASE_PYTHON imports Odoo $major, not 19: this project gets its own Odoo 19.0"
        fetch_odoo
        ODOO_SOURCE="$ODOO_CACHE_SRC"
        ODOO_ORIGIN=source
    fi
    return 0
}

# ensure_venv MODE: the project's virtual environment, made with
# `$BASE_PYTHON -m venv` when missing. MODE "system": it must see the base
# Python's packages (its Odoo); "isolated": it must not (the base Python has
# another Odoo); "any". PYTHON is then its interpreter.
ensure_venv() {
    local mode="$1"
    local ours="$VENV_DIR/.voip_conference/made-by-scripts"
    if [ -f "$VENV_DIR/pyvenv.cfg" ] && "$VENV_DIR/bin/python" -c '' 2>/dev/null; then
        local sees=isolated
        if grep -qiE '^include-system-site-packages *= *true' "$VENV_DIR/pyvenv.cfg"; then
            sees=system
            # ... and its Odoo 19 imports (a base Python that is itself a
            # virtual environment is seen through a .pth file).
            if [ "$mode" = system ] \
                && ! "$VENV_DIR/bin/python" -c 'import odoo.release as r; assert r.version_info[0] == 19' 2>/dev/null; then
                sees=other
            fi
        fi
        if [ "$mode" = any ] || [ "$mode" = "$sees" ]; then
            PYTHON="$VENV_DIR/bin/python"
            return 0
        fi
        local why="it must see the Odoo installed for $BASE_PYTHON"
        [ "$mode" = isolated ] && why="it must not see the Odoo installed for $BASE_PYTHON"
        [ -f "$ours" ] || die "$VENV_DIR does not fit ($why): remove it, or set VOIP_CONFERENCE_VENV to another folder."
        say "Remaking $VENV_DIR: $why"
        rm -rf "$VENV_DIR"
    elif [ -e "$VENV_DIR" ] && [ ! -f "$ours" ] && [ -n "$(ls -A "$VENV_DIR" 2>/dev/null)" ]; then
        die "$VENV_DIR is not a working virtual environment: remove it, or set VOIP_CONFERENCE_VENV to another folder."
    else
        rm -rf "$VENV_DIR"
    fi
    if ! "$BASE_PYTHON" -c 'import venv, ensurepip' 2>/dev/null; then
        ensure_debian_packages "for python3 -m venv" python3-venv
    fi
    local flags=()
    if [ "$mode" = system ]; then
        flags+=(--system-site-packages)
        say "Creating the virtual environment $VENV_DIR (it sees the Odoo installed for $BASE_PYTHON; nothing is installed into that Python)"
    else
        say "Creating the virtual environment $VENV_DIR"
    fi
    "$BASE_PYTHON" -m venv "${flags[@]}" "$VENV_DIR" || die "$BASE_PYTHON -m venv $VENV_DIR failed."
    mkdir -p "$(dirname "$ours")" && : >"$ours"
    PYTHON="$VENV_DIR/bin/python"
    [ "$mode" = system ] && see_base_environment
    return 0
}

# see_base_environment: when the base Python is itself a virtual environment,
# --system-site-packages shows the interpreter's packages, not that
# environment's: a .pth file adds its site folders (and their .pth files).
see_base_environment() {
    local sites purelib
    sites="$("$BASE_PYTHON" -c 'import site, sys
if sys.prefix != sys.base_prefix:
    print("\n".join(p for p in site.getsitepackages() if p.startswith(sys.prefix)))')"
    [ -n "$sites" ] || return 0
    purelib="$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    local dir
    while IFS= read -r dir; do
        printf 'import site; site.addsitedir(%s)\n' "$("$PYTHON" -c 'import sys; print(repr(sys.argv[1]))' "$dir")"
    done <<<"$sites" >"$purelib/voip_conference_base_environment.pth"
}

# install_odoo_requirements: Odoo's own requirements.txt into the virtual
# environment, with the Debian packages that build the ones without wheels
# (psycopg2, python-ldap).
install_odoo_requirements() {
    local req="$ODOO_SOURCE/requirements.txt"
    [ -f "$req" ] || return 0
    "$PYTHON" -c 'import sys; assert sys.version_info >= (3, 10)' 2>/dev/null \
        || die "Odoo 19 needs Python 3.10 or later; $BASE_PYTHON is $("$PYTHON" -V 2>&1). Set PYTHON to a newer one."
    local build=(build-essential libpq-dev libldap2-dev libsasl2-dev)
    if ! "$PYTHON" -c 'import os, sysconfig; assert os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h"))' 2>/dev/null; then
        build+=(python3-dev)
    fi
    ensure_debian_packages "to build Odoo's Python requirements" "${build[@]}"
    pip_install_once odoo-requirements \
        "Installing Odoo's Python requirements ($req) into $VENV_DIR (once, a few minutes)" -r "$req" \
        || die "Odoo's requirements did not install into $VENV_DIR (pip's message above)."
}

# find_odoo: sets ODOO_ROOT (the folder holding the `odoo` package) and
# ODOO_ADDONS_PATH, or returns 1. ODOO_PATH, when set, names an Odoo 19 source
# tree; otherwise `import odoo` must work with $PYTHON.
find_odoo() {
    if [ -n "${ODOO_PATH:-}" ]; then
        [ -f "$ODOO_PATH/odoo/release.py" ] || die "ODOO_PATH=$ODOO_PATH holds no Odoo source tree (no odoo/release.py)."
        case ":${PYTHONPATH:-}:" in
            *":$ODOO_PATH:"*) ;;
            *) export PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}" ;;
        esac
    fi
    local found
    found="$("$PYTHON" - <<'PY' 2>/dev/null
import os
import odoo.release as r
print(r.version_info[0], os.path.dirname(os.path.dirname(os.path.abspath(r.__file__))))
PY
)" || return 1
    local major="${found%% *}"
    ODOO_ROOT="${found#* }"
    [ "$major" = "19" ] || die "Found Odoo $major at $ODOO_ROOT; voip_conference needs Odoo 19."
    ODOO_ADDONS_PATH="$REPO_DIR"
    if [ -d "$ODOO_ROOT/addons/web" ]; then
        ODOO_ADDONS_PATH="$ODOO_ROOT/addons,$ODOO_ADDONS_PATH"
    fi
    export ODOO_ROOT ODOO_ADDONS_PATH
    return 0
}

# install_addon_deps: the addon's Python dependencies and voip_oca (its wheel
# puts voip_oca in the odoo.addons namespace; --no-deps keeps it from pulling
# Odoo from PyPI), into the virtual environment.
install_addon_deps() {
    pip_install_once addon-requirements "Installing the addon's requirements into $VENV_DIR" \
        -r "$REPO_DIR/requirements.txt" \
        || die "The addon's requirements did not install into $VENV_DIR (pip's message above)."
    if ! "$PYTHON" -c "import importlib.metadata as m; assert m.version('odoo-addon-voip-oca').startswith('19.0.')" 2>/dev/null; then
        say "Installing $VOIP_OCA_REQUIREMENT from PyPI (--no-deps) into $VENV_DIR"
        pip_install --no-deps "$VOIP_OCA_REQUIREMENT" || die "$VOIP_OCA_REQUIREMENT did not install (pip's message above)."
    fi
}

# install_queue_job: OCA queue_job into the virtual environment, as voip_oca
# (its wheel puts it in the odoo.addons namespace; --no-deps keeps it from
# pulling Odoo from PyPI), with its Python dependency openupgradelib.
# Returns 1 when pip fails (its message is above).
install_queue_job() {
    pip_install_once queue-job-requirements "" openupgradelib || return 1
    if ! "$PYTHON" -c "import importlib.metadata as m; assert m.version('odoo-addon-queue-job').startswith('19.0.')" 2>/dev/null; then
        say "Installing $QUEUE_JOB_REQUIREMENT from PyPI (--no-deps) into $VENV_DIR"
        pip_install --no-deps "$QUEUE_JOB_REQUIREMENT" || return 1
    fi
}

# bootstrap [no-fetch]: Odoo 19 found or fetched, the virtual environment
# made, the requirements installed. Afterwards PYTHON is the environment's
# interpreter, ODOO_ROOT and ODOO_ADDONS_PATH are set and exported, and so is
# ODOO_PATH for a source tree (scripts started from here reuse it). Returns 1,
# with the environment still made, when there is no Odoo and fetching is off.
bootstrap() {
    "$BASE_PYTHON" -c '' 2>/dev/null \
        || die "No Python here: $BASE_PYTHON does not run (install Debian's python3, or set PYTHON to one)."
    if ! locate_odoo "${1:-fetch}"; then
        ensure_venv any
        return 1
    fi
    if [ "$ODOO_ORIGIN" = python ]; then
        ensure_venv system
    else
        export ODOO_PATH="$ODOO_SOURCE"
        # The base Python's own Odoo, if any, must not shadow this one.
        if "$BASE_PYTHON" -c 'import odoo' 2>/dev/null; then
            ensure_venv isolated
        else
            ensure_venv any
        fi
        install_odoo_requirements
    fi
    find_odoo || die "The Odoo in ${ODOO_SOURCE:-$BASE_PYTHON} does not import with $PYTHON."
    install_addon_deps
    ensure_gevent
    write_odoo_launcher
    return 0
}

# ensure_gevent: Odoo's websocket process (prefork mode) starts with
# gevent's monkey.patch_all(), which loads gevent's plugins through
# pkg_resources. The setuptools that venv seeds (65 on Python 3.11) cannot
# find zope.interface 7 and later by their dist-info names
# (DistributionNotFound): a newer one, below Odoo's bound of 81, can.
ensure_gevent() {
    "$PYTHON" -c 'import gevent' 2>/dev/null || return 0
    "$PYTHON" -c 'from gevent import monkey; monkey.patch_all()' 2>/dev/null && return 0
    pip_install_once gevent-setuptools \
        "Installing a setuptools that gevent's plugins load with, into $VENV_DIR" \
        "setuptools>=70,<81" \
        || say "setuptools did not install into $VENV_DIR (pip's message above): Odoo runs, but not in production mode (--workers)."
}

# write_odoo_launcher: ODOO_BIN, Odoo's command line as a script file. A
# prefork Odoo starts its websocket (gevent) process again from sys.argv[0]:
# with `python -m odoo` that is odoo/__main__.py, which cannot run alone
# ("attempted relative import with no known parent package").
write_odoo_launcher() {
    ODOO_BIN="$VENV_DIR/.voip_conference/odoo-bin"
    mkdir -p "$(dirname "$ODOO_BIN")"
    printf '%s\n' '#!/usr/bin/env python3' 'import runpy' '' \
        'runpy.run_module("odoo", run_name="__main__")' >"$ODOO_BIN"
    export ODOO_BIN
}

# ensure_pg: PostgreSQL through its Unix socket as the current user's role,
# created (superuser, needed to create databases and extensions) when
# missing. When no server answers, stops with the command that starts one.
ensure_pg() {
    unset PGHOST PGPORT
    command -v psql >/dev/null || ensure_debian_packages "PostgreSQL's client, psql" postgresql-client
    local out
    if out="$(psql -d postgres -Atqc 'select 1' 2>&1)"; then
        return 0
    fi
    local role
    role="$(id -un)"
    if printf '%s' "$out" | grep -q "role \"$role\" does not exist"; then
        say "Creating the PostgreSQL role $role (superuser: it creates the databases)"
        local create=(psql -d postgres -qc "CREATE ROLE \"$role\" LOGIN SUPERUSER")
        if [ "$(id -u)" = 0 ]; then
            runuser -u postgres -- "${create[@]}" >/dev/null 2>&1
        else
            sudo -n -u postgres "${create[@]}" >/dev/null 2>&1
        fi || die "PostgreSQL runs but has no role $role: run  sudo -u postgres createuser --superuser $role  then this command again."
        return 0
    fi
    die "$(pg_start_hint "$out")"
}

# pg_start_hint PSQL-ERROR: what to type to get a local PostgreSQL server.
pg_start_hint() {
    local sudo="sudo "
    [ "$(id -u)" = 0 ] && sudo=""
    local down=""
    if command -v pg_lsclusters >/dev/null; then
        down="$(pg_lsclusters --no-header 2>/dev/null | awk '$4 != "online" {print $1, $2; exit}')"
    fi
    local first_line
    first_line="$(printf '%s' "$1" | head -1)"
    if [ -n "$down" ]; then
        printf 'No PostgreSQL server answers (%s). Start the local one:  %spg_ctlcluster %s start  then run this command again.' \
            "$first_line" "$sudo" "$down"
    elif command -v pg_lsclusters >/dev/null && [ -n "$(pg_lsclusters --no-header 2>/dev/null)" ]; then
        printf 'PostgreSQL runs but refuses %s (%s): check its pg_hba.conf for local connections.' \
            "$(id -un)" "$first_line"
    else
        printf 'No PostgreSQL server here (%s). Install and start one:  %sapt-get install postgresql && %sservice postgresql start  then run this command again.' \
            "$first_line" "$sudo" "$sudo"
    fi
}

# write_odoo_config FILE: a configuration that keeps Odoo on this machine.
write_odoo_config() {
    cat >"$1" <<CFG
[options]
addons_path = $ODOO_ADDONS_PATH
http_interface = 127.0.0.1
gevent_port = ${VOIP_CONFERENCE_GEVENT_PORT:-8072}
list_db = False
without_demo = False
publisher_warranty_url = http://127.0.0.1:9/publisher-warranty/
CFG
}

# localise_db DB: point Odoo's online services at this machine and switch off
# the scheduled jobs that would call out.
localise_db() {
    psql -d "$1" -qAt >/dev/null <<'SQL'
INSERT INTO ir_config_parameter (key, value, create_date, write_date)
VALUES ('iap.endpoint', 'http://127.0.0.1:9', now(), now()),
       ('iap.partner_autocomplete.endpoint', 'http://127.0.0.1:9', now(), now()),
       ('snailmail.endpoint', 'http://127.0.0.1:9', now(), now())
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;
UPDATE ir_cron SET active = false
 WHERE id IN (SELECT res_id FROM ir_model_data
               WHERE model = 'ir.cron'
                 AND name IN ('ir_cron_module_update_notification',
                              'ir_cron_web_push_notification',
                              'ir_cron_mail_gateway_action'));
SQL
}
