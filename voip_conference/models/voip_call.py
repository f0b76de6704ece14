# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models


class VoipCall(models.Model):
    _inherit = "voip.call"

    conference_id = fields.Many2one(
        "voip.conference",
        string="Conference Room",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )
    adhoc_conference_id = fields.Many2one(
        "voip.call.conference",
        string="Conference from a Call",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        help="The conference the host made of this call and others.",
    )
    adhoc_end_reason = fields.Selection(
        [
            ("hangup", "Hung up"),
            ("removed", "Disconnected by the host"),
            ("ended", "Conference ended"),
            ("transferred", "Transferred"),
            ("rejected", "Not answered"),
            ("cancelled", "Cancelled"),
        ],
        string="Leg Ended",
        readonly=True,
        help="How this call left its conference.",
    )

    @api.model
    def create_call(self, values):
        if values.get("conference_id"):
            # Only a room the user may join can be linked to their call.
            self.env["voip.conference"].browse(values["conference_id"]).check_access(
                "read"
            )
        return super().create_call(values)

    def format_call(self):
        result = super().format_call()
        if self.conference_id:
            result["conference"] = {
                "id": self.conference_id.id,
                "name": self.conference_id.name,
            }
        return result
