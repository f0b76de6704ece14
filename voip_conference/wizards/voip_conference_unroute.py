# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models

from ..models.voip_conference import UNROUTE_CONTEXT_KEY


class VoipConferenceUnroute(models.TransientModel):
    _name = "voip.conference.unroute"
    _inherit = ["voip.conference.wizard.mixin"]
    _description = "Archive or Delete Rooms that Incoming Numbers Reach"

    mode = fields.Selection(
        [("archive", "Archive"), ("delete", "Delete")], required=True, default="archive"
    )
    conference_ids = fields.Many2many("voip.conference", string="Rooms", required=True)
    incoming_number_ids = fields.Many2many(
        "voip.incoming.number",
        string="Numbers Reset to 'Not Configured'",
        compute="_compute_incoming_number_ids",
    )

    @api.depends("conference_ids")
    def _compute_incoming_number_ids(self):
        for wizard in self:
            wizard.incoming_number_ids = wizard.conference_ids.incoming_number_ids

    def action_confirm(self):
        self.env["res.users"]._voip_conference_check_rights("manager")
        self.ensure_one()
        rooms = self.conference_ids.with_context(**{UNROUTE_CONTEXT_KEY: True})
        if self.mode == "delete":
            rooms.unlink()
            action = self.env["ir.actions.act_window"]._for_xml_id(
                "voip_conference.voip_conference_action"
            )
            # "main": the rooms' view replaces the breadcrumb, which would
            # otherwise still offer the deleted room's form.
            return action | {"target": "main"}
        rooms.action_archive()
        return {"type": "ir.actions.act_window_close"}
