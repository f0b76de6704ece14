# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, models


class CalendarAttendee(models.Model):
    _inherit = "calendar.attendee"

    @api.model_create_multi
    def create(self, vals_list):
        attendees = super().create(vals_list)
        attendees.event_id._conference_check_new_attendees(attendees)
        return attendees

    def write(self, vals):
        result = super().write(vals)
        if "partner_id" in vals:
            self.event_id._conference_check_new_attendees(self)
        return result
