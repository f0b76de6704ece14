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
