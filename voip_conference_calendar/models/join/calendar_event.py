# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# A feature folder extends the model, as mail's models/discuss/ does:
# pylint: disable=consider-merging-classes-inherited
"""Join: the event's room joined from the phone widget, by its attendees
and the conference managers."""

from odoo import models
from odoo.exceptions import AccessError, UserError


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    def action_conference_join(self):
        """Join the event's room from the phone widget."""
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "voip_conference_calendar.join",
            "params": {"event_id": self.id},
        }

    def get_conference_join_sequence(self):
        """What the phone widget dials to join the event's room.

        For the event's attendees and the conference managers only, the
        readers of its access code: attendees who are not conference users
        were given the code in their invitation and have it sent for them.
        Same shape as ``voip.conference.get_join_sequence``.
        """
        self.ensure_one()
        self.check_access("read")
        room = self.conference_id
        if not room:
            raise UserError(
                self.env._("%(event)s has no conference room.", event=self.name)
            )
        if not self._conference_may_read_code():
            raise AccessError(
                self.env._(
                    "Only the attendees of %(event)s and the conference managers "
                    "may join its conference from the event.",
                    event=self.name,
                )
            )
        # The room's own sequence, with rights that may read the room.
        return room.with_user(self.env.ref("base.user_root")).get_join_sequence()
