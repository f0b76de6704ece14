# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""At the start, the PBX calls the external attendees in: once, even with
two cron workers at once (real PostgreSQL connections, real row locks, the
REST backend over loopback HTTP); logged on the event."""

import threading
from datetime import datetime, time, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command, api, fields

from odoo.addons.voip_conference.models.sync.voip_provider_sync_mixin import INBOUND
from odoo.addons.voip_conference.tests.common import LoopbackPbxMixin
from odoo.addons.voip_conference.tools.provider import Room
from odoo.addons.voip_conference.tools.simulated_pbx import SimulatedPbx

from .common import MONDAY, CalendarConferenceCase

TOKEN = "calendar-call-in-token"


class TestCalendarConferenceCallIn(LoopbackPbxMixin, CalendarConferenceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_pbx_server(TOKEN)

    def setUp(self):
        super().setUp()
        # A fresh provider for each test: the server outlives the rollback.
        self.server.pbx = SimulatedPbx()
        self.server.requests.clear()
        # The call-ins are recorded in transactions of their own: forget them.
        with self.registry.cursor() as cr:
            cr.execute("SELECT COALESCE(MAX(id), 0) FROM calendar_event_call_in")
            last = cr.fetchone()[0]
        self.addCleanup(self._forget_call_ins, last)

    def _forget_call_ins(self, last):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM calendar_event_call_in WHERE id > %s", [last])

    def _provision(self, env):
        """A REST PBX whose room 8191 is in production; returns (pbx, room)."""
        remote = self.server.pbx.create_room(Room(name="Calls", extension="8191"))
        self.server.pbx.apply_changes()
        pbx = env["voip.pbx"].create(
            {
                "name": "Call-in PBX",
                "pbx_backend": "rest",
                "api_url": self.server.url,
                "api_token": TOKEN,
                "api_read_timeout": 5,
            }
        )
        room = (
            env["voip.conference"]
            .with_context(**{INBOUND: True})
            .create(
                {
                    "name": "Calls",
                    "extension": "8191",
                    "pbx_id": pbx.id,
                    "remote_id": remote.id,
                }
            )
        )
        return pbx, room

    def _started_event(self, env, room, partners):
        now = fields.Datetime.now()
        return (
            env["calendar.event"]
            .with_context(no_mail_to_attendees=True)
            .create(
                {
                    "name": "Call-in meeting",
                    "start": now - timedelta(minutes=1),
                    "stop": now + timedelta(hours=1),
                    "conference_id": room.id,
                    "conference_call_in": True,
                    "partner_ids": [Command.set(partners.ids)],
                }
            )
        )

    def test_external_attendees_called_in_and_logged(self):
        _pbx, room = self._provision(self.env)
        no_phone = self.env["res.partner"].create({"name": "No Phone"})
        bad_phone = self.env["res.partner"].create({"name": "Bad", "phone": "12"})
        declined = self.env["res.partner"].create(
            {"name": "Declined", "phone": "+32 470 00 00 01"}
        )
        partners = (
            self.guests["fr"]
            | self.guests["es"]
            | no_phone
            | bad_phone
            | declined
            | self.colleague.partner_id
        )
        event = self._started_event(self.env, room, partners)
        event.attendee_ids.filtered(
            lambda a: a.partner_id == declined
        ).state = "declined"
        self.env["calendar.conference.scheduler"]._cron_conference_start()
        invited = sorted(
            p.number for p in self.server.pbx.list_participants(room.remote_id)
        )
        # The colleague has a user: joins from Odoo, is not called; nor is
        # who declined.
        self.assertEqual(invited, ["+33184880199", "+34915550199"])
        self.assertTrue(event.conference_call_in_done)
        [log] = event.message_ids.filtered(lambda m: "Calling" in str(m.body))
        # A line for every attendee.
        for line in (
            "Guest fr_FR (+33184880199): called by the PBX.",
            "Guest es_ES (+34915550199): called by the PBX.",
            "Bad: no valid phone number.",
            "No Phone: no phone number, not called.",
            "Declined: declined, not called.",
            f"{self.colleague.name}: joins from Odoo, not called.",
        ):
            self.assertIn(line, log.body)
        # Once only.
        self.env["calendar.conference.scheduler"]._cron_conference_start()
        self.assertEqual(len(self.server.pbx.list_participants(room.remote_id)), 2)

    def test_a_call_in_run_attempted_again_rings_each_attendee_once(self):
        """The run's transaction fails after the PBX was asked (a
        serialization failure: Odoo runs it again): the second attempt
        sends the same Idempotency-Key, nobody is called twice."""
        _pbx, room = self._provision(self.env)
        event = self._started_event(self.env, room, self.guests["fr"])
        with self.assertRaises(RuntimeError), self.env.cr.savepoint():
            self.env["calendar.conference.scheduler"]._cron_conference_start()
            raise RuntimeError("could not serialize access")
        self.env.invalidate_all()
        self.assertFalse(event.conference_call_in_done)
        self.env["calendar.conference.scheduler"]._cron_conference_start()
        invites = [r for r in self.server.requests if r[1].endswith("/invite")]
        # Asked again with the same key, or not asked again: rung once.
        self.assertIn(len(invites), (1, 2))
        self.assertEqual(len(self.server.pbx.list_participants(room.remote_id)), 1)

    def test_all_day_event_calls_nobody(self):
        """An all-day event has no start time: nobody is called in (it used
        to call at 08:00 UTC, 21:00 in Auckland)."""
        _pbx, room = self._provision(self.env)
        day = MONDAY.date()
        event = self._event(
            room=room,
            allday=True,
            start=datetime.combine(day, time(8)),
            stop=datetime.combine(day, time(18)),
            conference_call_in=True,
            partner_ids=[Command.link(self.guests["fr"].id)],
        )
        for hour in (0, 8, 12, 23):
            with freeze_time(datetime.combine(day, time(hour, 30))):
                self.env["calendar.conference.scheduler"]._cron_conference_start()
        self.assertFalse(self.server.pbx.list_participants(room.remote_id))
        self.assertFalse(event.conference_call_in_done)

    def test_room_not_on_the_pbx_is_logged(self):
        event = self._event(
            start=fields.Datetime.now() - timedelta(minutes=1),
            conference_call_in=True,
            partner_ids=[Command.link(self.guests["fr"].id)],
        )
        self.env["calendar.conference.scheduler"]._cron_conference_start()
        self.assertTrue(event.conference_call_in_done)
        self.assertIn(
            "room Board (8101) is not on the PBX yet", str(event.message_ids[0].body)
        )

    def test_two_cron_workers_invite_once(self):
        """Two workers run the scheduled action at the same moment, each on
        its own PostgreSQL connection: each attendee is called once."""
        registry = self.registry
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            pbx, room = self._provision(env)
            partners = env["res.partner"].create(
                [
                    {"name": "Caller One", "phone": "+32 2 555 01 11"},
                    {"name": "Caller Two", "phone": "+32 2 555 01 22"},
                ]
            )
            event = self._started_event(env, room, partners)
            ids = (pbx.id, room.id, partners.ids, event.id)
            remote_id = room.remote_id
        self.addCleanup(self._cleanup, *ids)
        # Slow invites: the first worker holds its lock while the second one
        # looks at the same event.
        self.server.slow["invite"] = 0.3
        self.addCleanup(self.server.slow.clear)
        barrier = threading.Barrier(2)
        errors = []

        def worker():
            try:
                with registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    barrier.wait(timeout=10)
                    env["calendar.conference.scheduler"]._cron_conference_start()
            except Exception as error:  # noqa: BLE001 (reported below)
                errors.append(error)

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        invites = [r for r in self.server.requests if r[1].endswith("/invite")]
        self.assertEqual(len(invites), 2)
        # The second worker skipped the locked event: no failed transaction.
        self.assertEqual(errors, [])
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            event = env["calendar.event"].browse(ids[3])
            self.assertTrue(event.conference_call_in_done)
            logs = event.message_ids.filtered(lambda m: "Calling" in str(m.body))
            self.assertEqual(len(logs), 1)
        callers = sorted(p.number for p in self.server.pbx.list_participants(remote_id))
        self.assertEqual(callers, ["+3225550111", "+3225550122"])

    def _committed_meeting(self):
        """A started meeting with call-in and two callers, committed (as the
        scheduled action finds it); returns its id and its room's remote id."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            pbx, room = self._provision(env)
            partners = env["res.partner"].create(
                [
                    {"name": "Caller One", "phone": "+32 470 00 00 01"},
                    {"name": "Caller Two", "phone": "+32 470 00 00 02"},
                ]
            )
            event = self._started_event(env, room, partners)
            ids = (pbx.id, room.id, partners.ids, event.id)
            remote_id = room.remote_id
        self.addCleanup(self._cleanup, *ids)
        return event.id, remote_id

    def _killed_run(self):
        """A run of the scheduled action whose transaction is rolled back
        (the worker died before its commit)."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["calendar.conference.scheduler"]._cron_conference_start()
            cr.rollback()

    def _run_again(self, event_id):
        """Run the scheduled action again; return the event's call-in log."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            event = env["calendar.event"].browse(event_id)
            self.assertFalse(event.conference_call_in_done, "rolled back")
            env["calendar.conference.scheduler"]._cron_conference_start()
            self.assertTrue(event.conference_call_in_done)
            [log] = event.message_ids.filtered(lambda m: "Calling" in str(m.body))
            return str(log.body)

    def test_a_killed_run_is_retried_without_calling_twice(self):
        event_id, remote_id = self._committed_meeting()
        self._killed_run()
        log = self._run_again(event_id)
        invites = [r for r in self.server.requests if r[1].endswith("/invite")]
        self.assertEqual(len(invites), 2)
        self.assertIn(
            "Caller One (+32470000001): already called in by an earlier run.", log
        )
        callers = sorted(p.number for p in self.server.pbx.list_participants(remote_id))
        self.assertEqual(callers, ["+32470000001", "+32470000002"])

    def test_a_run_killed_while_asking_the_pbx_rings_once(self):
        """Killed between the PBX's answer and its record: asked again, with
        the same idempotency key, the PBX rings nobody twice."""
        event_id, remote_id = self._committed_meeting()
        CallIn = type(self.env["calendar.event.call.in"])
        with patch.object(CallIn, "_conference_mark_called", lambda self, key: None):
            self._killed_run()
        self._run_again(event_id)
        callers = sorted(p.number for p in self.server.pbx.list_participants(remote_id))
        self.assertEqual(callers, ["+32470000001", "+32470000002"])

    def _cleanup(self, pbx_id, room_id, partner_ids, event_id):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {INBOUND: True})
            env["calendar.event"].browse(event_id).unlink()
            env["res.partner"].browse(partner_ids).unlink()
            room = env["voip.conference"].browse(room_id)
            room.write({"remote_id": False})
            room.unlink()
            env["voip.pbx.deletion"].search([("pbx_id", "=", pbx_id)]).unlink()
            env["voip.pbx"].browse(pbx_id).unlink()
