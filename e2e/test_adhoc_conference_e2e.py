"""A conference from a call on a real SIP stack, judged by what each far
end heard.

The host is the real widget in Chromium (SIP.js over WebSocket to Kamailio,
media through rtpengine), whose fake microphone plays 440 Hz; the far ends
are baresip processes playing 650 Hz (A), 1,020 Hz (B) and 1,330 Hz (C);
B rings until told to answer (the single-step case), A and C answer at once.
The capture gives every SIP message and the G.711 each far end received;
e2e/tones.py says which tones are in it, window by window (the browser
marks the windows).
"""

import dataclasses
import json
import os
import subprocess
import sys
import time
import xmlrpc.client
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import tones  # noqa: E402
from baresip_far_end import FarEnd, sip_messages  # noqa: E402

# The host's mix is judged like a far end's audio (adhoc_browser.mjs reads it
# as a median over short windows, which a jitter buffer's phase jump does not
# cancel).
HOST_HEARD_DB = tones.HEARD_DB
from conftest import (  # noqa: E402
    LOGIN,
    PASSWORD,
    _in_private_namespace,
    _odoo_config,
    _wait_http,
)
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

HOST, A, B, C = tones.HOST_HZ, tones.A_HZ, tones.B_HZ, tones.C_HZ
VOICES = (HOST, A, B, C)
CASES = [
    "single_step",
    "consult_leave",
    "end_all",
    "held_rule",
    "glare",
    "early_merge",
    "leave_hangup",
    "room_no_hold",
]
FAR_ENDS = [
    FarEnd("A", "2001", 25060, 26060, (12000, 12099), A),
    # B rings until the browser tells it to answer (once: baresip 1.0's
    # "accept" does not answer a second incoming call).
    FarEnd("B", "2002", 25070, 26070, (12100, 12199), B, auto_answer=False),
    FarEnd("C", "2003", 25080, 26080, (12200, 12299), C),
]


@dataclasses.dataclass
class SippFarEnd:
    """A far end that plays a SIP scenario (SIPp): the cases of issue 24."""

    name: str
    number: str
    sip_port: int
    media_port: int
    scenario: str  # a file in e2e/


EARLY_MS = 3000  # E's early media (183) before it answers
SIPP_FAR_ENDS = [
    # D answers the host's hold re-INVITE with 491 once (glare).
    SippFarEnd("D", "2004", 25090, 26090, "far_end_glare.xml"),
    # E sends 183 with SDP, answers EARLY_MS later; also the room of the
    # room case.
    SippFarEnd("E", "2005", 25100, 26100, "far_end_early_media.xml"),
    # F accepts the REFER of Leave, then hangs up.
    SippFarEnd("F", "2006", 25110, 26110, "far_end_leave_hangup.xml"),
]
NAMES = {far.name: far for far in FAR_ENDS + SIPP_FAR_ENDS}
# The Kamailio of the Join cases sends every INVITE to one far end; here the
# number dialled picks the far end.
ROUTE_LINE = '        $du = "sip:127.0.0.1:@FAR_END_PORT@;transport=udp";\n'


class AdhocRun:
    def __init__(self):
        self.events = []
        self.sip = []
        self.rtp = {}  # far end name -> [tones.Packet]
        self.browser_log = ""
        self.left_listening = None
        self.timings = {}
        self.figures = []  # (case, window, far end, Heard)

    def marks(self, name):
        return [e["t"] for e in self.events if e.get("name") == name]

    def mark(self, name):
        found = self.marks(name)
        assert found, f"the browser never reached {name!r}\n{self.browser_log[-3000:]}"
        return found[0]

    def heard(self, case, window, far_end):
        start, end = self.mark(f"{window}_start"), self.mark(f"{window}_end")
        result = tones.measure(self.rtp[far_end], start, end, VOICES)
        self.figures.append((case, window, far_end, result))
        return result

    def host_heard(self, label):
        for event in self.events:
            if event["event"] == "host_hears" and event["label"] == label:
                levels = {int(k): v for k, v in (event["levels"] or {}).items()}
                self.figures.append((label, "host", "host", levels))
                return levels
        raise AssertionError(f"no host measure {label!r}")

    def to(self, far_end, method, after=0.0):
        port = NAMES[far_end].sip_port
        return [
            m
            for m in self.sip
            if m.dport == port and m.method == method and m.t >= after
        ]

    def from_(self, far_end, after=0.0):
        port = NAMES[far_end].sip_port
        return [m for m in self.sip if m.sport == port and m.t >= after]

    def case_errors(self, case):
        return [
            e for e in self.events if e["event"] == "case_error" and e["case"] == case
        ]


def _routed_kamailio(work):
    template = (HERE / "kamailio.cfg").read_text()
    if ROUTE_LINE not in template:
        raise StackError("e2e/kamailio.cfg no longer routes INVITEs as expected")
    routes = "".join(
        f'        if ($rU == "{far.number}") {{ '
        f'$du = "sip:127.0.0.1:{far.sip_port};transport=udp"; }}\n'
        for far in FAR_ENDS + SIPP_FAR_ENDS
    )
    routed = work / "kamailio_adhoc.cfg.in"
    routed.write_text(template.replace(ROUTE_LINE, ROUTE_LINE + routes))
    return routed


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
            "name": "Kamailio (conference from a call)",
            "domain": "127.0.0.1",
            "ws_server": f"ws://127.0.0.1:{ws_port}",
            "mode": "prod",
            "pbx_backend": "none",
            "ice_servers": False,
        },
    )
    for far in FAR_ENDS:
        call(
            "res.partner",
            "create",
            {"name": f"Far End {far.name}", "phone": far.number},
        )
    room = call(
        "voip.conference",
        "create",
        {"name": "E2E Room E", "extension": "2005", "pbx_id": pbx},
    )
    call(
        "res.users",
        "write",
        [uid],
        {"voip_pbx_id": pbx, "voip_username": "host", "voip_password": "e2e-secret"},
    )
    return call, room


def _host_wav(path):
    subprocess.run(
        [which("sox"), "-n", "-r", "48000", "-c", "1", "-b", "16", str(path)]
        + ["synth", "120", "sine", str(HOST), "vol", "0.3"],
        check=True,
    )
    return path


@pytest.fixture(scope="module")
def adhoc(tmp_path_factory, odoo_database):
    if not _in_private_namespace():
        pytest.fail("The end-to-end tier runs only in a private network namespace.")
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    work = tmp_path_factory.mktemp("adhoc")
    result = AdhocRun()
    started = []
    t0 = time.monotonic()

    def start(proc):
        started.append(proc)
        return proc.start()

    ws_port, sip_port, http_port = free_port(), free_udp_port(), free_port()
    ng_port = free_udp_port()
    db, data_dir = odoo_database
    env = {k: v for k, v in os.environ.items() if k not in ("PGHOST", "PGPORT")}
    pcap = work / "capture.pcapng"
    try:
        tshark = start(
            Process(
                "tshark",
                [which("tshark"), "-n", "-i", "lo", "-w", pcap, "-f", "udp"],
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
            _routed_kamailio(work),
            work / "kamailio.cfg",
            SIP_PORT=sip_port,
            WS_PORT=ws_port,
            FAR_END_PORT=FAR_ENDS[0].sip_port,
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
        for far in FAR_ENDS:
            conf = far.write_config(work / f"baresip_{far.name}")
            proc = start(
                Process(f"baresip_{far.name}", [which("baresip"), "-f", conf], work)
            )
            proc.wait_tcp(far.ctrl_port)
        for far in SIPP_FAR_ENDS:
            scenario = render(
                HERE / far.scenario, work / far.scenario, EARLY_MS=EARLY_MS
            )
            proc = start(
                Process(
                    f"sipp_{far.name}",
                    [which("sipp"), "-sf", scenario, "-i", "127.0.0.1"]
                    + ["-p", far.sip_port, "-mi", "127.0.0.1", "-mp", far.media_port]
                    + ["-t", "u1", "-nostdin", "-trace_err", "-trace_msg"],
                    work,
                    env={**env, "TERM": "dumb"},
                    cwd=work,
                )
            )
            proc.wait_udp_bound(far.sip_port)
        result.timings["sip stack"] = time.monotonic() - t0

        conf = _odoo_config(work / "odoo.conf", data_dir, http_port)
        result.timings["odoo database"] = time.monotonic() - t0
        odoo = start(
            Process(
                "odoo",
                [sys.executable, "-m", "odoo", "-c", conf, "-d", db]
                + ["--db-filter", f"^{db}$"],
                work,
                env=env,
                cwd=work,
            )
        )
        url = f"http://127.0.0.1:{http_port}"
        _wait_http(odoo, url)
        call, room = _seed(url, db, ws_port)
        result.timings["odoo server"] = time.monotonic() - t0

        config = work / "adhoc_browser.json"
        wanted = os.environ.get("VOIP_CONFERENCE_E2E_CASES")
        config.write_text(
            json.dumps(
                {
                    "base_url": url,
                    "work_dir": str(work),
                    "chromium": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                    "host_wav": str(_host_wav(work / "host.wav")),
                    "login": LOGIN,
                    "password": PASSWORD,
                    "far_ends": {
                        far.name: {
                            "number": far.number,
                            "ctrl_port": getattr(far, "ctrl_port", None),
                        }
                        for far in FAR_ENDS + SIPP_FAR_ENDS
                    },
                    "room_id": room,
                    "early_ms": EARLY_MS,
                    "far_end_freqs": [A, B, C],
                    "floor_freqs": list(tones.FLOOR_FREQS),
                    "cases": [c for c in CASES if not wanted or c in wanted],
                    "window_ms": 2000,
                    "media_ms": 1200,
                    "settle_ms": 500,
                }
            )
        )
        browser = start(
            Process(
                "adhoc_browser",
                ["node", HERE / "adhoc_browser.mjs", config],
                work,
                env={**env, "NODE_PATH": str(REPO / "node_modules")},
                cwd=REPO,
            )
        )
        try:
            browser.popen.wait(300)
        except subprocess.TimeoutExpired:
            browser.stop()
            raise StackError("the browser did not finish within 300 s") from None
        result.timings["browser"] = time.monotonic() - t0
        result.browser_log = browser.log_path.read_text(errors="replace")
        for line in result.browser_log.splitlines():
            if line.startswith("{"):
                result.events.append(json.loads(line))
        result.legs = call(
            "voip.call",
            "search_read",
            [("adhoc_conference_id", "!=", False)],
            fields=["phone_number", "state", "adhoc_end_reason", "adhoc_conference_id"],
        )
    finally:
        for proc in reversed(started):
            proc.stop()
    result.left_listening = listening_sockets()
    result.timings["stopped"] = time.monotonic() - t0
    result.sip = sip_messages(pcap, [far.sip_port for far in NAMES.values()])
    for far in FAR_ENDS:
        result.rtp[far.name] = tones.rtp_packets(pcap, far.rtp_ports)
    ADHOC_RUNS.append(result)
    return result


ADHOC_RUNS = []


def _ok(run, case):
    errors = run.case_errors(case)
    assert not errors, f"{case}: the browser failed: {errors[0]['error']}"


def _only(heard, expected):
    """``heard`` has exactly the voices in ``expected``, none of the others."""
    missing = [f for f in expected if not heard.hears(f)]
    extra = [f for f in VOICES if f not in expected and not heard.silent(f)]
    return not missing and not extra, f"missing {missing}, extra {extra}: {heard}"


def test_browser_registered_and_finished(adhoc):
    names = [e["event"] for e in adhoc.events]
    assert "registered" in names, adhoc.browser_log[-3000:]
    assert "done" in names, adhoc.browser_log[-3000:]
    errors = [e["error"] for e in adhoc.events if e["event"] == "page_error"]
    assert errors == []


def test_1_single_step(adhoc):
    _ok(adhoc, "single_step")
    # Before B answers: A hears the host, and no B.
    ok, why = _only(adhoc.heard("single_step", "ringing", "A"), [HOST])
    assert ok, f"A while B rings: {why}"
    # After: A hears B and the host, B hears A and the host; nobody itself.
    ok, why = _only(adhoc.heard("single_step", "talking", "A"), [HOST, B])
    assert ok, f"A once B answered: {why}"
    ok, why = _only(adhoc.heard("single_step", "talking", "B"), [HOST, A])
    assert ok, f"B once it answered: {why}"
    host = adhoc.host_heard("talking")
    assert host[A] >= HOST_HEARD_DB and host[B] >= HOST_HEARD_DB, host
    # A was never put on hold: no re-INVITE reached it.
    first = adhoc.mark("first_call_up")
    reinvites = [
        m
        for m in adhoc.to("A", "INVITE", first)
        if m.t < adhoc.mark("disconnect_click")
    ]
    assert reinvites == []


def test_2_consultation_then_merge(adhoc):
    _ok(adhoc, "consult_leave")
    held_at = adhoc.mark("consult_held")
    reinvites = [
        m
        for m in adhoc.to("A", "INVITE", adhoc.mark("disconnected_end"))
        if m.t <= held_at
    ]
    assert reinvites, "no re-INVITE put A on hold"
    assert (
        "a=sendonly" in reinvites[-1].body or "a=inactive" in reinvites[-1].body
    ), reinvites[-1].body
    ok, why = _only(adhoc.heard("consult", "consulting", "A"), [])
    assert ok, f"A on hold hears neither C nor the host: {why}"
    ok, why = _only(adhoc.heard("consult", "consulting", "C"), [HOST])
    assert ok, f"C consulted hears the host only: {why}"
    ok, why = _only(adhoc.heard("consult", "merged", "A"), [HOST, C])
    assert ok, f"A after Merge: {why}"
    ok, why = _only(adhoc.heard("consult", "merged", "C"), [HOST, A])
    assert ok, f"C after Merge: {why}"


def test_3_disconnect_one(adhoc):
    _ok(adhoc, "single_step")
    click = adhoc.mark("disconnect_click")
    byes = adhoc.to("B", "BYE", click)
    assert byes and byes[0].t - click < 1.0, f"B's BYE: {byes}"
    early = [
        m for m in adhoc.to("A", "BYE", click) if m.t < adhoc.mark("disconnected_end")
    ]
    assert early == [], "A was hung up too"
    ok, why = _only(adhoc.heard("disconnect", "disconnected", "A"), [HOST])
    assert ok, f"A after B left: {why}"
    host = adhoc.host_heard("disconnected")
    assert host[A] >= HOST_HEARD_DB and host[B] < tones.SILENT_DB, host


def test_4_end_for_everyone(adhoc):
    _ok(adhoc, "end_all")
    ok, why = _only(adhoc.heard("end_all", "two", "C"), [HOST, A])
    assert ok, f"C with A: {why}"
    click = adhoc.mark("end_click")
    for far in ("A", "C"):
        byes = adhoc.to(far, "BYE", click)
        assert byes, f"{far} got no BYE"
        adhoc.figures.append(
            ("end_all", "BYE after click", far, f"{byes[0].t - click:.3f} s")
        )
        assert byes[0].t - click <= 1.0, f"{far}'s BYE {byes[0].t - click:.3f} s after"


def test_5_leave_hands_a_direct_call(adhoc):
    _ok(adhoc, "consult_leave")
    click = adhoc.mark("leave_click")
    refers = adhoc.to("A", "REFER", click)
    assert refers, "no REFER reached A"
    refer_to = refers[0].header("Refer-To") or refers[0].header("r")
    assert "Replaces=" in refer_to, refer_to
    accepted = [m for m in adhoc.from_("A", click) if m.cseq_method == "REFER"]
    assert accepted and accepted[0].status == 202, accepted
    notifies = [m for m in adhoc.from_("A", click) if m.method == "NOTIFY"]
    assert any(m.body.startswith("SIP/2.0 200") for m in notifies), [
        m.body for m in notifies
    ]
    # A called C itself (not through the host), with Replaces.
    direct = [
        m for m in adhoc.to("C", "INVITE", click) if m.sport == NAMES["A"].sip_port
    ]
    assert direct and "Replaces" in direct[0].text, direct
    assert adhoc.to("A", "BYE", click), "the host never left A"
    ok, why = _only(adhoc.heard("leave", "direct", "A"), [C])
    assert ok, f"A after the host left: {why}"
    ok, why = _only(adhoc.heard("leave", "direct", "C"), [A])
    assert ok, f"C after the host left: {why}"


def test_6_held_call_stays_held(adhoc):
    _ok(adhoc, "held_rule")
    paused = adhoc.mark("pause_click")
    reinvites = adhoc.to("A", "INVITE", paused)
    assert reinvites and "a=sendonly" in reinvites[0].body, "Pause put A on hold"
    assert len(reinvites) == 1 or reinvites[1].t > adhoc.mark(
        "separate_end"
    ), "A was taken off hold"
    ok, why = _only(adhoc.heard("held_rule", "separate", "A"), [])
    assert ok, f"A stays on hold: {why}"
    ok, why = _only(adhoc.heard("held_rule", "separate", "C"), [HOST])
    assert ok, f"C in a two-way call with the host: {why}"


def _answer_of(adhoc, far_end, after=0.0):
    """The far end's 200 OK to the host's first INVITE after ``after``."""
    port = NAMES[far_end].sip_port
    for m in adhoc.sip:
        if m.sport == port and m.status == 200 and m.cseq_method == "INVITE":
            if m.t >= after:
                return m
    raise AssertionError(f"{far_end} never answered")


def _far_end_log(adhoc, far_end, start, end):
    """What ``far_end`` received and sent, with times from its 200 OK."""
    answer = _answer_of(adhoc, far_end, start).t
    port = NAMES[far_end].sip_port
    lines = []
    for m in adhoc.sip:
        if start <= m.t <= end and port in (m.sport, m.dport):
            what = m.method or f"{m.status} ({m.cseq_method})"
            body = m.body
            direction = next(
                (
                    d
                    for d in ("sendonly", "recvonly", "inactive", "sendrecv")
                    if d in body
                ),
                "",
            )
            arrow = "<-" if m.dport == port else "->"
            lines.append(f"{arrow} {what} {direction}@{m.t - answer:+.3f}s".strip())
    return lines


def test_7_hold_glare_retried(adhoc):
    """Issue 24, 6: D answers the hold re-INVITE with 491; the host sends it
    again after 2.1 to 4 s (it owns the Call-ID) and Consult goes on."""
    _ok(adhoc, "glare")
    start, end = adhoc.mark("glare_start"), adhoc.mark("glare_end")
    adhoc.figures.append(
        ("glare", "D", "D", " ".join(_far_end_log(adhoc, "D", start, end)))
    )
    answer = _answer_of(adhoc, "D", start)
    invites = [m for m in adhoc.to("D", "INVITE", answer.t) if m.t <= end]
    assert len(invites) >= 2, invites
    first, retry = invites[0], invites[1]
    assert "a=sendonly" in first.body and "a=sendonly" in retry.body
    refused = [
        m for m in adhoc.from_("D", first.t) if m.status == 491 and m.t <= retry.t
    ]
    assert refused, "D never refused the first hold"
    # RFC 3261 §14.1, judged from the capture: 2.1 to 4 s after the 491.
    assert 2.0 <= retry.t - refused[0].t <= 4.5, retry.t - refused[0].t
    accepted = [
        m
        for m in adhoc.from_("D", retry.t)
        if m.status == 200 and m.cseq_method == "INVITE"
    ]
    assert accepted and "a=recvonly" in accepted[0].body, "the retried hold"
    assert adhoc.to("C", "INVITE", retry.t), "Consult never dialled C"
    shown = [e for e in adhoc.events if e.get("name") == "glare_retrying_shown"]
    assert shown, "the call view never said it was trying again"


def test_8_no_merge_during_early_media(adhoc):
    """Issue 24, 7: while E is in early media (183), A stays held and no
    Merge is offered; Merge after E's 200 brings A back."""
    _ok(adhoc, "early_merge")
    start, end = adhoc.mark("early_merge_start"), adhoc.mark("early_merge_end")
    adhoc.figures.append(
        ("early_merge", "E", "E", " ".join(_far_end_log(adhoc, "E", start, end)))
    )
    offered = [e for e in adhoc.events if e["event"] == "merge_offered"]
    assert offered and offered[0]["while_ringing"] == 0, offered
    progress = [m for m in adhoc.from_("E", start) if m.status == 183 and m.t <= end]
    assert progress and "m=audio" in progress[0].body, "no 183 with SDP from E"
    answer = _answer_of(adhoc, "E", start)
    # A's re-INVITEs: the hold, then (after Merge) the resume, never
    # between the 183 and E's 200.
    to_a = [m for m in adhoc.to("A", "INVITE", progress[0].t) if m.t <= answer.t]
    assert to_a == [], [m.body for m in to_a]
    resumed = [
        m
        for m in adhoc.to("A", "INVITE", answer.t)
        if m.t <= end and "a=sendrecv" in m.body
    ]
    assert resumed, "Merge never took A off hold"


def test_9_bye_during_leave_answered(adhoc):
    """Issue 24, 8: F accepts the REFER of Leave, then hangs up: its BYE
    gets a 200 and is sent once (no retransmission)."""
    _ok(adhoc, "leave_hangup")
    start, end = adhoc.mark("leave_hangup_start"), adhoc.mark("leave_hangup_end")
    adhoc.figures.append(
        ("leave_hangup", "F", "F", " ".join(_far_end_log(adhoc, "F", start, end)))
    )
    refer = adhoc.to("F", "REFER", start)
    assert refer, "no REFER reached F"
    byes = [m for m in adhoc.from_("F", refer[0].t) if m.method == "BYE"]
    assert byes, "F never hung up"
    answered = [
        m
        for m in adhoc.to("F", "", byes[0].t)
        if m.status == 200 and m.cseq_method == "BYE"
    ]
    assert answered, f"F's BYE got no 200 ({len(byes)} sent)"
    assert len(byes) == 1, f"F's BYE was retransmitted {len(byes) - 1} times"


def test_10_room_call_never_held(adhoc):
    """Issue 24, 9: a call to a room offers no Pause and the agent's hold
    sends no re-INVITE: the room's PBX never gets a sendonly offer."""
    _ok(adhoc, "room_no_hold")
    start, end = adhoc.mark("room_start"), adhoc.mark("room_end")
    adhoc.figures.append(
        ("room_no_hold", "E", "E", " ".join(_far_end_log(adhoc, "E", start, end)))
    )
    view = [e for e in adhoc.events if e["event"] == "room_controls"]
    assert view and view[0]["pause"] == 0 and view[0]["mute"] == 1, view
    invites = [m for m in adhoc.to("E", "INVITE", start) if m.t <= end]
    assert len(invites) == 1, f"{len(invites) - 1} re-INVITEs reached the room"
    assert "a=sendonly" not in invites[0].body


def test_every_leg_recorded_with_how_it_ended(adhoc):
    reasons = sorted(
        (leg["phone_number"], leg["adhoc_end_reason"] or "") for leg in adhoc.legs
    )
    assert ("2002", "removed") in reasons, reasons
    assert ("2001", "transferred") in reasons and ("2003", "transferred") in reasons
    assert ("2001", "ended") in reasons and ("2003", "ended") in reasons, reasons
    assert all(leg["state"] != "ongoing" for leg in adhoc.legs), adhoc.legs


def test_nothing_left_listening(adhoc):
    assert adhoc.left_listening == []


def write_summary(terminalreporter):
    """Each case's tone figures (called by conftest's terminal summary)."""
    if not ADHOC_RUNS:
        return
    run = ADHOC_RUNS[0]
    write = terminalreporter.write_line
    write("")
    write(
        f"Conference from a call, tones (host {HOST} Hz, A {A} Hz, B {B} Hz, "
        f"C {C} Hz; dB above the noise floor, heard >= {tones.HEARD_DB:.0f}):"
    )
    for case, window, far_end, heard in run.figures:
        write(f"  {case:12} {window:16} {far_end:5} {heard}")
    write("Timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in run.timings.items()))
