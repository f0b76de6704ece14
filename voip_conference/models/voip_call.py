# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models


class VoipCall(models.Model):
    _inherit = "voip.call"

    # Calls linked to a room are visible only to who may read the room
    # (record rule voip_call_rule_conference); linking is checked here.
    conference_id = fields.Many2one(
        "voip.conference",
        string="Conference Room",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )

    def _check_conference_link(self, vals):
        """Only a room the current user may read can be linked to a call.

        :raises AccessError: the room is not readable (group, company).
        """
        if vals.get("conference_id") and not self.env.su:
            self.env["voip.conference"].browse(vals["conference_id"]).check_access(
                "read"
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_conference_link(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_conference_link(vals)
        return super().write(vals)

    def format_call(self):
        result = super().format_call()
        if self.conference_id:
            result["conference"] = {
                "id": self.conference_id.id,
                "name": self.conference_id.name,
            }
        return result
