# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from datetime import datetime, timezone

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import numbering


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
    number = fields.Char(
        string="Number (E.164)",
        help="The caller's number in E.164, or an extension, as the PBX gave it.",
    )
    number_display = fields.Char(
        string="Number",
        compute="_compute_number_display",
        help="The caller's number as people read it (+32 2 555 01 99), or an "
        "extension.",
    )
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

    @api.depends("number")
    def _compute_number_display(self):
        for row in self:
            row.number_display = _shown(row.number)

    # ------------------------------------------------------------------
    # Live state from the provider
    # ------------------------------------------------------------------

    @api.model
    def _live_person(self, room, number, name=""):
        """``(partner, user, name)`` of the person behind ``number``: a user
        whose extension on the room's PBX it is, else a contact whose phone is
        that E.164 number; else no record and the name the PBX gave."""
        pbx = room.pbx_id
        Users = self.env["res.users"].sudo()
        Partner = self.env["res.partner"].sudo()
        if number and number.isdigit():
            user = Users.search(
                [("voip_pbx_id", "=", pbx.id), ("voip_extension", "=", number)],
                limit=1,
            )
            if user:
                return user.partner_id, user, user.name
        elif number and number.startswith("+"):
            partner = self._live_partner_by_number(number, room.company_id.country_id)
            if partner:
                user = partner.user_ids[:1]
                return partner, user, partner.name
        return Partner, Users, name or _shown(number)

    @api.model
    def _live_partner_by_number(self, number, country):
        """The contact whose phone, in E.164, is ``number`` (phones are stored
        as people type them: compare the last digits in SQL, then the E.164
        form of each candidate, read in its country, else ``country``)."""
        digits = number[-8:]
        self.env.cr.execute(
            SQL(
                "SELECT id FROM res_partner WHERE active AND phone IS NOT NULL "
                "AND regexp_replace(phone, '[^0-9]', '', 'g') LIKE %s "
                "ORDER BY id LIMIT 20",
                f"%{digits}",
            )
        )
        candidates = (
            self.env["res.partner"]
            .sudo()
            .browse([row[0] for row in self.env.cr.fetchall()])
        )
        for partner in candidates:
            formatted = partner._phone_format(
                number=partner.phone,
                country=partner.country_id or country,
                force_format="E164",
            )
            if formatted == number:
                return partner
        return self.env["res.partner"]

    @api.model
    def _live_apply_participant(self, room, participant, at=""):
        """Write what the PBX says of one participant (a
        :class:`~..tools.provider.Participant`) on its row; create the row of
        a new visit. A visit already closed stays closed (a late or repeated
        event)."""
        Rows = self.sudo()
        row = Rows.search(
            [("conference_id", "=", room.id), ("remote_id", "=", participant.id)],
            limit=1,
        )
        if row.left_at:
            return row
        vals = {
            "state": participant.state,
            "role": participant.role if participant.role in ("admin",) else "member",
            "muted": participant.muted,
            "on_hold": participant.on_hold,
            "talking": participant.talking,
        }
        if participant.joined_at and not row.joined_at:
            vals["joined_at"] = _datetime(participant.joined_at)
        if participant.state == "left":
            vals.update(
                left_at=_datetime(participant.left_at or at) or fields.Datetime.now(),
                leave_reason=participant.leave_reason or "hangup",
                talking=False,
            )
        if row:
            row.write(vals)
            return row
        partner, user, name = self._live_person(
            room, participant.number, participant.name
        )
        return Rows.create(
            vals
            | {
                "conference_id": room.id,
                "remote_id": participant.id,
                "number": participant.number,
                "name": name,
                "partner_id": partner.id,
                "user_id": user.id,
            }
        )

    @api.model
    def _live_apply_events(self, pbx, events):
        """Apply ``events`` (:class:`~..tools.provider.Event`, oldest first)
        of ``pbx``; return the rooms they changed. An event a room has
        already seen (its cursor) is skipped, so a replay or an overlap
        between a webhook and a poll changes nothing."""
        Room = self.env["voip.conference"].sudo().with_context(active_test=False)
        remote_ids = list({event.room_id for event in events})
        rooms = {
            room.remote_id: room
            for room in Room.search(
                [("pbx_id", "=", pbx.id), ("remote_id", "in", remote_ids)]
            )
        }
        changed = Room
        for event in events:
            room = rooms.get(event.room_id)
            if not room or event.cursor <= room.live_event_cursor:
                continue
            if event.participant:
                self._live_apply_participant(room, event.participant, event.at)
            if event.type == "conference.ended":
                room.participation_ids._live_close("ended")
            room._live_set(event.room, cursor=event.cursor)
            changed |= room
        changed._live_changed()
        return changed

    @api.model
    def _live_reconcile(self, room, live, participants):
        """For a PBX without events: make the open rows of ``room`` match a
        snapshot (RoomLive, [Participant]). Who is gone hung up, unless a
        host action already closed their row with its own reason."""
        present = {participant.id for participant in participants}
        for participant in participants:
            self._live_apply_participant(room, participant)
        gone = room.sudo().participation_ids.filtered(
            lambda row: not row.left_at and row.remote_id not in present
        )
        gone._live_close("hangup")
        room._live_set(live)
        room._live_changed()

    def _live_close(self, reason):
        """Close these open rows: they left for ``reason``."""
        self.sudo().filtered(lambda row: not row.left_at).write(
            {
                "state": "left",
                "left_at": fields.Datetime.now(),
                "leave_reason": reason,
                "talking": False,
            }
        )

    def _live_panel_values(self):
        """What the participants panel shows of each row."""
        states = dict(self._fields["state"]._description_selection(self.env))
        roles = dict(self._fields["role"]._description_selection(self.env))
        return [
            {
                "id": row.id,
                "name": row.name or row.number_display,
                "number": row.number_display,
                "partner_id": row.partner_id.id,
                "user_id": row.user_id.id,
                "role": row.role,
                "role_label": roles[row.role],
                "state": row.state,
                "state_label": states[row.state],
                "muted": row.muted,
                "on_hold": row.on_hold,
                "talking": row.talking,
                "joined_at": row.joined_at and row.joined_at.isoformat() + "Z",
            }
            for row in self
        ]


def _shown(number):
    """A participant's number as people read it: ``+32 2 555 01 99``, or the
    extension as it is; ``""`` when there is none."""
    if number and number.startswith("+"):
        return numbering.format_international(number)
    return number or ""


def _datetime(value):
    """A naive UTC datetime from the provider's ISO 8601 string, or False."""
    if not value:
        return False
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    if parsed.tzinfo:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed.replace(microsecond=0)
