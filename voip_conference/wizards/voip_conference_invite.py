# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models
from odoo.exceptions import UserError

from ..tools import numbering
from ..tools.provider import ProviderError


class VoipConferenceInvite(models.TransientModel):
    """The PBX calls someone and links them into the room."""

    _name = "voip.conference.invite"
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
        value = numbering.clean(self.target)
        if numbering.check_extension(value) is None:
            return value
        return self.env["voip.incoming.number"]._normalize_number(
            self.target, self.env.company.country_id
        )

    def action_invite(self):
        self.ensure_one()
        room = self.conference_id
        target = self._target()
        if not room.remote_id:
            raise UserError(
                self.env._(
                    "%(room)s is not on the PBX yet: save it, apply the changes, "
                    "then invite.",
                    room=room.name,
                )
            )
        try:
            with room.pbx_id.sudo()._provider() as backend:
                participant = backend.invite(room.remote_id, target)
        except ProviderError as error:
            room.message_post(
                body=self.env._(
                    "Invitation of %(target)s failed: %(error)s",
                    target=target,
                    error=error,
                )
            )
            return self._notify(
                "danger",
                self.env._(
                    "The PBX could not call %(target)s: %(error)s",
                    target=target,
                    error=error,
                ),
            )
        room.message_post(
            body=self.env._(
                "%(target)s invited: the PBX is calling them into the room.",
                target=participant.number,
            )
        )
        return self._notify(
            "success",
            self.env._("The PBX is calling %(target)s.", target=participant.number),
        )

    def _notify(self, kind, message):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": kind,
                "message": message,
                "sticky": kind == "danger",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
