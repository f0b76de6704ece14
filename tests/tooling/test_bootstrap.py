# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Tier 1: the README's two commands set up a fresh machine by themselves.

Drives the real ``scripts/run`` and ``scripts/test`` (``scripts/lib.sh``) with
no network: Odoo's official repository is stood in for by a bare git
repository built here from a tiny fake Odoo-like tree (two commits on branch
``19.0``, the first one pinned; no Odoo code), pip is offline (``--no-index``)
and finds the fake requirements as local wheels, and the Python that makes
the virtual environment is one that imports no Odoo. What cannot run here
for real is stood in for on ``PATH`` and records its calls: ``dpkg-query``
and ``apt-get`` (installing Debian packages needs root and a mirror),
``psql``/``dropdb``/``pg_lsclusters`` (a PostgreSQL server that is down) and
Odoo's server in the fake tree (answers ``/web/health``).
"""

import json
import os
import pathlib
import re
import selectors
import signal
import socket
import subprocess
import sys
import textwrap
import time
import zipfile

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
SCRIPTS = REPO / "scripts"

FAKE_RELEASE = """\
version_info = (19, 0, 0, "final", 0, "")
series = "19.0"
"""

# Odoo's server, as far as scripts/run sees it: `python -m odoo server ...`.
FAKE_ODOO_MAIN = """\
import http.server
import json
import os
import pathlib
import signal
import sys
import threading
import time

state = pathlib.Path(os.environ["FAKE_STATE"])
argv = sys.argv[1:]
with open(state / "odoo-calls.log", "a") as log:
    log.write(json.dumps(argv) + "\\n")
# What a prefork Odoo runs again for its websocket process: a script file.
(state / "odoo-argv0").write_text(sys.argv[0])
(state / "odoo-pids").mkdir(exist_ok=True)
(state / "odoo-pids" / str(os.getpid())).write_text("")
signal.signal(signal.SIGTERM, lambda *args: sys.exit(0))
if "--stop-after-init" in argv:
    if "-i" in argv:
        (state / "db-exists").write_text("")
    if os.environ.get("FAKE_SLOW_INSTALL"):
        (state / "installing").write_text("")
        time.sleep(600)
    if "-i" in argv:
        queue_job = argv[argv.index("-i") + 1] == "queue_job"
        (state / ("queue_job-installed" if queue_job else "installed")).write_text("")
    sys.exit(0)
def option(name):
    return next((a.split("=", 1)[1] for a in argv if a.startswith(name + "=")), None)


port = int(option("--http-port"))


class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        ok = self.path == "/web/health"
        self.send_response(200 if ok else 404)
        self.end_headers()
        self.wfile.write(b'{"status": "pass"}' if ok else b"")

    def log_message(self, *args):
        pass


if option("--workers"):  # prefork: the websocket process answers too
    gevent = http.server.HTTPServer(("127.0.0.1", int(option("--gevent-port"))), Health)
    threading.Thread(target=gevent.serve_forever, daemon=True).start()
http.server.HTTPServer(("127.0.0.1", port), Health).serve_forever()
"""

FAKE_BIN = {
    # Every package is installed but those named in FAKE_MISSING_DEBIAN.
    "dpkg-query": """\
        #!/bin/sh
        for pkg; do :; done
        case " $FAKE_MISSING_DEBIAN " in
            *" $pkg "*) [ -e "$FAKE_STATE/apt-installed-$pkg" ] || exit 1 ;;
        esac
        echo "install ok installed"
        """,
    "apt-get": """\
        #!/bin/sh
        echo "$*" >>"$FAKE_STATE/apt-get.log"
        if [ "$1" != update ]; then
            for pkg; do touch "$FAKE_STATE/apt-installed-$pkg"; done
        fi
        """,
    "sudo": """\
        #!/bin/sh
        while [ "${1#-}" != "$1" ]; do [ "$1" = -u ] && shift; shift; done
        exec "$@"
        """,
    "psql": """\
        #!/bin/sh
        echo "$*" >>"$FAKE_STATE/psql.log"
        if [ "$FAKE_PG" = down ]; then
            printf '%s %s\n' 'psql: error: connection to server on socket' \
                '"/run/postgresql/.s.PGSQL.5432" failed: No such file or directory' >&2
            exit 2
        fi
        case "$*" in
            *"'queue_job'"*) [ -e "$FAKE_STATE/queue_job-installed" ] && echo 1 ;;
            *ir_module_module*) [ -e "$FAKE_STATE/installed" ] && echo 1 ;;
            *"-d postgres"*) echo 1 ;;
            *"select 1") [ -e "$FAKE_STATE/db-exists" ] || exit 2; echo 1 ;;
            *) cat >/dev/null ;;
        esac
        exit 0
        """,
    "dropdb": """\
        #!/bin/sh
        echo "$*" >>"$FAKE_STATE/dropdb.log"
        rm -f "$FAKE_STATE/db-exists" "$FAKE_STATE/installed" \\
            "$FAKE_STATE/queue_job-installed"
        """,
    "pg_lsclusters": """\
        #!/bin/sh
        [ -n "$FAKE_CLUSTERS" ] && printf '%s\\n' "$FAKE_CLUSTERS"
        exit 0
        """,
}


def addon_requirements():
    """The distribution names in the repository's requirements.txt."""
    lines = (REPO / "requirements.txt").read_text().splitlines()
    names = (re.split(r"[<>=!~;\[ ]", line.strip(), maxsplit=1)[0] for line in lines)
    return [name for name in names if name and not name.startswith("#")]


def make_wheel(folder, dist, version, files):
    """A pure-Python wheel that pip installs with no index and no build."""
    name = dist.replace("-", "_")
    info = f"{name}-{version}.dist-info"
    entries = dict(files)
    entries[f"{info}/METADATA"] = (
        f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n"
    )
    entries[f"{info}/WHEEL"] = (
        "Wheel-Version: 1.0\nGenerator: test_bootstrap\n"
        "Root-Is-Purelib: true\nTag: py3-none-any\n"
    )
    entries[f"{info}/RECORD"] = "".join(f"{path},,\n" for path in entries) + (
        f"{info}/RECORD,,\n"
    )
    with zipfile.ZipFile(folder / f"{name}-{version}-py3-none-any.whl", "w") as whl:
        for path, text in entries.items():
            whl.writestr(path, text)


def git(*args, cwd=None):
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(cwd or "/")},
    ).stdout.strip()


def commit_all(tree, message):
    git("add", "-A", cwd=tree)
    git(
        "-c",
        "user.name=Test",
        "-c",
        "user.email=test@example.invalid",
        "commit",
        "-q",
        "-m",
        message,
        cwd=tree,
    )
    return git("rev-parse", "HEAD", cwd=tree)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The stand-ins: Odoo's repository, wheels, a Python without Odoo, PATH."""
    root = tmp_path_factory.mktemp("bootstrap")
    # A fake Odoo 19 tree: release, server, requirements, an addon folder.
    tree = root / "odoo-src"
    (tree / "odoo").mkdir(parents=True)
    (tree / "odoo" / "release.py").write_text(FAKE_RELEASE)
    (tree / "odoo" / "__main__.py").write_text(FAKE_ODOO_MAIN)
    (tree / "addons" / "web").mkdir(parents=True)
    (tree / "addons" / "web" / "__manifest__.py").write_text("{'name': 'web'}\n")
    (tree / "requirements.txt").write_text("fake-odoo-dep==1.0\n")
    git("init", "-q", "-b", "19.0", cwd=tree)
    pinned = commit_all(tree, "the pinned commit")
    (tree / "NEWER_THAN_THE_PIN").write_text("a later commit of 19.0\n")
    head = commit_all(tree, "a later commit")
    remote = root / "odoo.git"
    git("clone", "-q", "--bare", str(tree), str(remote), cwd=root)

    wheels = root / "wheels"
    wheels.mkdir()
    make_wheel(wheels, "fake-odoo-dep", "1.0", {"fake_odoo_dep.py": "OK = 1\n"})
    # One stand-in wheel per line of the addon's requirements.txt, whatever
    # it lists: the bootstrap installs that file as it is.
    for dist in addon_requirements():
        module = dist.lower().replace("-", "_")
        make_wheel(wheels, dist, "0.0.1", {f"{module}/__init__.py": ""})
    make_wheel(
        wheels,
        "odoo-addon-voip-oca",
        "19.0.1.0.2",
        {"odoo/addons/voip_oca/__init__.py": ""},
    )
    # Production mode's job queue and its dependency.
    make_wheel(
        wheels,
        "odoo-addon-queue-job",
        "19.0.2.4.0",
        {"odoo/addons/queue_job/__init__.py": ""},
    )
    make_wheel(wheels, "openupgradelib", "3.0", {"openupgradelib/__init__.py": ""})

    # The Python a fresh machine has: it imports no Odoo.
    base = root / "base-python"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(base)], check=True
    )
    base_python = base / "bin" / "python"
    assert subprocess.run([base_python, "-c", "import odoo"]).returncode != 0

    fakebin = root / "bin"
    fakebin.mkdir()
    for name, text in FAKE_BIN.items():
        (fakebin / name).write_text(textwrap.dedent(text))
        (fakebin / name).chmod(0o755)
    return {
        "root": root,
        "url": remote.as_uri(),
        "pinned": pinned,
        "head": head,
        "wheels": wheels,
        "base_python": base_python,
        "fakebin": fakebin,
    }


def environment(world, name, **overrides):
    """The scripts' environment for one scenario: its own state folder."""
    state = world["root"] / name
    state.mkdir(exist_ok=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PIP_", "VOIP_CONFERENCE_", "PG"))
        and key not in ("PYTHONPATH", "ODOO_PATH", "VIRTUAL_ENV", "XDG_CACHE_HOME")
    }
    env.update(
        PATH=f"{world['fakebin']}:{os.environ['PATH']}",
        PYTHON=str(world["base_python"]),
        PIP_CONFIG_FILE=os.devnull,
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS=str(world["wheels"]),
        XDG_CACHE_HOME=str(world["root"] / "xdg-cache"),
        VOIP_CONFERENCE_VENV=str(world["root"] / "venv"),
        VOIP_CONFERENCE_RUN_DIR=str(state / "run"),
        VOIP_CONFERENCE_ODOO_URL=world["url"],
        VOIP_CONFERENCE_ODOO_COMMIT=world["pinned"],
        VOIP_CONFERENCE_DB="vc_bootstrap_test",
        FAKE_STATE=str(state),
        FAKE_PG="up",
        FAKE_CLUSTERS="",
        FAKE_MISSING_DEBIAN="",
    )
    env.update(overrides)
    return env, state


def run(command, env, timeout=180):
    return subprocess.run(
        command,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def lines_with(text, fragment):
    return [line for line in text.splitlines() if fragment in line]


@pytest.fixture(scope="module")
def first_setup(world):
    """A first `scripts/run --setup-only` on the fresh machine."""
    env, state = environment(
        world, "first", FAKE_MISSING_DEBIAN="libpq-dev libsasl2-dev"
    )
    result = run([SCRIPTS / "run", "--setup-only"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result, state


def test_first_run_fetches_the_pinned_commit_into_the_cache(world, first_setup):
    result, _state = first_setup
    checkout = world["root"] / "xdg-cache" / "voip_conference" / "odoo-19.0"
    progress = lines_with(result.stdout, "Fetching Odoo 19.0 Community")
    assert progress == [
        f"\x1b[1m[voip_conference]\x1b[0m Fetching Odoo 19.0 Community, commit "
        f"{world['pinned'][:12]} (the branch is at {world['head'][:12]}), from "
        f"{world['url']} into {checkout}: once, a few hundred MB; later runs reuse it"
    ]
    # The pinned commit, not the branch's head, in a shallow clone.
    assert world["pinned"] != world["head"]
    assert git("rev-parse", "HEAD", cwd=checkout) == world["pinned"]
    assert not (checkout / "NEWER_THAN_THE_PIN").exists()
    assert git("rev-parse", "--is-shallow-repository", cwd=checkout) == "true"
    assert git("rev-list", "--count", "HEAD", cwd=checkout) == "1"
    assert not checkout.with_name("odoo-19.0.partial").exists()
    assert f"Odoo 19 found in {checkout}" in result.stdout
    # Outside the repository: nothing fetched lands in it.
    assert REPO not in checkout.parents


def test_first_run_installs_into_the_virtual_environment_only(world, first_setup):
    result, _state = first_setup
    venv = world["root"] / "venv"
    venv_python = venv / "bin" / "python"
    assert (venv / "pyvenv.cfg").is_file()
    # Odoo's requirements, the addon's and voip_oca, into the environment.
    probe = (
        "import fake_odoo_dep, phonenumbers, requests, importlib.metadata as m;"
        "print(fake_odoo_dep.__file__, m.version('odoo-addon-voip-oca'))"
    )
    found = subprocess.run(
        [venv_python, "-c", probe], capture_output=True, text=True, check=True
    )
    where, voip_oca = found.stdout.split()
    assert pathlib.Path(where).is_relative_to(venv)
    assert voip_oca == "19.0.1.0.2"
    # ... and not into the Python that made it, nor the one running this test.
    for python in (world["base_python"], sys.executable):
        missing = subprocess.run(
            [python, "-c", "import fake_odoo_dep"], capture_output=True
        )
        assert missing.returncode != 0
    assert lines_with(result.stdout, "Creating the virtual environment") == [
        f"\x1b[1m[voip_conference]\x1b[0m Creating the virtual environment {venv}"
    ]
    assert lines_with(result.stdout, "Installing Odoo's Python requirements")


def test_missing_debian_packages_one_line_each(world, first_setup):
    result, state = first_setup
    assert lines_with(result.stdout, "Installing the Debian package") == [
        "\x1b[1m[voip_conference]\x1b[0m Installing the Debian package "
        f"{pkg} (to build Odoo's Python requirements)"
        for pkg in ("libpq-dev", "libsasl2-dev")
    ]
    apt = (state / "apt-get.log").read_text().splitlines()
    assert apt[0] == "update -qq"
    assert apt[1].endswith(
        "install -y -qq --no-install-recommends libpq-dev libsasl2-dev"
    )
    assert len(apt) == 2


def test_second_run_reuses_everything_without_network(world, first_setup):
    # The repository is unreachable now: the cached checkout is enough.
    env, state = environment(
        world,
        "second",
        VOIP_CONFERENCE_ODOO_URL="http://127.0.0.1:9/odoo.git",
        FAKE_MISSING_DEBIAN="libpq-dev",
    )
    result = run([SCRIPTS / "run", "--setup-only"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    for again in (
        "Fetching",
        "Creating the virtual environment",
        "Installing Odoo's",
        "Installing the addon's",
        "Installing odoo-addon-voip-oca",
    ):
        assert again not in result.stdout
    # A package still missing is installed, once, whatever else is cached.
    assert lines_with(result.stdout, "Debian package") == [
        "\x1b[1m[voip_conference]\x1b[0m Installing the Debian package "
        "libpq-dev (to build Odoo's Python requirements)"
    ]


def python_with_odoo(world, name, major):
    """A base Python whose site-packages hold an Odoo of version MAJOR."""
    base = world["root"] / name
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(base)], check=True
    )
    python = base / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (pathlib.Path(purelib) / "odoo").mkdir()
    (pathlib.Path(purelib) / "odoo" / "release.py").write_text(
        FAKE_RELEASE.replace("(19,", f"({major},")
    )
    return python, pathlib.Path(purelib)


def test_an_odoo_19_the_python_imports_is_used_and_nothing_fetched(world):
    python, purelib = python_with_odoo(world, "python-with-odoo-19", 19)
    before = sorted(p.name for p in purelib.iterdir())
    venv = world["root"] / "venv-system-odoo"
    env, state = environment(
        world,
        "system-odoo",
        PYTHON=str(python),
        VOIP_CONFERENCE_VENV=str(venv),
        VOIP_CONFERENCE_ODOO_URL="http://127.0.0.1:9/odoo.git",
    )
    env["XDG_CACHE_HOME"] = str(state / "cache")
    result = run([SCRIPTS / "run", "--setup-only"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Fetching" not in result.stdout
    assert not (state / "cache").exists()
    assert f"Odoo 19 found in {purelib}" in result.stdout
    # The environment sees that Odoo (through a .pth file: that Python is
    # itself a virtual environment here).
    assert "include-system-site-packages = true" in (venv / "pyvenv.cfg").read_text()
    assert lines_with(result.stdout, "Creating the virtual environment") == [
        f"\x1b[1m[voip_conference]\x1b[0m Creating the virtual environment {venv} "
        f"(it sees the Odoo installed for {python}; nothing is installed into "
        "that Python)"
    ]
    imported = [venv / "bin" / "python", "-c", "import phonenumbers, odoo.release"]
    assert subprocess.run(imported).returncode == 0
    # Nothing went into that Python.
    assert sorted(p.name for p in purelib.iterdir()) == before


def test_another_odoo_of_the_python_is_left_alone(world, first_setup):
    python, _purelib = python_with_odoo(world, "python-with-odoo-17", 17)
    venv = world["root"] / "venv-odoo-17"
    # An environment these scripts made earlier, seeing the base Python's.
    subprocess.run(
        [python, "-m", "venv", "--without-pip", "--system-site-packages", str(venv)],
        check=True,
    )
    (venv / ".voip_conference").mkdir()
    (venv / ".voip_conference" / "made-by-scripts").write_text("")
    env, _state = environment(
        world, "odoo-17", PYTHON=str(python), VOIP_CONFERENCE_VENV=str(venv)
    )
    result = run([SCRIPTS / "run", "--setup-only"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{python} imports Odoo 17, not 19: this project gets its own" in (
        result.stdout
    )
    assert f"Remaking {venv}: it must not see the Odoo installed for" in (result.stdout)
    checkout = world["root"] / "xdg-cache" / "voip_conference" / "odoo-19.0"
    assert f"Odoo 19 found in {checkout}" in result.stdout
    assert "include-system-site-packages = false" in ((venv / "pyvenv.cfg").read_text())


@pytest.mark.parametrize(
    "url", ["file:///nonexistent/odoo.git", "http://127.0.0.1:9/odoo.git"]
)
@pytest.mark.parametrize("command", ["run", "test"])
def test_no_network_stops_at_once_saying_what_to_provide(world, url, command):
    env, state = environment(
        world,
        f"offline-{command}-{url.split(':')[0]}",
        VOIP_CONFERENCE_ODOO_URL=url,
        VOIP_CONFERENCE_VENV=str(world["root"] / f"venv-offline-{command}"),
    )
    env["XDG_CACHE_HOME"] = str(state / "cache")
    result = run([SCRIPTS / command], env, timeout=60)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"No Odoo 19 here, and it cannot be fetched from {url}:" in result.stderr
    for remedy in (
        f"network access to {url}",
        "VOIP_CONFERENCE_ODOO_URL=",
        "ODOO_PATH=/path/to/odoo-19.0",
        'import odoo"` works',
    ):
        assert remedy in result.stderr
    # Stopped before anything else: no environment, no half checkout, no tier.
    assert not pathlib.Path(env["VOIP_CONFERENCE_VENV"]).exists()
    assert not (state / "cache" / "voip_conference" / "odoo-19.0").exists()
    assert not (state / "cache" / "voip_conference" / "odoo-19.0.partial").exists()
    assert "──" not in result.stdout


def test_no_fetch_and_no_python_say_what_to_provide(world):
    env, state = environment(world, "no-fetch", VOIP_CONFERENCE_NO_FETCH="1")
    env["XDG_CACHE_HOME"] = str(state / "cache")
    result = run([SCRIPTS / "run", "--setup-only"], env, timeout=60)
    assert result.returncode == 2
    assert "No Odoo 19 here, and fetching it is off" in result.stderr
    assert "ODOO_PATH=/path/to/odoo-19.0" in result.stderr
    assert not (state / "cache" / "voip_conference").exists()

    env["PYTHON"] = str(state / "no-such-python")
    result = run([SCRIPTS / "run", "--setup-only"], env, timeout=60)
    assert result.returncode == 2
    assert f"No Python here: {env['PYTHON']} does not run" in result.stderr


def test_a_commit_the_repository_lacks_is_reported(world):
    env, state = environment(
        world,
        "bad-commit",
        VOIP_CONFERENCE_ODOO_COMMIT="0123456789abcdef0123456789abcdef01234567",
    )
    env["XDG_CACHE_HOME"] = str(state / "cache")
    result = run([SCRIPTS / "run", "--setup-only"], env, timeout=60)
    assert result.returncode == 2
    assert (
        "Commit 0123456789abcdef0123456789abcdef01234567 of "
        f"{world['url']} could not be fetched" in result.stderr
    )
    assert not (state / "cache" / "voip_conference" / "odoo-19.0").exists()
    assert not (state / "cache" / "voip_conference" / "odoo-19.0.partial").exists()


@pytest.mark.parametrize(
    "clusters, hint",
    [
        (
            "15 main 5432 down postgres /var/lib/postgresql/15/main "
            "/var/log/postgresql/postgresql-15-main.log",
            "pg_ctlcluster 15 main start",
        ),
        ("", "apt-get install postgresql && "),
    ],
)
def test_postgresql_down_says_how_to_start_it(world, first_setup, clusters, hint):
    env, _state = environment(world, "pg-down", FAKE_PG="down", FAKE_CLUSTERS=clusters)
    result = run([SCRIPTS / "run", "--setup-only"], env, timeout=60)
    assert result.returncode == 2
    assert "No PostgreSQL server" in result.stderr
    assert hint in result.stderr
    assert "then run this command again" in result.stderr


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def read_until(proc, fragment, timeout=60):
    """stdout of PROC up to the first line holding FRAGMENT (unbuffered)."""
    fd = proc.stdout.fileno()
    selector = selectors.DefaultSelector()
    selector.register(fd, selectors.EVENT_READ)
    seen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not selector.select(timeout=1):
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        seen += chunk
        text = seen.decode(errors="replace")
        if fragment in text and text.endswith("\n"):
            return text
    raise AssertionError(f"{fragment!r} never came; output:\n{seen.decode()}")


def alive(pid):
    try:
        status = pathlib.Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def press_ctrl_c(proc):
    """What a terminal does on Ctrl-C: SIGINT to the foreground group."""
    os.killpg(proc.pid, signal.SIGINT)
    return proc.wait(timeout=30)


def port_is_free(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def as_from_a_terminal():
    """SIGINT as a terminal's shell leaves it: a test run in the background
    (SIGINT ignored) would otherwise pass that on, and Ctrl-C could not be
    pressed."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_run(env, *args):
    return subprocess.Popen(
        [SCRIPTS / "run", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=as_from_a_terminal,
    )


def odoo_calls(state):
    lines = (state / "odoo-calls.log").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_run_serves_says_where_to_click_and_ctrl_c_stops_it(world, first_setup):
    port = free_port()
    env, state = environment(world, "serve", VOIP_CONFERENCE_PORT=str(port))
    proc = start_run(env)
    try:
        output = read_until(proc, "Ctrl-C stops Odoo")
    finally:
        code = press_ctrl_c(proc)
    url = f"http://127.0.0.1:{port}/odoo/action-voip_conference.voip_conference_action"
    assert f"Odoo is ready: {url}" in output
    assert "Log in as admin / admin" in output
    assert 'click Join on the card of the room "Sales weekly"' in output
    assert "Creating the database vc_bootstrap_test" in output
    calls = odoo_calls(state)
    assert "-i" in calls[0] and "--stop-after-init" in calls[0]
    assert "-i" not in calls[1] and f"--http-port={port}" in calls[1]
    # Ctrl-C stopped everything it started.
    assert code == 130
    pids = [int(p.name) for p in (state / "odoo-pids").iterdir()]
    assert len(pids) == 2
    assert not [pid for pid in pids if alive(pid)]
    assert port_is_free(port)

    # A second run reuses the database: no install, straight to serving.
    proc = start_run(env)
    try:
        output = read_until(proc, "Ctrl-C stops Odoo")
    finally:
        code = press_ctrl_c(proc)
    assert "Reusing the database vc_bootstrap_test" in output
    assert "Creating" not in output and "Installing" not in output, output
    calls = odoo_calls(state)
    assert len(calls) == 3 and "-i" not in calls[2]
    assert code == 130
    assert not [p.name for p in (state / "odoo-pids").iterdir() if alive(int(p.name))]


def test_ctrl_c_while_creating_the_database_drops_it(world, first_setup):
    port = free_port()
    env, state = environment(
        world, "interrupted", VOIP_CONFERENCE_PORT=str(port), FAKE_SLOW_INSTALL="1"
    )
    proc = start_run(env)
    try:
        read_until(proc, "Creating the database")
        deadline = time.monotonic() + 30
        while not (state / "installing").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        code = press_ctrl_c(proc)
    rest = proc.stdout.read().decode()
    assert code == 130
    assert "Dropping the half-created database vc_bootstrap_test" in rest
    assert "vc_bootstrap_test" in (state / "dropdb.log").read_text()
    pids = [int(p.name) for p in (state / "odoo-pids").iterdir()]
    assert pids and not [pid for pid in pids if alive(pid)]


def test_ctrl_c_while_installing_into_an_existing_database_keeps_it(world, first_setup):
    port = free_port()
    env, state = environment(
        world, "existing-db", VOIP_CONFERENCE_PORT=str(port), FAKE_SLOW_INSTALL="1"
    )
    # A database of the user's, without the addon.
    (state / "db-exists").write_text("")
    proc = start_run(env)
    try:
        output = read_until(proc, "Installing voip_conference")
        deadline = time.monotonic() + 30
        while not (state / "installing").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        code = press_ctrl_c(proc)
    output += proc.stdout.read().decode()
    assert code == 130
    assert "into the existing database vc_bootstrap_test" in output
    assert "Creating the database" not in output and "Dropping" not in output
    assert not (state / "dropdb.log").exists()
    assert (state / "db-exists").exists()
    pids = [int(p.name) for p in (state / "odoo-pids").iterdir()]
    assert pids and not [pid for pid in pids if alive(pid)]


def test_production_mode_runs_prefork_with_its_websocket_process(world, first_setup):
    port, gevent_port = free_port(), free_port()
    env, state = environment(
        world,
        "prefork",
        VOIP_CONFERENCE_PORT=str(port),
        VOIP_CONFERENCE_GEVENT_PORT=str(gevent_port),
    )
    proc = start_run(env, "--workers", "2")
    try:
        output = read_until(proc, "Ctrl-C stops Odoo")
    finally:
        code = press_ctrl_c(proc)
    assert f"websocket process on port {gevent_port}" in output
    assert "route /websocket" in output
    served = odoo_calls(state)[-1]
    assert "--workers=2" in served and f"--gevent-port={gevent_port}" in served
    # OCA queue_job installed into the database once, its job runner loaded
    # with the server and given the addon's channel.
    installs = [call for call in odoo_calls(state) if "-i" in call]
    assert ["queue_job"] == [call[call.index("-i") + 1] for call in installs][-1:]
    config = pathlib.Path(served[served.index("-c") + 1]).read_text()
    assert "server_wide_modules = base,web,queue_job" in config
    assert "channels = root:2,root.voip_conference:2" in config
    # Not `python -m odoo` (odoo/__main__.py), which the websocket process
    # cannot be started again from.
    argv0 = pathlib.Path((state / "odoo-argv0").read_text())
    assert argv0.name != "__main__.py" and argv0.is_file()
    assert code == 130
    assert port_is_free(port) and port_is_free(gevent_port)


def test_workers_must_be_a_number(world, first_setup):
    env, _state = environment(world, "prefork-bad")
    proc = start_run(env, "--workers", "two")
    output = proc.communicate(timeout=120)[0].decode()
    assert proc.returncode == 2
    assert "--workers needs a number of processes" in output
