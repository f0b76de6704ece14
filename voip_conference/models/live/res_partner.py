# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    voip_participation_ids = fields.One2many(
        "voip.conference.participation",
        "partner_id",
        string="Conference Participations",
        groups="voip_conference.voip_conference_group_user",
    )
