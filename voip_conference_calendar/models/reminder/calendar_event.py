# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# A feature folder extends the model, as mail's models/discuss/ does:
# pylint: disable=consider-merging-classes-inherited
"""Reminder: a few minutes before the start, the internal attendees get a
notification with Join (sent by calendar.conference.scheduler)."""

from odoo import fields, models


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    conference_reminder_sent = fields.Boolean(copy=False, readonly=True)

    def _conference_notify_internal_attendees(self):
        """A notification with Join for every internal attendee."""
        self.ensure_one()
        users = self.sudo().partner_ids.user_ids.filtered(lambda u: not u.share)
        for user in users:
            event = self.with_user(user).with_context(lang=user.lang)
            user._bus_send(
                "voip_conference_calendar/reminder",
                {
                    "event_id": self.id,
                    "title": event.env._(
                        "Conference starting: %(event)s", event=self.name
                    ),
                    "message": event.env._(
                        "%(event)s starts at %(when)s in room %(room)s.",
                        event=self.name,
                        when=event._conference_when_soon(),
                        room=self.conference_id.sudo().display_name,
                    ),
                },
            )
