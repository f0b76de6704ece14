# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The timed jobs are calendar.conference.scheduler's (as calendar's are
calendar.alarm_manager's), on a new database and after an upgrade."""

from odoo.modules.module import load_script
from odoo.tests import TransactionCase
from odoo.tools import file_path

CRONS = {
    "voip_conference_calendar.ir_cron_calendar_conference_start": (
        "_cron_conference_start"
    ),
    "voip_conference_calendar.ir_cron_calendar_conference_attendance": (
        "_cron_conference_attendance"
    ),
}


class TestCalendarConferenceScheduler(TransactionCase):
    def _assert_on_the_scheduler(self):
        for xmlid, method in CRONS.items():
            cron = self.env.ref(xmlid)
            self.assertEqual(cron.model_id.model, "calendar.conference.scheduler")
            self.assertEqual(cron.code, f"model.{method}()")
            self.assertTrue(callable(getattr(self.env[cron.model_name], method)))

    def test_crons_run_the_scheduler(self):
        self._assert_on_the_scheduler()

    def test_upgrade_moves_the_crons_to_the_scheduler(self):
        """Up to 19.0.1.1.0 they were calendar.event's; the crons are
        noupdate, so the upgrade moves them, keeping what was set."""
        for xmlid, method in CRONS.items():
            self.env.ref(xmlid).write(
                {
                    "model_id": self.env["ir.model"]._get_id("calendar.event"),
                    "code": f"model.{method}()",
                    "interval_number": 7,
                    "active": False,
                }
            )
        migration = load_script(
            file_path("voip_conference_calendar/migrations/19.0.1.2.0/post-migrate.py"),
            "voip_conference_calendar_post_migrate_19_0_1_2_0",
        )
        migration.migrate(self.env.cr, "19.0.1.1.0")
        self._assert_on_the_scheduler()
        for xmlid in CRONS:
            cron = self.env.ref(xmlid)
            self.assertEqual((cron.interval_number, cron.active), (7, False))
