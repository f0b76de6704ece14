# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# A feature folder extends the model, as mail's models/discuss/ does:
# pylint: disable=consider-merging-classes-inherited
"""Attendance: after the meeting, who joined and left the room, and when,
posted on the event from the room's participations (by
calendar.conference.scheduler, or now by the organiser)."""

from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import AccessError

from ..calendar_event import MANAGER_GROUP

# A participation counts for an event when it overlaps the event widened by
# this margin: people join early and stay late.
ATTENDANCE_MARGIN = timedelta(minutes=15)


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    conference_attendance_posted = fields.Boolean(
        string="Attendance Posted", copy=False, readonly=True
    )

    def _conference_participations(self):
        """The room's participations overlapping the event (with margins)."""
        self.ensure_one()
        start, stop = self._conference_interval()
        return (
            self.env["voip.conference.participation"]
            .sudo()
            .search(
                [
                    ("conference_id", "=", self.conference_id.id),
                    ("joined_at", "<", stop + ATTENDANCE_MARGIN),
                    "|",
                    ("left_at", "=", False),
                    ("left_at", ">", start - ATTENDANCE_MARGIN),
                ],
                order="joined_at, id",
            )
        )

    def _conference_post_attendance(self):
        """Post who joined and left the room, and when, on the event: in the
        organiser's language and time zone (the log is posted once, for all
        its readers)."""
        self.ensure_one()
        event = self.with_context(lang=self.user_id.lang or self.env.lang)
        body = event.env["ir.qweb"]._render(
            "voip_conference_calendar.calendar_event_attendance",
            {
                "event": event,
                "room": event.conference_id.sudo().display_name,
                "rows": [
                    event._conference_attendance_row(p)
                    for p in event._conference_participations()
                ],
            },
        )
        self.sudo().message_post(body=body)

    def _conference_attendance_row(self, participation):
        """One line of the attendance: who, from which number, when they
        joined and left, and why they left."""
        p = participation
        reasons = dict(p._fields["leave_reason"]._description_selection(self.env))
        return {
            "name": p.partner_id.display_name
            or p.user_id.display_name
            or p.name
            or p.number_display,
            "number": p.number_display,
            "joined": self._conference_format_time(p.joined_at),
            "left": self._conference_format_time(p.left_at),
            "reason": reasons.get(p.leave_reason, ""),
        }

    def _conference_format_time(self, value):
        """``value`` (naive UTC) in the event's time zone (else the
        organiser's), as the environment's language writes it."""
        if not value:
            return ""
        return self._conference_when(
            value, tz=self.event_tz or self.user_id.tz or "UTC"
        )

    def action_conference_post_attendance(self):
        """Post the attendance now (managers, or the organiser)."""
        for event in self:
            if not (
                event.user_id == self.env.user or self.env.user.has_group(MANAGER_GROUP)
            ):
                raise AccessError(
                    self.env._(
                        "Only the organiser or a conference manager may post the "
                        "attendance of %(event)s.",
                        event=event.name,
                    )
                )
            event._conference_post_attendance()
            event.sudo().conference_attendance_posted = True
        return True
