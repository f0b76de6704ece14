# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""With OCA queue_job installed, a meeting's call-in is a job: one per
meeting while it waits, each attendee called once when it runs, again or
not (needs a database with queue_job: scripts/test tier 2 makes one)."""

from odoo.tests import tagged

from odoo.addons.queue_job.job import Job
from odoo.addons.voip_conference.tests.common import LoopbackPbxMixin
from odoo.addons.voip_conference.tools.simulated_pbx import SimulatedPbx

from .. import test_call_in
from ..common import CalendarConferenceCase


@tagged("post_install", "-at_install", "voip_conference_queue_job")
class TestCallInJob(LoopbackPbxMixin, CalendarConferenceCase):
    # Its helpers, not its tests (a test class named in this module would
    # run here too).
    _provision = test_call_in.TestCalendarConferenceCallIn._provision
    _started_event = test_call_in.TestCalendarConferenceCallIn._started_event
    _forget_call_ins = test_call_in.TestCalendarConferenceCallIn._forget_call_ins

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_pbx_server(test_call_in.TOKEN)

    def setUp(self):
        super().setUp()
        self.server.pbx = SimulatedPbx()
        with self.registry.cursor() as cr:
            cr.execute("SELECT COALESCE(MAX(id), 0) FROM calendar_event_call_in")
            last = cr.fetchone()[0]
        self.addCleanup(self._forget_call_ins, last)

    def test_the_call_in_is_one_job_that_calls_each_attendee_once(self):
        _pbx, room = self._provision(self.env)
        guests = self.guests["fr"] | self.guests["es"]
        event = self._started_event(self.env, room, guests)
        Scheduler = self.env["calendar.conference.scheduler"]
        Scheduler._cron_conference_start()
        key = f"voip_conference_call_in:{event.id}:{event.start:%Y%m%dT%H%M%S}"
        job = self.env["queue.job"].search([("identity_key", "=", key)])
        self.assertEqual(len(job), 1)
        self.assertEqual(job.channel, "root.voip_conference")
        self.assertFalse(self.server.pbx.list_participants(room.remote_id))
        Scheduler._cron_conference_start()  # claimed: no second job
        self.assertEqual(
            self.env["queue.job"].search_count([("identity_key", "=", key)]), 1
        )
        with self.enter_registry_test_mode():
            Job.load(self.env, job.uuid).perform()
            Job.load(self.env, job.uuid).perform()  # a retry: nobody twice
        invited = sorted(
            p.number for p in self.server.pbx.list_participants(room.remote_id)
        )
        self.assertEqual(invited, ["+33184880199", "+34915550199"])
