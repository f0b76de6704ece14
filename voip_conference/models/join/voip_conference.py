# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import models
from odoo.exceptions import UserError

from ...tools import numbering


class VoipConference(models.Model):
    """Joining a room from the softphone (from any phone: dialin/)."""

    _inherit = "voip.conference"

    def action_join(self):
        """Join from the form or the kanban card: the phone widget dials."""
        self.env["res.users"]._voip_conference_check_rights("user")
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "voip_conference.join",
            "params": {"conference_id": self.id},
        }

    def get_join_sequence(self):
        """What the phone widget dials to join the room, for a user who may.

        The only way an access code reaches a conference user: the room must
        be readable by them (group and company rules) and active.
        """
        self.env["res.users"]._voip_conference_check_rights("user")
        self.ensure_one()
        self.check_access("read")
        if not self.active:
            raise UserError(
                self.env._("%(room)s is archived: it cannot be joined.", room=self.name)
            )
        room = self.sudo()
        code = numbering.clean(room.access_code)
        delay = (
            room.receptionist_delay
            if room.receptionist_delay_source == "room"
            else room.pbx_id.conference_receptionist_delay
        )
        return {
            "id": room.id,
            "name": room.name,
            "extension": room.extension,
            # The code and the # that ends it; nothing at all without a code.
            "dtmf": f"{code}#" if code else "",
            "delay_ms": round(max(delay, 0) * 1000),
            "dtmf_method": room.pbx_id.conference_dtmf_method,
            # The receptionist waits for the caller: the user sends the code.
            "wait": room.pbx_id.conference_code_on_request,
        }
