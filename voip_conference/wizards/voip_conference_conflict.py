# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.voip_provider_sync_mixin import INBOUND
from ..tools import sync_planner
from ..tools.provider import Room


class VoipConferenceConflict(models.TransientModel):
    """A room changed in Odoo and on the PBX: show both, let a manager choose."""

    _name = "voip.conference.conflict"
    _description = "Resolve a Conference Room Sync Conflict"

    conference_id = fields.Many2one("voip.conference", required=True, readonly=True)
    comparison = fields.Html(compute="_compute_comparison", sanitize=False)

    @api.depends("conference_id")
    def _compute_comparison(self):
        labels = {
            "name": self.env._("Name"),
            "extension": self.env._("Internal Extension"),
            "access_code": self.env._("Access Code"),
            "admin_extension": self.env._("Administrator Extension"),
            "wait_for_admin": self.env._("Wait for the Administrator"),
            "max_participants": self.env._("Maximum Participants"),
        }
        for wizard in self:
            room = wizard.conference_id.sudo()
            ours = room._sync_values()
            theirs = (
                Room.from_dict(room.remote_values or {}).values()
                if room.remote_values
                else {}
            )
            rows = []
            for key, label in labels.items():
                mine, other = ours.get(key, ""), theirs.get(key, "")
                css = ' class="table-warning"' if mine != other else ""
                rows.append(
                    Markup("<tr{}><th>{}</th><td>{}</td><td>{}</td></tr>").format(
                        Markup(css), label, escape(str(mine)), escape(str(other))
                    )
                )
            wizard.comparison = Markup(
                '<table class="table table-sm o_voip_conference_conflict">'
                "<thead><tr><th></th><th>{}</th><th>{}</th></tr></thead>"
                "<tbody>{}</tbody></table>"
            ).format(
                self.env._("In Odoo"), self.env._("On the PBX"), Markup("").join(rows)
            )

    def _check_conflict(self):
        self.conference_id.check_access("write")
        room = self.conference_id.sudo()
        if room.sync_state != "conflict" or not room.remote_values:
            raise UserError(
                self.env._("%(room)s has no conflict to resolve.", room=room.name)
            )
        return room

    def action_keep_odoo(self):
        """Odoo's values win: they are pushed over the PBX's."""
        self.env["res.users"]._voip_conference_check_rights("manager")
        room = self._check_conflict()
        remote = Room.from_dict(room.remote_values)
        room.with_context(**{INBOUND: True}).write(
            {
                "sync_state": "pending",
                "need_sync": True,
                "remote_id": room.remote_values.get("id") or room.remote_id,
                "sync_hash": sync_planner.values_hash(remote.values()),
                "remote_values": False,
            }
        )
        room.message_post(
            body=self.env._("Sync conflict resolved: Odoo's values kept.")
        )
        room._register_push(room.pbx_id)
        return {"type": "ir.actions.act_window_close"}

    def action_take_provider(self):
        """The PBX's values win: Odoo takes them, nothing is pushed."""
        self.env["res.users"]._voip_conference_check_rights("manager")
        room = self._check_conflict()
        remote = Room.from_dict(
            room.remote_values | {"id": room.remote_values.get("id", "")}
        )
        room.with_context(**{INBOUND: True}).write(
            room._sync_vals_from_remote(remote, room.pbx_id)
        )
        room._sync_mark("synced", remote=remote)
        room.message_post(
            body=self.env._("Sync conflict resolved: the PBX's values taken.")
        )
        return {"type": "ir.actions.act_window_close"}
