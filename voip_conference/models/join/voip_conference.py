# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from markupsafe import Markup

from odoo import models
from odoo.exceptions import UserError

from ...tools import dial_string, numbering


class VoipConference(models.Model):
    """Joining a room from the softphone, and the dial-in details of those
    who join it from another phone."""

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

    def _dial_in_row(self, number, code, label):
        """One dial-in line: the one-tap string as people read it
        (``+32 2 555 01 00,,1234#``, copied as it is where a mail app links
        no ``tel:`` with commas), linking its ``tel:`` URI (RFC 3966, ``#``
        written ``%23``) when the number is E.164, and its label."""
        tap = dial_string.parse(dial_string.one_tap(number, code))
        shown = numbering.one_tap_display(number, code)
        label = f" ({label})" if label else ""
        try:
            uri = dial_string.tel_uri(tap.number, tap.post_dial)
        except ValueError:  # not E.164: no tel: link without a phone-context
            return Markup("<li><span>{tap}</span>{label}</li>").format(
                tap=shown, label=label
            )
        return Markup(
            '<li><a href="{uri}" class="o_voip_conference_one_tap">{tap}</a>'
            "{label}</li>"
        ).format(uri=uri, tap=shown, label=label)

    def action_dial_in(self):
        self.ensure_one()
        sequence = self.get_join_sequence()  # the rights of Join
        code = sequence["dtmf"][:-1]
        rows = [
            self._dial_in_row(number.number, code, number.name)
            for number in self.sudo().incoming_number_ids
        ]
        if rows:
            details = Markup("<p>{}</p><ul>{}</ul>").format(
                self.env._(
                    "From any phone, tap or dial one of these: the phone dials the "
                    "number, waits, then sends the access code and #."
                ),
                Markup("").join(rows),
            )
        else:
            details = Markup("<p>{}</p>").format(
                self.env._(
                    "No incoming number reaches this room: it can only be joined "
                    "from the PBX, on extension %(extension)s.",
                    extension=self.extension,
                )
            )
        wizard = self.env["voip.conference.dial.in"].create(
            {"conference_id": self.id, "details": details}
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dial-in Details of %(room)s", room=self.name),
            "res_model": "voip.conference.dial.in",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }
