# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The timed jobs of the calendar conferences, as calendar.alarm_manager
holds calendar's: reminders and call-ins at the start, the attendance after
the end. Each finds the events due, claims them (two workers never handle
one event twice), and hands each to its feature on calendar.event."""

from datetime import timedelta

from odoo import api, fields, models

from .attendance.calendar_event import ATTENDANCE_MARGIN

# How long before the start the internal attendees are reminded (minutes);
# overridable with the system parameter of the same name.
REMINDER_MINUTES_PARAM = "voip_conference_calendar.reminder_minutes"
REMINDER_MINUTES = 5
# The attendance of a meeting that ended longer ago is not posted any more.
ATTENDANCE_KEPT = timedelta(days=7)


class CalendarConferenceScheduler(models.AbstractModel):
    _name = "calendar.conference.scheduler"
    _description = "Calendar Conferences: Reminders, Call-ins and Attendance"

    @api.model
    def _cron_conference_start(self):
        """Remind internal attendees, then have the PBX call external
        attendees in, for events about to start or starting."""
        self._send_reminders()
        self._call_in_due()

    @api.model
    def _cron_conference_attendance(self):
        """Post the attendance of the conferences that ended."""
        self._post_attendance_due()

    @api.model
    def _claim(self, events, flag):
        """Lock ``events`` and keep those whose ``flag`` is still unset.

        Two workers running at once each lock what the other has not; a row
        the other already handled (committed) reads as done after the lock.
        """
        locked = events.try_lock_for_update()
        locked.invalidate_recordset([flag])
        todo = locked.filtered(lambda e: not e[flag])
        todo.write({flag: True})
        todo.flush_recordset([flag])
        return todo

    @api.model
    def _due(self, domain):
        """The events with a room matching ``domain`` (as superuser)."""
        return (
            self.env["calendar.event"]
            .sudo()
            .search([("conference_id", "!=", False), *domain])
        )

    @api.model
    def _reminder_minutes(self):
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(REMINDER_MINUTES_PARAM, REMINDER_MINUTES)
        )

    @api.model
    def _send_reminders(self):
        now = fields.Datetime.now()
        events = self._due(
            [
                ("conference_reminder_sent", "=", False),
                ("start", "<=", now + timedelta(minutes=self._reminder_minutes())),
                ("stop", ">", now),
                ("allday", "=", False),
            ]
        )
        for event in self._claim(events, "conference_reminder_sent"):
            event._conference_notify_internal_attendees()

    @api.model
    def _call_in_due(self):
        now = fields.Datetime.now()
        events = self._due(
            [
                ("conference_call_in", "=", True),
                ("conference_call_in_done", "=", False),
                ("start", "<=", now),
                ("stop", ">", now),
                # No start time, no moment to call anyone (see USAGE).
                ("allday", "=", False),
            ]
        )
        Job = self.env["voip.conference.job"]
        for event in self._claim(events, "conference_call_in_done"):
            # A job per meeting with queue_job (its attendees are each
            # called once whatever the runs: calendar.event.call.in), else
            # at once.
            Job._delay(
                event,
                "_conference_call_in",
                f"voip_conference_call_in:{event.id}:{event.start:%Y%m%dT%H%M%S}",
                description=f"Call the attendees of meeting {event.id} in",
            )

    @api.model
    def _post_attendance_due(self):
        now = fields.Datetime.now()
        events = self._due(
            [
                ("conference_attendance_posted", "=", False),
                ("stop", "<=", now - ATTENDANCE_MARGIN),
                ("stop", ">", now - ATTENDANCE_KEPT),
            ]
        )
        for event in self._claim(events, "conference_attendance_posted"):
            event._conference_post_attendance()
