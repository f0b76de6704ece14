# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models


class VoipConferenceDialIn(models.TransientModel):
    """One-tap strings to join a room from outside the PBX.

    Built by :meth:`voip.conference.action_dial_in` for a user who may join
    (the strings contain the access code); a transient record is readable by
    its creator only.
    """

    _name = "voip.conference.dial.in"
    _inherit = ["voip.conference.wizard.mixin"]
    _description = "Dial-in Details of a Conference Room"

    conference_id = fields.Many2one("voip.conference", readonly=True)
    details = fields.Html(readonly=True, sanitize=True)
