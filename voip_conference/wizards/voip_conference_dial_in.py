# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models


class VoipConferenceDialIn(models.TransientModel):
    """Dial-in Details of a room: the room's one dial-in block, for its
    reader, and the same as text for Copy.

    Opened by :meth:`voip.conference.action_dial_in` for a user who may join;
    the block carries the access code only when its reader may read it (see
    ``voip.conference._dial_in_values``), and a transient record is readable
    by its creator only.
    """

    _name = "voip.conference.dial.in"
    _inherit = ["voip.conference.wizard.mixin"]
    _description = "Dial-in Details of a Conference Room"

    conference_id = fields.Many2one("voip.conference", readonly=True)
    details = fields.Html(compute="_compute_details", sanitize=False)
    details_text = fields.Text(
        string="Dial-in Details as Text", compute="_compute_details"
    )

    @api.depends("conference_id")
    @api.depends_context("uid", "lang")
    def _compute_details(self):
        for wizard in self:
            room = wizard.conference_id
            values = room._dial_in_values() if room else {}
            wizard.details = room._dial_in_html(values)
            wizard.details_text = room._dial_in_text(values)
