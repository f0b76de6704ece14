# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# A feature folder extends the model, as mail's models/discuss/ does:
# pylint: disable=consider-merging-classes-inherited
"""A room's bookings: the coming events held in it."""

from odoo import fields, models


class VoipConference(models.Model):
    _inherit = "voip.conference"

    booking_count = fields.Integer(string="Bookings", compute="_compute_booking_count")

    def _compute_booking_count(self):
        counts = dict(
            self.env["calendar.event"]
            .sudo()
            ._read_group(
                [
                    ("conference_id", "in", self.ids),
                    ("stop", ">=", fields.Datetime.now()),
                ],
                ["conference_id"],
                ["__count"],
            )
        )
        for room in self:
            room.booking_count = counts.get(room, 0)

    def action_view_bookings(self):
        """The room's calendar events, double bookings in red."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "voip_conference_calendar.calendar_event_action_conference_bookings"
        )
        action["domain"] = [("conference_id", "=", self.id)]
        action["context"] = {"default_conference_id": self.id}
        action["display_name"] = self.env._("Bookings of %(room)s", room=self.name)
        return action
