# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models


class VoipConferenceInvite(models.TransientModel):
    """The PBX calls someone and links them into the room."""

    _name = "voip.conference.invite"
    _inherit = ["voip.conference.wizard.mixin"]
    _description = "Invite to a Conference Room"

    conference_id = fields.Many2one("voip.conference", required=True, readonly=True)
    target = fields.Char(
        string="Extension or Phone Number",
        required=True,
        help="An internal extension (digits) or a phone number, which is "
        "stored in international form.",
    )

    def _target(self):
        """The extension as typed, or the number in E.164."""
        return self.env["voip.conference"]._invite_target(
            self.target, self.env.company.country_id
        )

    def action_invite(self):
        self.env["res.users"]._voip_conference_check_rights("manager")
        self.ensure_one()
        room = self.conference_id
        room.check_access("write")
        result = room._invite(self._target())
        if result.get("simulated"):
            kind = "info"
        elif result["ok"]:
            kind = "success"
        else:
            kind = "warning" if result.get("outcome_unknown") else "danger"
        return self._notify(kind, result["message"])

    def _notify(self, kind, message):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": kind,
                "message": message,
                "sticky": kind != "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
