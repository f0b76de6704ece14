# shellcheck shell=bash
# Shared by scripts/run and scripts/test: find Odoo 19, install what the addon
# needs, reach PostgreSQL. Source it, do not run it.

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
export PIP_ROOT_USER_ACTION=ignore
# The voip_oca release our addon is built and tested against.
VOIP_OCA_REQUIREMENT="${VOIP_OCA_REQUIREMENT:-odoo-addon-voip-oca==19.0.1.0.2}"

say() { printf '\033[1m[voip_conference]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[voip_conference] %s\033[0m\n' "$*" >&2; exit 2; }

pip_install() {
    "$PYTHON" -m pip install --quiet --disable-pip-version-check "$@"
}

# find_odoo: sets ODOO_ROOT (the folder holding the `odoo` package) and
# ODOO_ADDONS_PATH, or returns 1. ODOO_PATH, when set, names an Odoo 19 source
# tree; otherwise `import odoo` must work with $PYTHON.
find_odoo() {
    if [ -n "${ODOO_PATH:-}" ]; then
        [ -f "$ODOO_PATH/odoo/release.py" ] || die "ODOO_PATH=$ODOO_PATH holds no Odoo source tree (no odoo/release.py)."
        export PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}"
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

no_odoo_message() {
    cat <<MSG
No Odoo 19 found for $PYTHON.
Provide one of:
  - an Odoo 19.0 installed for this Python, so that \`$PYTHON -c "import odoo"\` works
    (for instance \`pip install -e /path/to/odoo-19.0\` after its requirements.txt), or
  - ODOO_PATH=/path/to/odoo-19.0-source (the folder with odoo-bin and addons/),
    with Odoo's own requirements installed for $PYTHON.
MSG
}

# install_addon_deps: the addon's Python dependencies and voip_oca (its wheel
# puts voip_oca in the odoo.addons namespace; --no-deps keeps it from pulling
# Odoo from PyPI).
install_addon_deps() {
    pip_install -r "$REPO_DIR/requirements.txt"
    if ! "$PYTHON" -c "import importlib.metadata as m; assert m.version('odoo-addon-voip-oca').startswith('19.0.')" 2>/dev/null; then
        say "Installing $VOIP_OCA_REQUIREMENT from PyPI (--no-deps)"
        pip_install --no-deps "$VOIP_OCA_REQUIREMENT"
    fi
}

# ensure_pg: PostgreSQL through its Unix socket as the current user's role,
# created (superuser, needed to create databases and extensions) when missing.
ensure_pg() {
    unset PGHOST PGPORT
    if psql -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
        return 0
    fi
    local role
    role="$(id -un)"
    say "Creating the PostgreSQL role $role"
    psql -U postgres -d postgres -qc "CREATE ROLE \"$role\" LOGIN SUPERUSER" >/dev/null 2>&1 \
        || psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE ROLE \"$role\" LOGIN SUPERUSER" >/dev/null 2>&1 \
        || die "Cannot reach PostgreSQL as $role nor create that role: start PostgreSQL or grant a role to $role."
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
       ('partner_autocomplete.endpoint', 'http://127.0.0.1:9', now(), now()),
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
