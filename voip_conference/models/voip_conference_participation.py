# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models


class VoipConferenceParticipation(models.Model):
    """One person's visit to a conference room: the attendance history.

    A row opens when the PBX reports the participant (ringing, waiting or
    connected) and closes with ``left_at`` and ``leave_reason``. While it is
    open it also carries the participant's live state (muted, on hold,
    talking), which is what the participants panel shows. Rows are written
    by the server only (provider events, host actions), never by users.
    """

    _name = "voip.conference.participation"
    _description = "Conference Participation"
    _order = "joined_at desc, id desc"
    _rec_name = "name"

    conference_id = fields.Many2one(
        "voip.conference",
        string="Conference Room",
        required=True,
        index=True,
        ondelete="cascade",
    )
    pbx_id = fields.Many2one(
        "voip.pbx", related="conference_id.pbx_id", store=True, index=True
    )
    company_id = fields.Many2one(
        "res.company", related="conference_id.company_id", store=True, index=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Contact", index="btree_not_null", ondelete="set null"
    )
    user_id = fields.Many2one("res.users", index="btree_not_null", ondelete="set null")
    name = fields.Char(help="The contact's or user's name, else what the PBX gave.")
    number = fields.Char(help="The caller's number in E.164, or an extension.")
    role = fields.Selection(
        [("admin", "Administrator"), ("member", "Member")],
        default="member",
        required=True,
    )
    joined_at = fields.Datetime(index=True)
    left_at = fields.Datetime()
    leave_reason = fields.Selection(
        [
            ("hangup", "Hung up"),
            ("removed", "Removed"),
            ("ended", "Conference ended"),
        ],
        string="Why Left",
    )
    remote_id = fields.Char(
        string="Provider Participant ID", index=True, readonly=True, copy=False
    )
    # Live state of an open row (left_at empty), as the PBX last reported it.
    state = fields.Selection(
        [
            ("ringing", "Ringing"),
            ("waiting", "Waiting for the administrator"),
            ("connected", "Connected"),
            ("left", "Left"),
        ],
        default="connected",
        required=True,
    )
    muted = fields.Boolean()
    on_hold = fields.Boolean()
    talking = fields.Boolean()
    duration = fields.Float(
        string="Duration (min)",
        compute="_compute_duration",
        help="From joining to leaving, or to now while still in the room.",
    )

    @api.depends("joined_at", "left_at")
    def _compute_duration(self):
        now = fields.Datetime.now()
        for row in self:
            if not row.joined_at:
                row.duration = 0.0
                continue
            end = row.left_at or now
            row.duration = max((end - row.joined_at).total_seconds(), 0) / 60.0
