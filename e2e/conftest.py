"""The end-to-end stack, started once for the session and stopped by pid.

Order: the packet capture, rtpengine, Kamailio, the far end (SIPp), Odoo (a
new database, then the server), the browser (which places every call); then
everything is stopped, the capture is read, and the tests judge each case
from what the far end saw.
"""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
import xmlrpc.client
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import far_end  # noqa: E402
from stack import (  # noqa: E402
    HERE,
    KAMAILIO_MODULES,
    REPO,
    Process,
    StackError,
    free_port,
    free_udp_port,
    listening_sockets,
    render,
    which,
)

LOGIN = "admin"
PASSWORD = "admin"
RECEPTIONIST_DELAY_S = 1.5
RING_MS = 800
ACCESS_CODE = "1234"
KEYPAD_TYPED = "1234#"
KEYPAD_CLICKED = "5678901234"
ONE_TAP = f"8001,,{ACCESS_CODE}#"
# A one-tap line as invitations write it: E.164 number, a label after it.
LABEL_ONE_TAP = f"+32 2 555 01 00,,{ACCESS_CODE}# BE (Brussels)"
CASES = [
    "rfc4733",
    "info",
    "no_code",
    "hangup_early",
    "keypad_typed",
    "keypad_clicked",
    "one_tap",
    "double_click",
    "join_in_call",
    "microphone_refused",
    "label_one_tap",
]


class Run:
    """What one run of the stack produced, for the tests to judge."""

    def __init__(self):
        self.events = []
        self.calls = []  # far_end.Call, in order
        self.by_case = {}  # case -> far_end.Call or None
        self.rows = {}  # case -> final voip.call row
        self.left_listening = None
        self.timings = {}
        self.browser_log = ""
        self.rooms = {}

    def case_events(self, case, event=None):
        return [
            e
            for e in self.events
            if e.get("case") == case and (event is None or e["event"] == event)
        ]


def _in_private_namespace():
    links = subprocess.run(
        ["ip", "-o", "link", "show"], capture_output=True, text=True, check=False
    ).stdout.splitlines()
    return len(links) == 1 and ": lo:" in links[0]


def _odoo_config(path, data_dir, http_port):
    addons = os.environ["VOIP_CONFERENCE_ADDONS_PATH"]
    # No db_host/db_port: PostgreSQL through its Unix socket only.
    path.write_text(
        "[options]\n"
        f"addons_path = {addons}\n"
        f"data_dir = {data_dir}\n"
        "http_interface = 127.0.0.1\n"
        f"http_port = {http_port}\n"
        f"gevent_port = {free_port()}\n"
        "workers = 0\n"
        "max_cron_threads = 0\n"
        "list_db = False\n"
        "log_level = warn\n"
        "publisher_warranty_url = http://127.0.0.1:9/\n"
    )
    return path


def _seed(url, db, ws_port):
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
    uid = common.authenticate(db, LOGIN, PASSWORD, {})
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def call(model, method, *args, **kwargs):
        return models.execute_kw(db, uid, PASSWORD, model, method, list(args), kwargs)

    pbx = call(
        "voip.pbx",
        "create",
        {
            "name": "Kamailio (end-to-end)",
            "domain": "127.0.0.1",
            "ws_server": f"ws://127.0.0.1:{ws_port}",
            "mode": "prod",
            "pbx_backend": "none",
            "conference_receptionist_delay": RECEPTIONIST_DELAY_S,
            "conference_dtmf_method": "auto",
            "ice_servers": False,
        },
    )
    code_room = call(
        "voip.conference",
        "create",
        {
            "name": "E2E Code Room",
            "extension": "8001",
            "access_code": ACCESS_CODE,
            "pbx_id": pbx,
        },
    )
    plain_room = call(
        "voip.conference",
        "create",
        {"name": "E2E Open Room", "extension": "8002", "pbx_id": pbx},
    )
    partner = call("res.partner", "create", {"name": "E2E One-Tap", "phone": ONE_TAP})
    label_partner = call(
        "res.partner", "create", {"name": "E2E Label", "phone": LABEL_ONE_TAP}
    )
    call(
        "res.users",
        "write",
        [uid],
        {"voip_pbx_id": pbx, "voip_username": "alice", "voip_password": "e2e-secret"},
    )
    return {
        "call": call,
        "pbx": pbx,
        "rooms": {
            "code": {"id": code_room, "name": "E2E Code Room"},
            "plain": {"id": plain_room, "name": "E2E Open Room"},
        },
        "partner": partner,
        "label_partner": label_partner,
    }


def _wait_http(proc, url, timeout=60):
    def ok():
        try:
            with urllib.request.urlopen(f"{url}/web/login", timeout=2) as resp:
                return resp.status == 200
        except OSError:
            return False

    proc.wait_until(ok, "serve /web/login", timeout)


@pytest.fixture(scope="session")
def odoo_database(tmp_path_factory):
    """(database, data directory) with voip_conference installed, shared by
    every case of the tier: the install is its slowest step. Developers may
    name one that exists (VOIP_CONFERENCE_E2E_DATABASE and _DATA_DIR)."""
    reuse = os.environ.get("VOIP_CONFERENCE_E2E_DATABASE")
    if reuse:
        yield reuse, os.environ["VOIP_CONFERENCE_E2E_DATA_DIR"]
        return
    if not _in_private_namespace():
        pytest.fail("The end-to-end tier runs only in a private network namespace.")
    work = tmp_path_factory.mktemp("odoo")
    db = f"voip_conference_e2e_{os.getpid()}"
    env = {k: v for k, v in os.environ.items() if k not in ("PGHOST", "PGPORT")}
    conf = _odoo_config(work / "odoo.conf", work / "data", free_port())
    install = Process(
        "odoo-install",
        [sys.executable, "-m", "odoo", "-c", conf, "-d", db]
        + ["-i", "voip_conference", "--stop-after-init"],
        work,
        env=env,
        cwd=work,
    ).start()
    try:
        install.popen.wait(240)
    finally:
        install.stop()
    if install.popen.returncode:
        install.fail(f"exited with {install.popen.returncode}")
    yield db, work / "data"
    subprocess.run(["dropdb", "--if-exists", db], env=env, check=False)
    shutil.rmtree(work / "data", ignore_errors=True)


@pytest.fixture(scope="session")
def run(tmp_path_factory, odoo_database):
    if not _in_private_namespace():
        pytest.fail(
            "The end-to-end tier runs only in a private network namespace "
            "(only lo): start it with scripts/e2e."
        )
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    work = tmp_path_factory.mktemp("e2e")
    result = Run()
    started = []
    t0 = time.monotonic()

    def start(proc):
        started.append(proc)
        return proc.start()

    ws_port, sip_port, http_port = free_port(), free_udp_port(), free_port()
    far_port, media_port, ng_port = free_udp_port(), free_udp_port(), free_udp_port()
    db, data_dir = odoo_database
    python = sys.executable
    env = {k: v for k, v in os.environ.items() if k not in ("PGHOST", "PGPORT")}
    try:
        pcap = work / "capture.pcapng"
        tshark = start(
            Process(
                "tshark",
                [
                    which("tshark"),
                    "-n",
                    "-i",
                    "lo",
                    "-w",
                    pcap,
                    "-f",
                    # The far end's SIP and RTP, and the browser's SIP over
                    # WebSocket (read when a case fails).
                    f"udp port {far_port} or udp dst port {media_port}"
                    f" or tcp port {ws_port}",
                ],
                work,
            )
        )
        tshark.wait_log("Capturing on", 30)
        rtpengine = start(
            Process(
                "rtpengine",
                [
                    which("rtpengine"),
                    "--config-file=none",
                    "--foreground",
                    "--log-stderr",
                    "--log-level=5",
                    "--table=-1",
                    "--interface=127.0.0.1",
                    f"--listen-ng=127.0.0.1:{ng_port}",
                    "--port-min=40000",
                    "--port-max=40999",
                    f"--pidfile={work / 'rtpengine.pid'}",
                ],
                work,
            )
        )
        rtpengine.wait_udp_bound(ng_port)
        kamailio_cfg = render(
            HERE / "kamailio.cfg",
            work / "kamailio.cfg",
            SIP_PORT=sip_port,
            WS_PORT=ws_port,
            FAR_END_PORT=far_port,
            RTPENGINE_NG_PORT=ng_port,
            MODULES=KAMAILIO_MODULES,
        )
        kamailio = start(
            Process(
                "kamailio",
                [
                    which("kamailio"),
                    "-DD",
                    "-E",
                    "-f",
                    kamailio_cfg,
                    "-Y",
                    work,
                    "-P",
                    work / "kamailio.pid",
                ],
                work,
            )
        )
        kamailio.wait_tcp(ws_port)
        scenario = render(
            HERE / "far_end.xml",
            work / "far_end.xml",
            RING_MS=RING_MS,
            MEDIA_PORT=media_port,
        )
        sipp = start(
            Process(
                "sipp",
                [
                    which("sipp"),
                    "-sf",
                    scenario,
                    "-i",
                    "127.0.0.1",
                    "-p",
                    far_port,
                    "-mi",
                    "127.0.0.1",
                    "-mp",
                    media_port,
                    "-t",
                    "u1",
                    "-nostdin",
                    "-trace_err",
                ],
                work,
                env={**env, "TERM": "dumb"},
                cwd=work,
            )
        )
        sipp.wait_udp_bound(far_port)
        result.timings["sip stack"] = time.monotonic() - t0

        conf = _odoo_config(work / "odoo.conf", data_dir, http_port)
        result.timings["odoo database"] = time.monotonic() - t0
        odoo = start(
            Process(
                "odoo",
                [python, "-m", "odoo", "-c", conf, "-d", db, "--db-filter", f"^{db}$"],
                work,
                env=env,
                cwd=work,
            )
        )
        url = f"http://127.0.0.1:{http_port}"
        _wait_http(odoo, url)
        seed = _seed(url, db, ws_port)
        result.rooms = seed["rooms"]
        result.timings["odoo server"] = time.monotonic() - t0

        browser_config = work / "browser.json"
        browser_config.write_text(
            json.dumps(
                {
                    "base_url": url,
                    "work_dir": str(work),
                    "chromium": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                    "login": LOGIN,
                    "password": PASSWORD,
                    "pbx_id": seed["pbx"],
                    "rooms": seed["rooms"],
                    "partner_id": seed["partner"],
                    "label_partner_id": seed["label_partner"],
                    "cases": [
                        case
                        for case in CASES
                        if case in os.environ.get("VOIP_CONFERENCE_E2E_CASES", case)
                    ],
                    "delay_ms": int(RECEPTIONIST_DELAY_S * 1000),
                    "tones_ms": 1500,
                    "settle_ms": 500,
                    "keypad_typed": KEYPAD_TYPED,
                    "keypad_clicked": KEYPAD_CLICKED,
                    "labels": {
                        "waiting": "Waiting for the receptionist",
                        "sent": "Access code sent",
                        "busy": "A call is in progress",
                        "failed": "Failed to establish the call",
                    },
                }
            )
        )
        browser = start(
            Process(
                "browser",
                ["node", HERE / "browser.mjs", browser_config],
                work,
                env={**env, "NODE_PATH": str(REPO / "node_modules")},
                cwd=REPO,
            )
        )
        try:
            browser.popen.wait(210)
        except subprocess.TimeoutExpired:
            browser.stop()
            raise StackError("the browser did not finish within 210 s") from None
        result.timings["browser"] = time.monotonic() - t0
        log = browser.log_path.read_text(errors="replace")
        result.browser_log = log
        for line in log.splitlines():
            if line.startswith("{"):
                result.events.append(json.loads(line))
        for case in CASES:
            rows = result.case_events(case, "call_row")
            if rows:
                call_id = rows[-1]["call"]["id"]
                result.rows[case] = seed["call"](
                    "voip.call",
                    "read",
                    [call_id],
                    fields=["state", "start_date", "end_date", "conference_id"],
                )[0]
    finally:
        for proc in reversed(started):
            proc.stop()
    result.left_listening = listening_sockets()
    result.timings["stopped"] = time.monotonic() - t0

    result.calls = far_end.read_capture(pcap, far_port, media_port)
    for case in CASES:
        start_ev = result.case_events(case, "case_start")
        end_ev = result.case_events(case, "case_end")
        if not (start_ev and end_ev):
            result.by_case[case] = None
            continue
        window = (start_ev[0]["t"], end_ev[0]["t"])
        inside = [c for c in result.calls if window[0] <= c.invite <= window[1]]
        result.by_case[case] = inside[0] if len(inside) == 1 else inside or None
    RUNS.append(result)
    return result


RUNS = []


def pytest_terminal_summary(terminalreporter):
    adhoc = sys.modules.get("test_adhoc_conference_e2e")
    if adhoc:
        adhoc.write_summary(terminalreporter)
    if not RUNS:
        return
    run = RUNS[0]
    write = terminalreporter.write_line
    write("")
    write("What the far end saw (times from the far end's 200 OK):")
    for case in CASES:
        call = run.by_case.get(case)
        if not isinstance(call, far_end.Call):
            write(f"  {case:15} no single call: {call!r}")
            continue
        answer = call.answer or call.invite
        events = " ".join(f"{d}@+{t - answer:.3f}s" for t, d in call.events) or "none"
        infos = (
            " ".join(f"{i.digit}@+{i.t - answer:.3f}s/{i.answered}" for i in call.infos)
            or "none"
        )
        bye = f"+{call.bye - answer:.3f}s" if call.bye else "none"
        write(f"  {case:15} answered, BYE at {bye}")
        write(f"  {'':15} RFC 4733: {events}")
        write(f"  {'':15} SIP INFO (digit/answer): {infos}")
    write(
        "Timings (s from start): "
        + ", ".join(f"{k} {v:.1f}" for k, v in run.timings.items())
    )
