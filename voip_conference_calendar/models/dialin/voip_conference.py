# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# A feature folder extends the model, as mail's models/discuss/ does:
# pylint: disable=consider-merging-classes-inherited
"""A room whose dial-in changes tells the attendees of its coming meetings."""

from odoo import models

# What an attendee dials besides the numbers (see voip.incoming.number).
DIAL_IN_FIELDS = ("extension", "access_code")


class VoipConference(models.Model):
    _inherit = "voip.conference"

    def write(self, vals):
        watched = [name for name in DIAL_IN_FIELDS if name in vals]
        before = (
            {room: room.sudo().read(watched)[0] for room in self} if watched else {}
        )
        result = super().write(vals)
        changed = self.filtered(
            lambda room: before and room.sudo().read(watched)[0] != before[room]
        )
        if changed:
            self.env["calendar.event"]._conference_dial_in_changed(rooms=changed)
        return result
