# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models


class VoipCall(models.Model):
    _inherit = "voip.call"

    # Calls linked to a room are visible only to who may read the room
    # (record rule voip_call_rule_conference); linking is checked here.
    conference_id = fields.Many2one(
        "voip.conference",
        string="Conference Room",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )
    adhoc_conference_id = fields.Many2one(
        "voip.call.conference",
        string="Conference from a Call",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        help="The conference the host made of this call and others.",
    )
    adhoc_end_reason = fields.Selection(
        [
            ("hangup", "Hung up"),
            ("removed", "Disconnected by the host"),
            ("ended", "Conference ended"),
            ("transferred", "Transferred"),
            ("rejected", "Not answered"),
            ("cancelled", "Cancelled"),
        ],
        string="Leg Ended",
        readonly=True,
        help="How this call left its conference.",
    )

    def _check_conference_link(self, room, users):
        """Only a room the current user and the calls' users may read can be
        linked to a call.

        :raises AccessError: the room is not readable (group, company).
        """
        if not room or self.env.su:
            return
        room.check_access("read")
        for user in users - self.env.user:
            room.with_user(user).check_access("read")

    def _check_adhoc_conference_link(self, vals):
        """A call joins only a conference from a call its user hosts.

        :raises AccessError: the conference is another user's.
        """
        if vals.get("adhoc_conference_id") and not self.env.su:
            self.env["voip.call.conference"].browse(
                vals["adhoc_conference_id"]
            ).check_access("write")

    @api.model_create_multi
    def create(self, vals_list):
        Room, Users = self.env["voip.conference"], self.env["res.users"]
        for vals in vals_list:
            self._check_adhoc_conference_link(vals)
            self._check_conference_link(
                Room.browse(vals.get("conference_id")),
                Users.browse(vals.get("user_id") or self.env.uid),
            )
        return super().create(vals_list)

    def write(self, vals):
        self._check_adhoc_conference_link(vals)
        if "conference_id" in vals or "user_id" in vals:
            users = (
                self.env["res.users"].browse(vals["user_id"])
                if vals.get("user_id")
                else self.user_id
            )
            rooms = (
                self.env["voip.conference"].browse(vals["conference_id"])
                if "conference_id" in vals
                else self.conference_id
            )
            for room in rooms:
                self._check_conference_link(room, users)
        return super().write(vals)

    def format_call(self):
        result = super().format_call()
        if self.conference_id:
            result["conference"] = {
                "id": self.conference_id.id,
                "name": self.conference_id.name,
            }
        return result
