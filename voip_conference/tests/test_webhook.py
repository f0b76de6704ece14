# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The webhook controller over real HTTP: signed events from a loopback PBX
reach the participants' history; forged, stale, replayed and malformed
deliveries get a bare 401."""

import base64
import hashlib
import hmac
import json
import random
import threading
import time
from datetime import UTC, datetime, timedelta

import requests
from freezegun import freeze_time

from odoo import SUPERUSER_ID, api
from odoo.exceptions import AccessError
from odoo.modules.neutralize import get_neutralization_queries
from odoo.tests import HttpCase, new_test_user, tagged

from ..models.live.voip_conference_participation import LIVE_INLINE_EVENTS
from ..models.sync.voip_provider_sync_mixin import INBOUND
from ..tools import webhook
from ..tools.provider import Event
from .common import MANAGER_GROUPS, LoopbackPbxMixin

TOKEN = "webhook-test-token"
SECRET = "webhook-test-secret-0123456789"


class WebhookCase(LoopbackPbxMixin, HttpCase):
    """A REST PBX on loopback whose webhook secret is SECRET, and a room."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_pbx_server(TOKEN)
        cls.pbx = cls.env["voip.pbx"].create(
            {
                "name": "Webhook PBX",
                "pbx_backend": "rest",
                "api_url": cls.server.url,
                "api_token": TOKEN,
                "conference_webhook_secret": SECRET,
            }
        )
        cls.room = cls.env["voip.conference"].create(
            {"name": "Hooked", "extension": "8555", "pbx_id": cls.pbx.id}
        )
        cls.pbx._sync(trigger="manual", apply=True)
        cls.url = f"/voip_conference/webhook/{cls.pbx.id}"

    def setUp(self):
        super().setUp()
        self.server.pbx.state["participants"] = {}

    def _events_body(self, number="+3225550111"):
        """A participant joins on the PBX: the body the PBX would send."""
        pbx = self.server.pbx
        cursor = pbx.state.get("event_cursor", 0)
        pbx.dial_in(self.room.remote_id, number)
        events, _cursor = pbx.events(cursor)
        return json.dumps({"events": [e.to_dict() for e in events]}).encode()

    def _post(self, body, headers):
        return self.url_open(self.url, data=body, headers=headers, method="POST")


@tagged("post_install", "-at_install")
class TestVoipConferenceWebhook(WebhookCase):
    def test_a_signed_delivery_is_applied(self):
        body = self._events_body()
        response = self._post(body, webhook.signed_headers(SECRET, body))
        self.assertEqual(response.status_code, 204)
        row = self.room.participation_ids
        self.assertEqual((row.number, row.state), ("+3225550111", "connected"))
        self.assertEqual((self.room.live_state, self.room.live_count), ("active", 1))

    def test_refused_deliveries_get_a_bare_401_and_change_nothing(self):
        body = self._events_body()
        good = webhook.signed_headers(SECRET, body)
        cases = {
            "forged": webhook.signed_headers("not-the-secret", body),
            "stale": webhook.signed_headers(SECRET, body, now=time.time() - 3600),
            "malformed": {"Content-Type": "application/json"},
            "garbled signature": dict(good, **{webhook.SIGNATURE_HEADER: "v1=zz"}),
        }
        for case, headers in cases.items():
            with self.subTest(case=case):
                with self.assertLogs(
                    "odoo.addons.voip_conference.controllers.webhook", "WARNING"
                ) as logs:
                    response = self._post(body, headers)
                self.assertEqual(response.status_code, 401)
                self.assertEqual(response.content, b"")  # no detail leaks
                self.assertNotIn(SECRET, "".join(logs.output))
        self.assertFalse(self.room.participation_ids)
        # Unknown PBX: the same bare 401.
        response = self.url_open(
            "/voip_conference/webhook/999999", data=body, headers=good, method="POST"
        )
        self.assertEqual((response.status_code, response.content), (401, b""))

    def test_a_replayed_delivery_is_answered_and_applies_nothing(self):
        """A PBX that lost our answer sends the same delivery again: 2xx,
        so that it stops, and nothing applied twice."""
        body = self._events_body()
        headers = webhook.signed_headers(SECRET, body)
        self.assertEqual(self._post(body, headers).status_code, 204)
        version = self.room.live_version
        self.assertEqual(self._post(body, headers).status_code, 204)
        self.assertEqual(len(self.room.participation_ids), 1)
        self.assertEqual(self.room.live_version, version)

    def test_a_pbx_without_secret_accepts_nothing(self):
        self.pbx.conference_webhook_secret = False
        body = self._events_body()
        response = self._post(body, webhook.signed_headers("", body))
        self.assertEqual(response.status_code, 401)

    def test_signed_but_unreadable_events_are_a_400(self):
        body = json.dumps({"events": [{"cursor": 1}]}).encode()
        response = self._post(body, webhook.signed_headers(SECRET, body))
        self.assertEqual((response.status_code, response.content), (400, b""))

    def test_the_secret_is_for_system_administrators_only(self):
        manager = new_test_user(
            self.env, login="vc_hook_manager", groups=MANAGER_GROUPS
        )
        pbx = self.pbx.with_user(manager)
        with self.assertRaises(AccessError):
            pbx.read(["conference_webhook_secret"])
        self.assertNotIn("conference_webhook_secret", pbx.fields_get())
        with self.assertRaises(AccessError):
            pbx.action_generate_webhook_secret()
        self.pbx.action_generate_webhook_secret()
        self.assertNotEqual(self.pbx.conference_webhook_secret, SECRET)
        self.assertGreaterEqual(len(self.pbx.conference_webhook_secret), 40)

    def test_neutralization_clears_the_secret(self):
        self.env.flush_all()
        for query in get_neutralization_queries(["voip_conference"]):
            self.env.cr.execute(query)
        self.env.invalidate_all()
        self.assertFalse(self.pbx.conference_webhook_secret)


def _event(cursor, room_id, participant=None, kind="participant.joined", **state):
    """One event as the contract says it (``WebhookDelivery.events[]``):
    ``participant`` is its id, ``state`` its fields (connected by
    default); the room's count is the cursor, so the room's last state
    shows which event it came from."""
    at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    event = {
        "cursor": cursor,
        "type": kind,
        "room_id": room_id,
        "at": at,
        "room": {
            "room_id": room_id,
            "state": "active",
            "locked": False,
            "participant_count": cursor,
        },
        "participant": None,
    }
    if participant:
        event["participant"] = {
            "id": participant,
            "room_id": room_id,
            "number": "+3225559" + participant[-3:].rjust(3, "0"),
            "role": "member",
            "state": "connected",
            "joined_at": at,
        } | state
    return event


def _body(*events):
    return json.dumps({"events": list(events)}).encode()


@tagged("post_install", "-at_install")
class TestVoipConferenceWebhookEvents(WebhookCase):
    """Events as a PBX delivers them: in any order, again, batched, signed
    either way. Each is applied once; a delivery is all or nothing."""

    def _deliver(self, *events, headers=None):
        body = _body(*events)
        return self._post(body, (headers or webhook.signed_headers)(SECRET, body))

    def _state(self):
        """{participant id: (state, talking)} of the room's rows."""
        return {
            row.remote_id: (row.state, row.talking)
            for row in self.room.participation_ids
        }

    def test_out_of_order_events_about_different_people_are_all_applied(self):
        remote = self.room.remote_id
        statuses = [
            self._deliver(_event(cursor, remote, f"p{cursor:03d}")).status_code
            for cursor in range(51, 1, -1)
        ]
        self.assertEqual(statuses, [204] * 50)
        self.assertEqual(len(self.room.participation_ids), 50)
        # The room shows its newest state, not the last one to arrive.
        self.assertEqual(self.room.live_count, 51)

    def test_an_older_event_never_undoes_a_newer_one(self):
        remote = self.room.remote_id
        joined = _event(1, remote, "p001")
        talking = _event(2, remote, "p002", kind="participant.updated", talking=True)
        quiet = _event(3, remote, "p002", kind="participant.updated", talking=False)
        left = _event(4, remote, "p001", kind="participant.left", state="left")
        for event in (left, quiet, joined, talking):
            self.assertEqual(self._deliver(event).status_code, 204)
        self.assertEqual(
            self._state(), {"p001": ("left", False), "p002": ("connected", False)}
        )
        self.assertEqual(self.room.live_count, 4)

    def test_the_end_of_a_conference_closes_only_who_was_there_before(self):
        remote = self.room.remote_id
        ended = _event(2, remote, kind="conference.ended")
        later = _event(3, remote, "p003")
        for event in (later, ended, _event(1, remote, "p001")):
            self.assertEqual(self._deliver(event).status_code, 204)
        self.assertEqual(
            self._state(), {"p001": ("left", False), "p003": ("connected", False)}
        )

    def test_a_malformed_delivery_is_a_400_and_applies_nothing(self):
        remote = self.room.remote_id
        valid = _event(1, remote, "p001")

        def broken(**changes):
            event = json.loads(json.dumps(_event(2, remote, "p002")))
            for path, value in changes.items():
                *parents, leaf = path.split("__")
                node = event
                for parent in parents:
                    node = node[parent]
                node[leaf] = value
            return event

        cases = {
            "count not a number": broken(room__participant_count="many"),
            "room null": broken(room=None),
            "no type": broken(type=None),
            "unknown type": broken(type="participant.teleported"),
            "cursor not a number": broken(cursor="2"),
            "cursor beyond what is stored": broken(cursor=2**40),
            "count beyond what is stored": broken(room__participant_count=2**40),
            "unknown state": broken(participant__state="dancing"),
            "talking not a boolean": broken(participant__talking="yes"),
            "participant without id": broken(participant__id=""),
            "NUL in a name": broken(participant__name="Eve\x00"),
            "another room's participant": broken(participant__room_id="elsewhere"),
            "another room's state": broken(room__room_id="elsewhere"),
            "unknown field": broken(colour="red"),
        }
        for case, event in cases.items():
            with self.subTest(case=case):
                with self.assertLogs(
                    "odoo.addons.voip_conference.controllers.webhook", "WARNING"
                ):
                    response = self._deliver(valid, event)
                self.assertEqual((response.status_code, response.content), (400, b""))
                self.assertFalse(self.room.participation_ids)
                self.assertEqual(self.room.live_event_cursor, 0)
        # Nothing of the refused deliveries was remembered: the valid event
        # is applied when it comes alone.
        self.assertEqual(self._deliver(valid).status_code, 204)
        self.assertEqual(self._state(), {"p001": ("connected", False)})

    def test_a_redelivered_event_is_recognised_by_its_id(self):
        """Same event, new delivery (new timestamp, new signature, other
        companions): applied once. Standard Webhooks' event ids too."""
        remote = self.room.remote_id
        joined = _event(1, remote, "p001")
        left = _event(2, remote, "p001", kind="participant.left", state="left")
        self.assertEqual(self._deliver(joined).status_code, 204)
        self.assertEqual(self._deliver(left).status_code, 204)
        later = webhook.signed_headers(SECRET, _body(joined), now=time.time() + 5)
        self.assertEqual(self._post(_body(joined), later).status_code, 204)
        self.assertEqual(self._deliver(joined, left).status_code, 204)
        self.assertEqual(self._state(), {"p001": ("left", False)})
        self.assertEqual(len(self.room.participation_ids), 1)
        # An event with its own id: the id, not the cursor, identifies it.
        mine = _event(7, remote, "p007") | {"id": "evt_7"}
        self.assertEqual(self._deliver(mine).status_code, 204)
        rejoined = mine | {"participant": mine["participant"] | {"id": "p008"}}
        self.assertEqual(self._deliver(rejoined).status_code, 204)
        self.assertNotIn("p008", self._state())

    def test_standard_webhooks_headers_are_accepted(self):
        remote = self.room.remote_id
        body = _body(_event(1, remote, "p001"))
        forged = webhook.standard_headers("not-the-secret", body, "msg_1")
        cases = {
            "forged": forged,
            "stale": webhook.standard_headers(SECRET, body, now=time.time() - 3600),
            "no id": forged | {webhook.STANDARD_ID_HEADER: ""},
            "other scheme": forged | {webhook.STANDARD_SIGNATURE_HEADER: "v1a,x"},
        }
        for case, headers in cases.items():
            with self.subTest(case=case):
                with self.assertLogs(
                    "odoo.addons.voip_conference.controllers.webhook", "WARNING"
                ):
                    self.assertEqual(self._post(body, headers).status_code, 401)
        self.assertFalse(self.room.participation_ids)
        headers = webhook.standard_headers(SECRET, body, "msg_1")
        # While a secret is rotated, the sender signs with both.
        headers[webhook.STANDARD_SIGNATURE_HEADER] = (
            webhook.sign_standard("old-secret", "msg_1", time.time(), body)
            + " "
            + headers[webhook.STANDARD_SIGNATURE_HEADER]
        )
        self.assertEqual(self._post(body, headers).status_code, 204)
        self.assertEqual(self._post(body, headers).status_code, 204)
        self.assertEqual(self._state(), {"p001": ("connected", False)})

    def test_a_lost_left_event_leaves_no_ghost(self):
        """The PBX's "left" never arrives: within a minute of the scheduled
        re-read, the room is read from the PBX and the row closed."""
        body = self._events_body()
        response = self._post(body, webhook.signed_headers(SECRET, body))
        self.assertEqual(response.status_code, 204)
        (row,) = self.room.participation_ids
        self.server.pbx.hang_up(self.room.remote_id, row.remote_id)  # lost
        cron = self.env.ref("voip_conference.voip_pbx_cron_live_reread")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "minutes"))
        start = datetime.now()
        with freeze_time(start + timedelta(seconds=10), tick=True):
            self.env["voip.pbx"]._cron_live_reread()
        self.assertFalse(row.left_at, "confirmed a moment ago: not read again yet")
        self.server.requests.clear()
        with freeze_time(start + timedelta(seconds=60), tick=True):
            self.env["voip.pbx"]._cron_live_reread()
        self.assertEqual((row.state, row.leave_reason), ("left", "hangup"))
        self.assertEqual((self.room.live_state, self.room.live_count), ("idle", 0))
        self.assertIn(
            ("GET", f"/v1/conferences/{self.room.remote_id}/participants"),
            self.server.requests,
        )
        # Nothing open any more: nothing to read.
        self.server.requests.clear()
        with freeze_time(start + timedelta(seconds=120), tick=True):
            self.env["voip.pbx"]._cron_live_reread()
        self.assertFalse(self.server.requests)

    def test_one_batch_ends_where_the_same_events_one_by_one_end(self):
        """A delivery applied in one go (one read of the room's rows, one
        write per row) ends where its events applied one at a time end."""
        twin = (
            self.env["voip.conference"]
            .with_context(**{INBOUND: True})
            .create(
                {
                    "name": "Twin",
                    "extension": "8556",
                    "pbx_id": self.pbx.id,
                    "remote_id": "twin-room",
                }
            )
        )
        randomly = random.Random(25)
        script = []
        for cursor in range(1, 121):
            person = f"p{randomly.randint(1, 15):03d}"
            kind = randomly.choice(("joined", "updated", "updated", "left", "ended"))
            if kind == "ended" and randomly.random() < 0.8:
                kind = "updated"
            script.append((cursor, person, kind, randomly.random() < 0.5))

        def events(room_id, prefix):
            made = []
            for cursor, person, kind, talking in script:
                if kind == "ended":
                    event = _event(cursor, room_id, kind="conference.ended")
                elif kind == "left":
                    event = _event(
                        cursor, room_id, person, kind="participant.left", state="left"
                    )
                else:
                    event = _event(
                        cursor, room_id, person, f"participant.{kind}", talking=talking
                    )
                made.append(Event.from_dict(event | {"id": f"{prefix}{cursor}"}))
            return made

        Rows = self.env["voip.conference.participation"]
        Rows._live_apply_events(self.pbx, events(self.room.remote_id, "a"))
        for event in events("twin-room", "b"):
            Rows._live_apply_events(self.pbx, [event])

        def outcome(room):
            rows = {
                row.remote_id: (row.state, row.talking, row.leave_reason or "")
                for row in room.participation_ids
            }
            return rows, room.live_count, room.live_ended_cursor, room.live_state

        self.assertEqual(outcome(self.room), outcome(twin))
        self.assertTrue(outcome(self.room)[0])

    def test_a_standard_webhooks_secret_is_read_as_standard_webhooks_does(self):
        key = base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()
        self.pbx.conference_webhook_secret = f"whsec_{key}"
        body = _body(_event(1, self.room.remote_id, "p001"))
        message = f"msg_1.{int(time.time())}.".encode() + body
        digest = hmac.new(base64.b64decode(key), message, hashlib.sha256).digest()
        headers = {
            "Content-Type": "application/json",
            "webhook-id": "msg_1",
            "webhook-timestamp": str(int(time.time())),
            "webhook-signature": "v1," + base64.b64encode(digest).decode(),
        }
        self.assertEqual(self._post(body, headers).status_code, 204)
        self.assertEqual(len(self.room.participation_ids), 1)


@tagged("post_install", "-at_install")
class TestVoipConferenceWebhookSenders(HttpCase):
    """Several senders at once, each on its own connection, as a PBX that
    parallelises its deliveries: every request in its own committed
    transaction, as in production (no test cursor shared by the requests).
    The PBX and its room are committed for the class and removed after."""

    registry_test_mode = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {INBOUND: True})
            pbx = env["voip.pbx"].create(
                {
                    "name": "Busy PBX",
                    "pbx_backend": "none",
                    "conference_webhook_secret": SECRET,
                }
            )
            room = env["voip.conference"].create(
                {
                    "name": "Busy",
                    "extension": "8557",
                    "pbx_id": pbx.id,
                    "remote_id": "busy-room",
                }
            )
            cls.pbx_id, cls.room_id = pbx.id, room.id
        cls.addClassCleanup(cls._drop)

    @classmethod
    def _drop(cls):
        with cls.registry.cursor() as cr:
            for table in ("voip_conference_participation", "voip_conference"):
                cr.execute(f"DELETE FROM {table} WHERE pbx_id = %s", [cls.pbx_id])
            cr.execute("DELETE FROM voip_pbx WHERE id = %s", [cls.pbx_id])

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            cr.execute(
                "DELETE FROM voip_conference_participation WHERE pbx_id = %s",
                [self.pbx_id],
            )
            cr.execute("DELETE FROM voip_pbx_event WHERE pbx_id = %s", [self.pbx_id])
            cr.execute(
                "UPDATE voip_conference SET live_event_cursor = 0, live_count = 0, "
                "live_ended_cursor = 0 WHERE id = %s",
                [self.room_id],
            )
            cr.execute(
                "DELETE FROM ir_cron_trigger WHERE cron_id = %s", [self._drain_cron()]
            )

    def _drain_cron(self):
        return self.env.ref("voip_conference.voip_pbx_cron_live_apply_pending").id

    def _triggers(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM ir_cron_trigger WHERE cron_id = %s",
                [self._drain_cron()],
            )
            return cr.fetchone()[0]

    def _send(self, deliveries, senders):
        """Deliver each list of events of ``deliveries`` from ``senders``
        threads, each with its own HTTP connection; the statuses."""
        url = f"{self.base_url()}/voip_conference/webhook/{self.pbx_id}"
        pending = list(deliveries)
        statuses = []
        lock = threading.Lock()

        def sender():
            with requests.Session() as session:
                while True:
                    with lock:
                        if not pending:
                            return
                        events = pending.pop(0)
                    body = _body(*events)
                    headers = webhook.signed_headers(SECRET, body)
                    response = session.post(url, data=body, headers=headers, timeout=60)
                    with lock:
                        statuses.append(response.status_code)

        threads = [threading.Thread(target=sender) for _index in range(senders)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
        return statuses

    def _drain(self):
        """Run the drain as its scheduled action or job would, once the
        senders are done: what a busy room left pending is applied."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["voip.pbx"].browse(self.pbx_id)._live_apply_pending()

    def _pending(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM voip_pbx_event WHERE pbx_id = %s AND pending",
                [self.pbx_id],
            )
            return cr.fetchone()[0]

    def _found(self):
        """(rows, events recorded, room's count) as committed."""
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT remote_id, state, talking, live_event_cursor "
                "FROM voip_conference_participation WHERE conference_id = %s",
                [self.room_id],
            )
            rows = {row[0]: row[1:] for row in cr.fetchall()}
            cr.execute(
                "SELECT count(*) FROM voip_pbx_event WHERE pbx_id = %s", [self.pbx_id]
            )
            (recorded,) = cr.fetchone()
            cr.execute(
                "SELECT live_count FROM voip_conference WHERE id = %s", [self.room_id]
            )
            (count,) = cr.fetchone()
        return rows, recorded, count

    def test_eight_senders_in_order_lose_nothing(self):
        events = [_event(c, "busy-room", f"p{c:03d}") for c in range(1, 201)]
        statuses = self._send([[event] for event in events], senders=8)
        self.assertEqual(statuses, [204] * 200)
        self._drain()
        self.assertEqual(self._pending(), 0)
        rows, recorded, count = self._found()
        self.assertEqual((len(rows), recorded, count), (200, 200, 200))

    def test_out_of_order_with_duplicates_applies_each_event_once(self):
        """50 people join then leave; the 100 events arrive shuffled, each
        twice, some batched: 50 closed rows, none brought back."""
        events = []
        for person in range(1, 51):
            cursor = 2 * person
            events.append(_event(cursor - 1, "busy-room", f"p{person:03d}"))
            events.append(
                _event(
                    cursor,
                    "busy-room",
                    f"p{person:03d}",
                    kind="participant.left",
                    state="left",
                    leave_reason="hangup",
                )
            )
        randomly = random.Random(22)
        copies = events + events
        randomly.shuffle(copies)
        deliveries = []
        while copies:
            size = randomly.choice((1, 1, 2, 3))
            deliveries.append(copies[:size])
            del copies[:size]
        statuses = self._send(deliveries, senders=8)
        self.assertEqual(statuses, [204] * len(deliveries))
        self._drain()
        rows, recorded, count = self._found()
        self.assertEqual(recorded, 100)
        self.assertEqual(len(rows), 50)
        self.assertEqual({values[0] for values in rows.values()}, {"left"})
        self.assertEqual(count, 100)

    def test_talking_updates_from_four_senders_end_in_each_last_state(self):
        randomly = random.Random(2222)
        events = [_event(c, "busy-room", f"p{c:03d}") for c in range(1, 11)]
        for cursor in range(11, 211):
            person = randomly.randint(1, 10)
            events.append(
                _event(
                    cursor,
                    "busy-room",
                    f"p{person:03d}",
                    kind="participant.updated",
                    talking=randomly.random() < 0.5,
                )
            )
        last = {
            e["participant"]["id"]: e["participant"].get("talking", False)
            for e in events
        }
        randomly.shuffle(events)
        statuses = self._send([[event] for event in events], senders=4)
        self.assertEqual(statuses, [204] * 210)
        self._drain()
        rows, recorded, _count = self._found()
        self.assertEqual(recorded, 210)
        self.assertEqual(
            {person: talking for person, (_s, talking, _c) in rows.items()}, last
        )

    def _busy(self):
        """A transaction holding the room's row, as another delivery or the
        drain applying events does: (cursor, release)."""
        holder = self.registry.cursor()
        holder.execute(
            "SELECT id FROM voip_conference WHERE id = %s FOR NO KEY UPDATE",
            [self.room_id],
        )
        return holder

    def test_a_busy_room_keeps_its_events_pending_until_the_drain(self):
        """Deliveries about a room another transaction holds are answered
        at once, their events stored and pending, the drain woken; the drain
        applies each once (out of order, one sent twice), and run again it
        changes nothing."""
        events = [_event(c, "busy-room", f"p{c:03d}") for c in range(1, 31)]
        deliveries = [[event] for event in reversed(events)] + [[events[3]]]
        holder = self._busy()
        try:
            statuses = self._send(deliveries, senders=4)
            self.assertEqual(statuses, [204] * 31)
            self.assertEqual(self._pending(), 30)
            rows, recorded, count = self._found()
            self.assertEqual((len(rows), recorded, count), (0, 30, 0))
            self.assertTrue(self._triggers())
        finally:
            holder.rollback()
            holder.close()
        self._drain()
        self.assertEqual(self._pending(), 0)
        rows, recorded, count = self._found()
        self.assertEqual((len(rows), recorded, count), (30, 30, 30))
        self._drain()
        self.assertEqual(self._found(), (rows, recorded, count))

    def test_a_delivery_after_the_room_is_free_takes_what_was_left(self):
        """The next delivery that gets the room applies the events others
        left pending, with its own: no drain needed for them."""
        first = _event(1, "busy-room", "p001")
        holder = self._busy()
        try:
            self.assertEqual(self._send([[first]], senders=1), [204])
        finally:
            holder.rollback()
            holder.close()
        self.assertEqual(self._pending(), 1)
        self.assertEqual(self._send([[_event(2, "busy-room", "p002")]], 1), [204])
        self.assertEqual(self._pending(), 0)
        rows, _recorded, count = self._found()
        self.assertEqual((sorted(rows), count), (["p001", "p002"], 2))

    def test_two_drains_at_once_apply_each_event_once(self):
        events = []
        for person in range(1, 41):
            events.append(_event(2 * person - 1, "busy-room", f"p{person:03d}"))
            events.append(
                _event(
                    2 * person,
                    "busy-room",
                    f"p{person:03d}",
                    kind="participant.updated",
                    talking=True,
                )
            )
        holder = self._busy()
        try:
            self._send([[event] for event in events], senders=4)
        finally:
            holder.rollback()
            holder.close()
        self.assertEqual(self._pending(), 80)
        drains = [threading.Thread(target=self._drain) for _index in range(2)]
        for drain in drains:
            drain.start()
        for drain in drains:
            drain.join(120)
        rows, recorded, count = self._found()
        self.assertEqual((len(rows), recorded, count, self._pending()), (40, 80, 80, 0))
        self.assertTrue(all(talking for _state, talking, _c in rows.values()))

    def test_a_large_delivery_is_answered_then_applied_by_the_drain(self):
        """More events than a PBX should wait for: stored, answered, then
        applied whole by the drain."""
        size = LIVE_INLINE_EVENTS + 50
        events = [_event(c, "busy-room", f"p{c:04d}") for c in range(1, size + 1)]
        ended = _event(size + 1, "busy-room", kind="conference.ended")
        later = _event(size + 2, "busy-room", "p9999")
        self.assertEqual(self._send([[*events, ended, later]], senders=1), [204])
        self.assertEqual(self._pending(), size + 2)
        self.assertTrue(self._triggers())
        self._drain()
        rows, recorded, count = self._found()
        self.assertEqual((len(rows), recorded, count), (size + 1, size + 2, size + 2))
        self.assertEqual(
            {state for state, _talking, _c in rows.values()}, {"left", "connected"}
        )
        self.assertEqual(rows["p9999"][0], "connected")
        self.assertEqual(
            sum(1 for state, _t, _c in rows.values() if state == "left"), size
        )
