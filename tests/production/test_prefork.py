# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Production mode as the README starts it: ``scripts/run --workers 2``.

Odoo in prefork mode with its websocket (gevent) process; a conference
user's browser session on the websocket receives a room's live update made
through an HTTP worker. Needs a database with both addons
(``--database``, as tier 2 passes it) and websocket-client.
"""

import http.cookiejar
import json
import os
import pathlib
import signal
import socket
import subprocess
import time
import urllib.request

import pytest
import websocket

REPO = pathlib.Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Session:
    """JSON-RPC over HTTP as a browser does it, with its session cookie."""

    def __init__(self, port):
        self.url = f"http://127.0.0.1:{port}"
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPCookieProcessor(self.cookies),
        )

    def rpc(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params})
        request = urllib.request.Request(
            self.url + path, body.encode(), {"Content-Type": "application/json"}
        )
        answer = json.loads(self.opener.open(request, timeout=60).read())
        assert "error" not in answer, answer["error"]
        return answer["result"]

    def call(self, model, method, *args, **kwargs):
        params = {"model": model, "method": method, "args": args, "kwargs": kwargs}
        return self.rpc(f"/web/dataset/call_kw/{model}/{method}", params)

    def cookie_header(self):
        return "; ".join(f"{c.name}={c.value}" for c in self.cookies)


@pytest.fixture(scope="module")
def prefork(request, tmp_path_factory):
    database = request.config.getoption("--database")
    port, gevent_port = free_port(), free_port()
    env = dict(
        os.environ,
        VOIP_CONFERENCE_DB=database,
        VOIP_CONFERENCE_PORT=str(port),
        VOIP_CONFERENCE_GEVENT_PORT=str(gevent_port),
        VOIP_CONFERENCE_RUN_DIR=str(tmp_path_factory.mktemp("run")),
    )
    log = tmp_path_factory.mktemp("log") / "run.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [str(REPO / "scripts" / "run"), "--workers", "2"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 300
        while "Odoo is ready" not in log.read_text():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
        yield database, port, gevent_port, log
    finally:
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C, as a user stops it
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise


def test_a_live_update_reaches_a_websocket_client(prefork):
    database, port, gevent_port, _log = prefork
    session = Session(port)
    session.rpc(
        "/web/session/authenticate",
        {"db": database, "login": "admin", "password": "admin"},
    )
    rooms = session.call(
        "voip.conference", "search_read", [("remote_id", "!=", False)], ["id"]
    )
    assert rooms, "the demo data has no room on the simulated PBX"
    room_id = rooms[0]["id"]
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{gevent_port}/websocket",
        header=[f"Cookie: {session.cookie_header()}"],
        origin=f"http://127.0.0.1:{gevent_port}",
        timeout=60,
    )
    try:
        # As a tab with the room's participants panel open.
        channels = [f"voip_conference_live:{room_id}"]
        ws.send(
            json.dumps(
                {"event_name": "subscribe", "data": {"channels": channels, "last": 0}}
            )
        )
        # Through an HTTP worker: the host invites someone (the simulated
        # PBX calls nobody), and every panel of the room is told over the
        # websocket process.
        answer = session.call(
            "voip.conference", "live_invite", [room_id], target="+3225550123"
        )
        assert answer["ok"], answer
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            for notification in json.loads(ws.recv()):
                message = notification["message"]
                if message["type"] == "voip_conference/live":
                    assert message["payload"]["id"] == room_id
                    return
        pytest.fail("no live update reached the websocket")
    finally:
        ws.close()


def test_the_websocket_process_does_not_crash(prefork):
    """Odoo respawns a dead websocket process from sys.argv[0]: with
    ``python -m odoo`` it died at once, over and over."""
    *_ports, log = prefork
    text = log.read_text()
    assert "relative import" not in text
    assert "DistributionNotFound" not in text
