# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class VoipPbx(models.Model):
    _inherit = "voip.pbx"

    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to share this PBX between all companies.",
    )
    conference_max_rooms = fields.Integer(
        string="Maximum Rooms",
        help="How many conference rooms the PBX accepts. Empty means no limit. "
        "An Ooma conference server accepts 10.",
    )
    conference_max_participants = fields.Integer(
        string="Maximum Participants per Room",
        help="How many people may be in one room at once. Empty means no limit. "
        "An Ooma conference server accepts 10.",
    )
    conference_ids = fields.One2many("voip.conference", "pbx_id", string="Rooms")
    conference_count = fields.Integer(compute="_compute_counts")
    incoming_number_ids = fields.One2many(
        "voip.incoming.number", "pbx_id", string="Incoming Numbers"
    )
    incoming_number_count = fields.Integer(compute="_compute_counts")

    def _compute_counts(self):
        for fname, model in (
            ("conference_count", "voip.conference"),
            ("incoming_number_count", "voip.incoming.number"),
        ):
            counts = dict(
                self.env[model]._read_group(
                    [("pbx_id", "in", self.ids)], ["pbx_id"], ["__count"]
                )
            )
            for pbx in self:
                pbx[fname] = counts.get(pbx, 0)

    @api.constrains("conference_max_rooms", "conference_max_participants")
    def _check_conference_limits(self):
        for pbx in self:
            if pbx.conference_max_rooms < 0 or pbx.conference_max_participants < 0:
                raise ValidationError(
                    self.env._(
                        "The limits of PBX %(pbx)s cannot be negative; "
                        "leave them empty for no limit.",
                        pbx=pbx.display_name,
                    )
                )
        # Lowering a limit below what exists would make every later save fail.
        self.env["voip.conference"].search(
            [("pbx_id", "in", self.ids)]
        )._check_capacity()

    def action_view_conferences(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "voip_conference.voip_conference_action"
        )
        action["domain"] = [("pbx_id", "=", self.id)]
        action["context"] = {"default_pbx_id": self.id}
        return action

    def action_view_incoming_numbers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "voip_conference.voip_incoming_number_action"
        )
        action["domain"] = [("pbx_id", "=", self.id)]
        action["context"] = {"default_pbx_id": self.id}
        return action
