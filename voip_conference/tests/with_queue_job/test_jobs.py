# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""With OCA queue_job installed, background work runs as jobs: one per
identity key while it waits, committed with the work that asked for it,
doing what the addon does without queue_job once performed.

Needs a database with queue_job installed: scripts/test tier 2 runs this
folder in a copy of its database where it installs queue_job. Real row
locks on committed rooms for the drain, as in test_webhook.py."""

from datetime import UTC, datetime

from odoo import SUPERUSER_ID, api
from odoo.tests import HttpCase, TransactionCase, tagged

from odoo.addons.queue_job.job import Job

from ...models.sync.voip_provider_sync_mixin import INBOUND, PUSH_KEY
from ...tools.provider import Event
from ..common import LoopbackPbxMixin

TOKEN = "queue-job-test-token"


def _joined(cursor, room_id):
    at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return Event.from_dict(
        {
            "cursor": cursor,
            "type": "participant.joined",
            "room_id": room_id,
            "at": at,
            "room": {
                "room_id": room_id,
                "state": "active",
                "locked": False,
                "participant_count": cursor,
            },
            "participant": {
                "id": f"p{cursor:03d}",
                "room_id": room_id,
                "number": f"+3225559{cursor:03d}",
                "state": "connected",
                "joined_at": at,
            },
        }
    )


def _jobs(env, key):
    return env["queue.job"].search([("identity_key", "=", key)])


def _perform(env, job):
    Job.load(env, job.uuid).perform()


@tagged("post_install", "-at_install", "voip_conference_queue_job")
class TestDrainJob(HttpCase):
    """A delivery that finds its room busy leaves one drain job per PBX."""

    registry_test_mode = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {INBOUND: True})
            pbx = env["voip.pbx"].create({"name": "Queued", "pbx_backend": "none"})
            room = env["voip.conference"].create(
                {
                    "name": "Queued",
                    "extension": "8561",
                    "pbx_id": pbx.id,
                    "remote_id": "queued-room",
                }
            )
            cls.pbx_id, cls.room_id = pbx.id, room.id
        cls.key = f"voip_conference_live_drain:{cls.pbx_id}"
        cls.addClassCleanup(cls._drop)

    @classmethod
    def _drop(cls):
        with cls.registry.cursor() as cr:
            cr.execute("DELETE FROM queue_job WHERE identity_key = %s", [cls.key])
            for table in ("voip_conference_participation", "voip_conference"):
                cr.execute(f"DELETE FROM {table} WHERE pbx_id = %s", [cls.pbx_id])
            cr.execute("DELETE FROM voip_pbx WHERE id = %s", [cls.pbx_id])

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM queue_job WHERE identity_key = %s", [self.key])
            cr.execute("DELETE FROM voip_pbx_event WHERE pbx_id = %s", [self.pbx_id])
            cr.execute(
                "DELETE FROM voip_conference_participation WHERE pbx_id = %s",
                [self.pbx_id],
            )

    def _deliver(self, *events):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            pbx = env["voip.pbx"].browse(self.pbx_id)
            env["voip.conference.participation"]._live_apply_events(pbx, events)

    def test_a_busy_room_leaves_one_drain_job_that_applies_its_events(self):
        holder = self.registry.cursor()
        try:
            holder.execute(
                "SELECT id FROM voip_conference WHERE id = %s FOR NO KEY UPDATE",
                [self.room_id],
            )
            self._deliver(_joined(1, "queued-room"))
            self._deliver(_joined(2, "queued-room"), _joined(3, "queued-room"))
        finally:
            holder.rollback()
            holder.close()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            jobs = _jobs(env, self.key)
            self.assertEqual(len(jobs), 1, "one job while it waits")
            self.assertEqual(jobs.channel, "root.voip_conference")
            self.assertFalse(env["voip.conference"].browse(self.room_id).live_count)
            _perform(env, jobs)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            room = env["voip.conference"].browse(self.room_id)
            self.assertEqual(len(room.participation_ids), 3)
            self.assertEqual(room.live_count, 3)
            cr.execute(
                "SELECT count(*) FROM voip_pbx_event WHERE pbx_id = %s AND pending",
                [self.pbx_id],
            )
            self.assertEqual(cr.fetchone()[0], 0)
            # Performed again (a retry): nothing more.
            _perform(env, _jobs(env, self.key))
            self.assertEqual(len(room.participation_ids), 3)

    def test_an_uncontended_delivery_needs_no_job(self):
        self._deliver(_joined(7, "queued-room"))
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertFalse(_jobs(env, self.key))


@tagged("post_install", "-at_install", "voip_conference_queue_job")
class TestPushJob(LoopbackPbxMixin, TransactionCase):
    """Save makes one push job per PBX instead of a post-commit push."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_pbx_server(TOKEN)
        cls.pbx = cls.env["voip.pbx"].create(
            {
                "name": "Queued REST PBX",
                "pbx_backend": "rest",
                "api_url": cls.server.url,
                "api_token": TOKEN,
            }
        )

    def test_save_makes_one_push_job_that_pushes(self):
        Room = self.env["voip.conference"]
        room = Room.create({"name": "Jobs", "extension": "8562", "pbx_id": self.pbx.id})
        room.name = "Jobs, renamed"
        Room.create({"name": "More", "extension": "8563", "pbx_id": self.pbx.id})
        self.assertFalse(self.env.cr.postcommit.data.get(PUSH_KEY))
        jobs = _jobs(self.env, f"voip_conference_push:{self.pbx.id}")
        self.assertEqual(len(jobs), 1)
        self.assertEqual(room.sync_state, "pending")
        self.assertFalse(self.server.pbx.list_rooms())
        with self.enter_registry_test_mode():
            _perform(self.env, jobs)
        self.env.invalidate_all()
        self.assertEqual(room.sync_state, "pushed")
        self.assertEqual(
            sorted(r.name for r in self.server.pbx.list_rooms()),
            ["Jobs, renamed", "More"],
        )
        self.assertEqual(jobs.channel, "root.voip_conference")
