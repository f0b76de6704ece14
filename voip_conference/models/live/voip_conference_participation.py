# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from datetime import datetime, timedelta, timezone

from odoo import api, fields, models
from odoo.tools import SQL

from ...tools import numbering

# Seconds after which an open row that no event nor read confirmed is read
# again from the PBX (the scheduled re-read runs every minute).
LIVE_CONFIRM_AGE = 30


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
    # The cursor of the last provider event applied to this row: events
    # reach Odoo in any order, an older one never undoes a newer one.
    live_event_cursor = fields.Integer(readonly=True, copy=False)
    # When the PBX last said this row's state (an event or a read): an open
    # row not confirmed for a while is read again (a lost "left" event
    # leaves no ghost).
    live_confirmed_at = fields.Datetime(readonly=True, copy=False)
    simulated = fields.Boolean(
        readonly=True,
        copy=False,
        help="Made up by the built-in simulator after a test invitation: "
        "nobody was called and nobody attended.",
    )
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
    def _live_apply_participant(self, room, participant, at="", cursor=0):
        """Write what the PBX says of one participant (a
        :class:`~..tools.provider.Participant`) on its row; create the row of
        a new visit. A visit already closed stays closed, and an event older
        than the last one applied to the row (``cursor``) changes nothing:
        each event carries the participant's whole state, so the newest
        one says it all."""
        Rows = self.sudo()
        row = Rows.search(
            [("conference_id", "=", room.id), ("remote_id", "=", participant.id)],
            limit=1,
        )
        if row.left_at or (cursor and cursor <= row.live_event_cursor):
            return Rows
        vals = self._live_participant_vals(room, participant, row, at, cursor)
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
                # Test mode records nothing that looks like a real call.
                "simulated": room.pbx_id.pbx_backend == "simulator",
            }
        )

    @api.model
    def _live_participant_vals(self, room, participant, row, at="", cursor=0):
        """The values of ``row`` (empty for a new visit) from what the PBX
        says of ``participant``, in an event at ``at`` of ``cursor``."""
        vals = {
            "state": participant.state,
            "role": participant.role if participant.role in ("admin",) else "member",
            "muted": participant.muted,
            "on_hold": participant.on_hold,
            "talking": participant.talking,
            "live_confirmed_at": fields.Datetime.now(),
        }
        if cursor:
            vals["live_event_cursor"] = cursor
        if participant.joined_at and not row.joined_at:
            vals["joined_at"] = _datetime(participant.joined_at)
        if participant.state == "left":
            vals.update(
                left_at=_datetime(participant.left_at or at) or fields.Datetime.now(),
                leave_reason=participant.leave_reason or "hangup",
                talking=False,
            )
        elif cursor and cursor < room.live_ended_cursor:
            # The conference ended after this event, and that end has
            # already been applied: they were sent away with everyone.
            vals.update(
                state="left",
                left_at=fields.Datetime.now(),
                leave_reason="ended",
                talking=False,
            )
        return vals

    @api.model
    def _live_apply_events(self, pbx, events):
        """Apply ``events`` (:class:`~..tools.provider.Event`, in any order)
        of ``pbx``, each once; return the rooms they changed.

        The rooms are locked first, so that deliveries about one room apply
        one after the other (in a READ COMMITTED transaction, as the webhook
        runs it, each then reads what the one before wrote). An event
        already applied (its key is in ``voip.pbx.event``) is skipped: a
        redelivery, or an overlap between a webhook and a poll, changes
        nothing. Order is per participant and per room, by cursor."""
        Room = self.env["voip.conference"].sudo().with_context(active_test=False)
        rooms = self._live_lock_rooms(pbx, {event.room_id for event in events})
        fresh = self.env["voip.pbx.event"]._claim(pbx, events)
        changed = Room
        for event in sorted(events, key=lambda event: event.cursor):
            if event.key not in fresh:
                continue
            fresh.discard(event.key)  # twice in one delivery: once
            room = rooms.get(event.room_id)
            if room and self._live_apply_event(room, event):
                changed |= room
        changed._live_changed()
        return changed

    @api.model
    def _live_lock_rooms(self, pbx, remote_ids):
        """``{remote id: room}`` of ``pbx``, each room's row locked until
        the end of the transaction (in id order: no deadlock between two
        deliveries). A room Odoo does not have has no event to apply."""
        self.env.cr.execute(
            SQL(
                "SELECT id FROM voip_conference WHERE pbx_id = %s "
                "AND remote_id = ANY(%s) ORDER BY id FOR NO KEY UPDATE",
                pbx.id,
                sorted(remote_ids),
            )
        )
        Room = self.env["voip.conference"].sudo().with_context(active_test=False)
        rooms = Room.browse([row[0] for row in self.env.cr.fetchall()])
        return {room.remote_id: room for room in rooms}

    @api.model
    def _live_apply_event(self, room, event):
        """Apply one event to ``room``; True when it changed something."""
        changed = False
        if event.participant:
            changed = bool(
                self._live_apply_participant(
                    room, event.participant, event.at, cursor=event.cursor
                )
            )
        if event.type == "conference.ended":
            # Those who joined after the end (a newer event) stay; those
            # whose events come late are closed as they arrive.
            ended = room.participation_ids.filtered(
                lambda row: not row.left_at and row.live_event_cursor < event.cursor
            )
            ended._live_close("ended")
            changed = changed or bool(ended)
            if event.cursor > room.live_ended_cursor:
                room.sudo().live_ended_cursor = event.cursor
        if event.cursor > room.live_event_cursor:
            room._live_set(event.room, cursor=event.cursor)
            return True
        if changed:
            room._live_set(None)  # a new version for the open panels
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

    @api.model
    def _live_unconfirmed_rooms(self, age=LIVE_CONFIRM_AGE):
        """The rooms with an open row that the PBX has not confirmed for
        ``age`` seconds."""
        horizon = fields.Datetime.now() - timedelta(seconds=age)
        rows = self.sudo().search(
            [
                ("left_at", "=", False),
                "|",
                ("live_confirmed_at", "=", False),
                ("live_confirmed_at", "<", horizon),
            ]
        )
        return rows.conference_id

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
                "simulated": row.simulated,
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
