# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# A feature folder extends the model, as mail's models/discuss/ does:
# pylint: disable=consider-merging-classes-inherited

from odoo import api, models

# What the attendees of the meetings in a room read of a number routed to it.
DIAL_IN_FIELDS = ("number", "name", "active", "destination_type", "conference_id")


class VoipIncomingNumber(models.Model):
    _inherit = "voip.incoming.number"

    def _conference_rooms(self):
        return (
            self.sudo()
            .filtered(lambda n: n.destination_type == "conference")
            .conference_id
        )

    def _conference_dial_in_changed(self, rooms):
        if rooms:
            self.env["calendar.event"]._conference_dial_in_changed(rooms=rooms)

    @api.model_create_multi
    def create(self, vals_list):
        numbers = super().create(vals_list)
        numbers._conference_dial_in_changed(numbers._conference_rooms())
        return numbers

    def write(self, vals):
        if not any(name in vals for name in DIAL_IN_FIELDS):
            return super().write(vals)
        before = {n: (n._conference_snapshot(), n._conference_rooms()) for n in self}
        result = super().write(vals)
        rooms = self.env["voip.conference"]
        for number, (snapshot, old_rooms) in before.items():
            if number._conference_snapshot() != snapshot:
                rooms |= old_rooms | number._conference_rooms()
        self._conference_dial_in_changed(rooms)
        return result

    def unlink(self):
        rooms = self._conference_rooms()
        result = super().unlink()
        self._conference_dial_in_changed(rooms)
        return result

    def _conference_snapshot(self):
        number = self.sudo()
        return tuple(number[name] for name in DIAL_IN_FIELDS)
