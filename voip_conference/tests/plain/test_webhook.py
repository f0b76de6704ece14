# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Webhook signatures: valid, wrong secret, replayed, stale, malformed; and a
real delivery from the loopback PBX server to a loopback receiver."""

import json
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from voip_conference_tools import webhook
from voip_conference_tools.provider import Room
from voip_conference_tools.rest_server import SimulatedPbxServer

SECRET = "whsec-0123456789abcdef"
NOW = 1_764_518_400
BODY = json.dumps({"events": [{"cursor": 1, "type": "conference.started"}]}).encode()


def _headers(body=BODY, secret=SECRET, at=NOW):
    return webhook.signed_headers(secret, body, now=at)


def test_a_valid_delivery_gives_its_events():
    events = webhook.verify(SECRET, _headers(), BODY, now=NOW + 10)
    assert events == [{"cursor": 1, "type": "conference.started"}]


def test_signature_is_hmac_sha256_over_timestamp_dot_body():
    import hashlib
    import hmac

    expected = hmac.new(
        SECRET.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256
    ).hexdigest()
    assert webhook.sign(SECRET, NOW, BODY) == f"v1={expected}"


@pytest.mark.parametrize(
    "case, reason",
    [
        ("wrong secret", "forged"),
        ("body changed", "forged"),
        ("timestamp changed", "forged"),
        ("no secret configured", "no secret"),
        ("too old", "stale"),
        ("from the future", "stale"),
        ("no signature", "malformed"),
        ("no timestamp", "malformed"),
        ("timestamp not a number", "malformed"),
        ("other scheme", "malformed"),
        ("short digest", "malformed"),
        ("body not JSON", "malformed"),
        ("events not a list", "malformed"),
    ],
)
def test_refused_deliveries(case, reason):
    headers, body, secret, now = _headers(), BODY, SECRET, NOW + 1
    if case == "wrong secret":
        headers = _headers(secret="another-secret")
    elif case == "body changed":
        body = BODY.replace(b"started", b"ended")
    elif case == "timestamp changed":
        headers[webhook.TIMESTAMP_HEADER] = str(NOW + 1)
    elif case == "no secret configured":
        secret = ""
    elif case == "too old":
        now = NOW + webhook.TOLERANCE + 1
    elif case == "from the future":
        now = NOW - webhook.TOLERANCE - 1
    elif case == "no signature":
        del headers[webhook.SIGNATURE_HEADER]
    elif case == "no timestamp":
        del headers[webhook.TIMESTAMP_HEADER]
    elif case == "timestamp not a number":
        headers[webhook.TIMESTAMP_HEADER] = "yesterday"
    elif case == "other scheme":
        headers[webhook.SIGNATURE_HEADER] = "v0=" + "0" * 64
    elif case == "short digest":
        headers[webhook.SIGNATURE_HEADER] = "v1=abc"
    elif case == "body not JSON":
        body = b"events!"
        headers = _headers(body)
    elif case == "events not a list":
        body = json.dumps({"events": {"cursor": 1}}).encode()
        headers = _headers(body)
    with pytest.raises(webhook.WebhookError) as caught:
        webhook.verify(secret, headers, body, now=now)
    assert caught.value.reason == reason


def test_a_replayed_delivery_is_refused():
    seen = webhook.ReplayCache(clock=lambda: NOW)
    webhook.verify(SECRET, _headers(), BODY, now=NOW, seen=seen)
    with pytest.raises(webhook.WebhookError) as caught:
        webhook.verify(SECRET, _headers(), BODY, now=NOW + 5, seen=seen)
    assert caught.value.reason == "replayed"
    # A forged copy is refused as forged and does not poison the cache.
    fresh = _headers(at=NOW + 1)
    forged = dict(fresh, **{webhook.SIGNATURE_HEADER: "v1=" + "f" * 64})
    with pytest.raises(webhook.WebhookError, match="forged"):
        webhook.verify(SECRET, forged, BODY, now=NOW + 1, seen=seen)
    assert webhook.verify(SECRET, fresh, BODY, now=NOW + 1, seen=seen)


class _Receiver:
    """A loopback HTTP endpoint that checks signatures like Odoo does."""

    def __init__(self, status=200):
        self.status = status
        self.events = []
        self.refused = []
        self.arrived = threading.Event()
        seen = webhook.ReplayCache()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                try:
                    events = webhook.verify(SECRET, self.headers, body, seen=seen)
                except webhook.WebhookError as error:
                    receiver.refused.append(error.reason)
                    self.send_response(401)
                else:
                    if receiver.status == 200:
                        receiver.events += events
                        receiver.arrived.set()
                    self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_the_pbx_server_pushes_signed_events_in_order():
    receiver = _Receiver()
    try:
        with SimulatedPbxServer(
            "t", webhook_url=receiver.url, webhook_secret=SECRET
        ) as server:
            room = server.pbx.create_room(Room(name="A", extension="8001"))
            server.pbx.apply_changes()
            first = server.act(server.pbx.dial_in, room.id, "101")
            assert receiver.arrived.wait(5)
            server.act(server.pbx.hang_up, room.id, first.id)
            for _attempt in range(50):
                if len(receiver.events) >= 4:
                    break
                receiver.arrived.clear()
                receiver.arrived.wait(0.1)
        types = [e["type"] for e in receiver.events]
        assert types == [
            "participant.joined",
            "conference.started",
            "participant.left",
            "conference.ended",
        ]
        assert [e["cursor"] for e in receiver.events] == [1, 2, 3, 4]
        assert receiver.refused == []
    finally:
        receiver.close()


def test_a_wrong_secret_is_refused_and_nothing_is_lost():
    receiver = _Receiver()
    try:
        with SimulatedPbxServer(
            "t", webhook_url=receiver.url, webhook_secret="not-the-secret"
        ) as server:
            room = server.pbx.create_room(Room(name="A", extension="8001"))
            server.pbx.apply_changes()
            server.act(server.pbx.dial_in, room.id, "101")
            for _attempt in range(50):
                if receiver.refused:
                    break
                receiver.arrived.wait(0.1)
            assert receiver.refused[0] == "forged"
            # The sender keeps its cursor: the events wait for a good secret.
            assert server.webhook.cursor == 0
            server.webhook.stop()  # deliver by hand from here
            server.webhook.secret = SECRET
            assert server.webhook.deliver_once() == 200
        assert [e["type"] for e in receiver.events][:1] == ["participant.joined"]
    finally:
        receiver.close()


# Standard Webhooks (www.standardwebhooks.com): its published test vector.
STANDARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
STANDARD_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
STANDARD_AT = 1614265330
STANDARD_BODY = b'{"test": 2432232314}'


def test_standard_webhooks_signature_matches_the_specification():
    assert (
        webhook.sign_standard(STANDARD_SECRET, STANDARD_ID, STANDARD_AT, STANDARD_BODY)
        == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


@pytest.mark.parametrize(
    "case, reason",
    [
        ("valid", None),
        ("headers in capitals", None),
        ("one of several signatures", None),
        ("wrong secret", "forged"),
        ("id changed", "forged"),
        ("body changed", "forged"),
        ("too old", "stale"),
        ("no id", "malformed"),
        ("no signature", "forged"),
        ("timestamp not a number", "malformed"),
    ],
)
def test_standard_webhooks_deliveries(case, reason):
    body = json.dumps({"events": []}).encode()
    headers = webhook.standard_headers(SECRET, body, "msg_1", now=NOW)
    now = NOW + 1
    signature = webhook.STANDARD_SIGNATURE_HEADER
    if case == "headers in capitals":
        headers = {key.title(): value for key, value in headers.items()}
    elif case == "one of several signatures":
        headers[signature] = "v1,bm90LWl0 v1a,xyz " + headers[signature]
    elif case == "wrong secret":
        headers = webhook.standard_headers("another", body, "msg_1", now=NOW)
    elif case == "id changed":
        headers[webhook.STANDARD_ID_HEADER] = "msg_2"
    elif case == "body changed":
        body = json.dumps({"events": [{}]}).encode()
    elif case == "too old":
        now = NOW + webhook.TOLERANCE + 1
    elif case == "no id":
        del headers[webhook.STANDARD_ID_HEADER]
    elif case == "no signature":
        del headers[signature]  # then it is ours, without its headers
        headers[webhook.SIGNATURE_HEADER] = "v1=" + "0" * 64
        headers[webhook.TIMESTAMP_HEADER] = str(NOW)
    elif case == "timestamp not a number":
        headers[webhook.STANDARD_TIMESTAMP_HEADER] = "now"
    if reason is None:
        assert webhook.verify(SECRET, headers, body, now=now) == []
        return
    with pytest.raises(webhook.WebhookError) as caught:
        webhook.verify(SECRET, headers, body, now=now)
    assert caught.value.reason == reason


def _contract_event(**changes):
    event = {
        "cursor": 3,
        "type": "participant.joined",
        "room_id": "r1",
        # When it happened: any time reads the same; now, so nothing ages.
        "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "room": {"room_id": "r1", "state": "active", "locked": False},
        "participant": {
            "id": "p1",
            "room_id": "r1",
            "number": "101",
            "role": "member",
            "state": "connected",
        },
    }
    event["room"]["participant_count"] = 1
    for key, value in changes.items():
        target = event
        *parents, leaf = key.split("__")
        for parent in parents:
            target = target[parent]
        target[leaf] = value
    return event


def test_events_as_the_contract_says_are_parsed_with_their_key():
    (event,) = webhook.parse_events([_contract_event()])
    assert (event.key, event.participant.id, event.room.participant_count) == (
        "3",
        "p1",
        1,
    )
    (event,) = webhook.parse_events([_contract_event(id="evt-9")])
    assert event.key == "evt-9"


@pytest.mark.parametrize(
    "changes",
    [
        {"room": None},
        {"room__participant_count": "many"},
        {"room__participant_count": 2**31},
        {"cursor": 0},
        {"cursor": "3"},
        {"type": "participant.vanished"},
        {"participant__state": "gone"},
        {"participant__muted": "no"},
        {"participant__name": "Zoë\x00"},
        {"participant__room_id": "r2"},
        {"room__room_id": "r2"},
        {"id": ""},
        {"extra": 1},
    ],
    ids=str,
)
def test_a_batch_with_one_broken_event_is_refused_whole(changes):
    with pytest.raises(webhook.InvalidDelivery):
        webhook.parse_events([_contract_event(), _contract_event(**changes)])


def test_the_simulators_events_are_valid_deliveries():
    with SimulatedPbxServer("t") as server:
        room = server.pbx.create_room(Room(name="A", extension="8001"))
        server.pbx.apply_changes()
        first = server.pbx.dial_in(room.id, "101")
        server.pbx.hang_up(room.id, first.id)
        events, _cursor = server.pbx.events(0)
    parsed = webhook.parse_events([event.to_dict() for event in events])
    assert [event.key for event in parsed] == ["1", "2", "3", "4"]
