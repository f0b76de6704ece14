# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models


class VoipConferenceRouteNumber(models.TransientModel):
    _name = "voip.conference.route.number"
    _inherit = ["voip.conference.wizard.mixin"]
    _description = "Route an Incoming Number to a Conference Room"

    conference_id = fields.Many2one(
        "voip.conference", string="Conference Room", required=True, readonly=True
    )
    pbx_id = fields.Many2one(related="conference_id.pbx_id")
    incoming_number_id = fields.Many2one(
        "voip.incoming.number",
        required=True,
        domain="[('pbx_id', '=', pbx_id), ('conference_id', '!=', conference_id)]",
    )
    current_destination = fields.Char(
        related="incoming_number_id.destination_display",
        string="Current Destination",
    )

    def action_route(self):
        self.env["res.users"]._voip_conference_check_rights("manager")
        self.ensure_one()
        self.incoming_number_id.write(
            {
                "destination_type": "conference",
                "conference_id": self.conference_id.id,
                "destination_extension": False,
                "dial_plan": False,
            }
        )
        return {"type": "ir.actions.act_window_close"}
