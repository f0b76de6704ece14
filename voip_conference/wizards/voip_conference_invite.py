# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import uuid

from odoo import fields, models
from odoo.exceptions import UserError

from ..tools import dial_string, numbering
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
        """The extension as typed, or the number in E.164.

        The target is read with the dial-string grammar: a label pasted after
        it (``+32 2 555 01 00 BE (Brussels)``) is ignored; tones after it
        (``,,1234#``) are refused, the PBX has no way to send them.
        """
        dial = dial_string.parse(self.target)
        if dial.post_dial:
            raise UserError(
                self.env._(
                    "The PBX calls %(number)s but cannot send tones after it: "
                    "remove %(tones)s from the number.",
                    number=dial.number,
                    tones=dial.post_dial,
                )
            )
        value = dial.number or numbering.clean(self.target)
        if numbering.check_extension(value) is None:
            return value
        return self.env["voip.incoming.number"]._normalize_number(
            value, self.env.company.country_id
        )

    def action_invite(self):
        self.env["res.users"]._voip_conference_check_rights("manager")
        self.ensure_one()
        room = self.conference_id
        room.check_access("write")
        target = self._target()
        if not room.remote_id:
            raise UserError(
                self.env._(
                    "%(room)s is not on the PBX yet: save it, apply the changes, "
                    "then invite.",
                    room=room.name,
                )
            )
        pbx = room.pbx_id.sudo()
        try:
            with pbx._provider() as backend:
                # A new key per click: the client's retries of this one
                # request never ring twice, a second click invites again.
                participant = backend.invite(
                    room.remote_id, target, idempotency_key=uuid.uuid4().hex
                )
        except ProviderError as error:
            return self._invite_failed(room, target, error)
        room.message_post(
            body=self.env._(
                "%(target)s invited: the PBX is calling them into the room.",
                target=participant.caller,
            )
        )
        return self._notify(
            "success",
            self.env._("The PBX is calling %(target)s.", target=participant.caller),
        )

    def _invite_failed(self, room, target, error):
        """Say what is known: failed, or maybe calling (outcome unknown)."""
        reason = room.pbx_id._provider_error_message(error, room._sync_secrets())
        if error.outcome_unknown:
            message = self.env._(
                "The PBX may already be calling %(target)s: its answer was "
                "lost. Check who is in the room before inviting again. %(reason)s",
                target=target,
                reason=reason,
            )
            room.message_post(body=message)
            return self._notify("warning", message)
        room.message_post(
            body=self.env._(
                "Invitation of %(target)s failed: %(error)s",
                target=target,
                error=reason,
            )
        )
        return self._notify(
            "danger",
            self.env._(
                "The PBX could not call %(target)s: %(error)s",
                target=target,
                error=reason,
            ),
        )

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
