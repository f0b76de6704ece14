# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Up to 19.0.1.1.0 the timed jobs were methods of calendar.event; they are
now calendar.conference.scheduler's (as calendar.alarm_manager holds
calendar's). The crons are noupdate data: point them at their new model here,
keeping what an administrator set (interval, active, next call)."""

from odoo import SUPERUSER_ID, api

CRONS = {
    "voip_conference_calendar.ir_cron_calendar_conference_start": (
        "model._cron_conference_start()"
    ),
    "voip_conference_calendar.ir_cron_calendar_conference_attendance": (
        "model._cron_conference_attendance()"
    ),
}


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    model_id = env["ir.model"]._get_id("calendar.conference.scheduler")
    for xmlid, code in CRONS.items():
        cron = env.ref(xmlid, raise_if_not_found=False)
        if cron:
            cron.write({"model_id": model_id, "code": code})
