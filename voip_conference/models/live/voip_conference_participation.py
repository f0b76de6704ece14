# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from collections import defaultdict
from datetime import datetime, timedelta, timezone

from odoo import api, fields, models
from odoo.tools import SQL

from ...tools import numbering

# A delivery with more new events than this is answered once stored and
# applied by the drain: a PBX waits a few seconds for the answer (Zoom: 3).
LIVE_INLINE_EVENTS = 200
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
        partner, user = self._live_people(room, [number]).get(
            number, (self.env["res.partner"], self.env["res.users"])
        )
        if partner:
            return partner, user, (user if number.isdigit() else partner).name
        return partner, user, name or _shown(number)

    @api.model
    def _live_people(self, room, numbers):
        """``{number: (partner, user)}`` of the people behind ``numbers``
        (extensions and E.164 numbers), found in one read of each kind: an
        extension is a user's on the room's PBX, an E.164 number a
        contact's phone. Numbers of nobody known are left out."""
        Users = self.env["res.users"].sudo()
        extensions = {n for n in numbers if n and n.isdigit()}
        e164 = {n for n in numbers if n and n.startswith("+")}
        found = {}
        if extensions:
            users = Users.search(
                [
                    ("voip_pbx_id", "=", room.pbx_id.id),
                    ("voip_extension", "in", sorted(extensions)),
                ]
            )
            for user in users:
                found.setdefault(user.voip_extension, (user.partner_id, user))
        if e164:
            partners = self._live_partners_by_numbers(e164, room.company_id.country_id)
            for number, partner in partners.items():
                found[number] = (partner, partner.user_ids[:1])
        return found

    @api.model
    def _live_partners_by_numbers(self, numbers, country):
        """``{number: contact}`` of the contacts whose phone, in E.164, is one
        of ``numbers`` (phones are stored as people type them: compare the
        last digits in SQL, then the E.164 form of each candidate, read in
        its country, else ``country``)."""
        tails = {number[-8:]: number for number in numbers}
        self.env.cr.execute(
            SQL(
                "SELECT id FROM res_partner WHERE active AND phone IS NOT NULL "
                "AND right(regexp_replace(phone, '[^0-9]', '', 'g'), 8) = ANY(%s) "
                "ORDER BY id",
                sorted(tails),
            )
        )
        candidates = (
            self.env["res.partner"]
            .sudo()
            .browse([row[0] for row in self.env.cr.fetchall()])
        )
        found = {}
        for partner in candidates:
            formatted = partner._phone_format(
                number=partner.phone,
                country=partner.country_id or country,
                force_format="E164",
            )
            if formatted in numbers:
                found.setdefault(formatted, partner)
        return found

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
    def _live_participant_vals(
        self, room, participant, row, at="", cursor=0, ended=None
    ):
        """The values of ``row`` (empty for a new visit: anything with a
        ``joined_at``) from what the PBX says of ``participant``, in an
        event at ``at`` of ``cursor``; ``ended``: the cursor of the room's
        last end applied (the room's by default)."""
        ended = room.live_ended_cursor if ended is None else ended
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
        elif cursor and cursor < ended:
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
        """Take ``events`` (:class:`~..tools.provider.Event`, in any order)
        of ``pbx``, each once, and apply those whose rooms are free now;
        return the rooms they changed.

        Each event is stored once (``voip.pbx.event``: a redelivery, or an
        overlap between a webhook and a poll, changes nothing). The rooms
        are then locked without waiting: for each one this transaction
        gets, every pending event of the room (this delivery's and those
        others left) is applied, in cursor order. A room that another
        transaction holds keeps its events pending for the drain, which this
        transaction schedules: nobody waits for another's window. So does a
        delivery too large to apply before its answer (the PBX would give up
        waiting and send it again)."""
        Room = self.env["voip.conference"].sudo().with_context(active_test=False)
        stored = self.env["voip.pbx.event"]._store(pbx, events)
        fresh = [event for event in events if stored.get(event.key)]
        if not fresh:
            return Room
        if len(fresh) > LIVE_INLINE_EVENTS:
            pbx._live_schedule_drain()
            return Room
        remote_ids = {event.room_id for event in fresh}
        rooms = self._live_lock_rooms(pbx, remote_ids, wait=False)
        if remote_ids - set(rooms):
            pbx._live_schedule_drain()
        return self._live_take_and_apply(pbx, rooms, {e.key: e for e in fresh})

    @api.model
    def _live_apply_pending(self, pbx):
        """Apply the pending events of ``pbx`` (the drain), waiting for the
        rooms' locks: it runs outside any request. False when there were
        none."""
        remote_ids = self.env["voip.pbx.event"]._pending_rooms(pbx)
        if not remote_ids:
            return False
        rooms = self._live_lock_rooms(pbx, remote_ids, wait=True)
        # A room deleted since: its events have nothing to apply.
        missing = set(remote_ids) - set(rooms)
        self.env["voip.pbx.event"]._take_pending(pbx, missing)
        self._live_take_and_apply(pbx, rooms)
        return True

    @api.model
    def _live_take_and_apply(self, pbx, rooms, known=None):
        """Apply the pending events of ``rooms`` (``{remote id: room}``,
        locked); the rooms changed, told to the open panels."""
        events = self.env["voip.pbx.event"]._take_pending(pbx, set(rooms), known)
        by_room = defaultdict(list)
        for event in events:
            by_room[event.room_id].append(event)
        changed = self.env["voip.conference"].sudo()
        for remote_id, room_events in by_room.items():
            room = rooms[remote_id]
            if self._live_apply_room_events(room, room_events):
                changed |= room
        changed._live_changed()
        return changed

    @api.model
    def _live_lock_rooms(self, pbx, remote_ids, wait=True):
        """``{remote id: room}`` of ``pbx``, each room's row locked until
        the end of the transaction (in id order: no deadlock between two
        transactions that wait). ``wait=False``: the rooms another
        transaction holds are left out. A room Odoo does not have has no
        event to apply."""
        self.env.cr.execute(
            SQL(
                "SELECT id, remote_id FROM voip_conference WHERE pbx_id = %s "
                "AND remote_id = ANY(%s) ORDER BY id FOR NO KEY UPDATE%s",
                pbx.id,
                sorted(remote_ids),
                SQL("") if wait else SQL(" SKIP LOCKED"),
            )
        )
        rows = self.env.cr.fetchall()
        Room = self.env["voip.conference"].sudo().with_context(active_test=False)
        rooms = Room.browse([row[0] for row in rows])
        return {
            remote_id: room for room, (_id, remote_id) in zip(rooms, rows, strict=False)
        }

    @api.model
    def _live_apply_room_events(self, room, events):
        """Apply ``events`` of ``room`` (locked) as one by one in cursor
        order would, with one read of the room's rows, one create and one
        write per row that changed; True when something changed.

        Each event carries its participant's whole state: an event older
        than the last one applied to the row changes nothing, a visit
        closed stays closed. The end of the conference closes who was there
        before it; who joined after it stays."""
        events = sorted(events, key=lambda event: event.cursor)
        found = self._live_room_rows(room, events)
        states = {
            remote_id: _RowState(row.left_at, row.live_event_cursor, row.joined_at)
            for remote_id, row in found.items()
        }
        changes, new = defaultdict(dict), {}
        ended = ended_before = room.live_ended_cursor
        for event in events:
            if event.participant:
                self._live_fold_participant(room, event, states, new, changes, ended)
            if event.type == "conference.ended":
                self._live_fold_end(event, states, changes)
                ended = max(ended, event.cursor)
        self._live_write_rows(room, found, new, changes)
        if ended > ended_before:
            room.sudo().live_ended_cursor = ended
        newest = events[-1] if events else None
        if newest and newest.cursor > room.live_event_cursor:
            room._live_set(newest.room, cursor=newest.cursor)
            return True
        if changes:
            room._live_set(None)  # a new version for the open panels
        return bool(changes)

    @api.model
    def _live_room_rows(self, room, events):
        """``{remote id: row}``: the newest visit in ``room`` of each
        participant of ``events``, and every open one, in one read."""
        remote_ids = {event.participant.id for event in events if event.participant}
        rows = self.sudo().search_fetch(
            [
                ("conference_id", "=", room.id),
                "|",
                ("left_at", "=", False),
                ("remote_id", "in", sorted(remote_ids)),
            ],
            ["remote_id", "left_at", "live_event_cursor", "joined_at"],
        )
        found = {}
        for row in rows:  # the newest visit of each participant first
            found.setdefault(row.remote_id, row)
        return found

    @api.model
    def _live_fold_participant(self, room, event, states, new, changes, ended):
        """Fold one participant event into ``states`` and ``changes`` (a new
        visit goes to ``new``)."""
        participant = event.participant
        state = states.get(participant.id)
        if state is None:
            state = states[participant.id] = _RowState()
            new[participant.id] = participant
        if state.left_at or event.cursor <= state.live_event_cursor:
            return
        vals = self._live_participant_vals(
            room, participant, state, event.at, event.cursor, ended
        )
        state.update(vals)
        changes[participant.id].update(vals)

    @api.model
    def _live_fold_end(self, event, states, changes):
        """The conference ended: those who joined after the end (a newer
        event) stay; those whose events come late are closed as they
        arrive."""
        for remote_id, state in states.items():
            if not state.left_at and state.live_event_cursor < event.cursor:
                vals = _closed("ended")
                state.update(vals)
                changes[remote_id].update(vals)

    @api.model
    def _live_write_rows(self, room, found, new, changes):
        """Write ``changes`` (``{participant id: values}``) on the rows
        ``found`` and create those of the ``new`` participants, in one
        call, each person looked up once."""
        for remote_id, vals in changes.items():
            if remote_id in found:
                found[remote_id].write(vals)
        creates = [pid for pid in new if pid in changes]
        if not creates:
            return
        people = self._live_people(room, {new[pid].number for pid in creates})
        nobody = (self.env["res.partner"], self.env["res.users"])
        # Test mode records nothing that looks like a real call.
        simulated = room.pbx_id.pbx_backend == "simulator"
        vals_list = []
        for pid in creates:
            participant = new[pid]
            partner, user = people.get(participant.number, nobody)
            if partner:
                name = (user if participant.number.isdigit() else partner).name
            else:
                name = participant.name or _shown(participant.number)
            vals_list.append(
                changes[pid]
                | {
                    "conference_id": room.id,
                    "remote_id": pid,
                    "number": participant.number,
                    "name": name,
                    "partner_id": partner.id,
                    "user_id": user.id,
                    "simulated": simulated,
                }
            )
        self.sudo().create(vals_list)

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
        self.sudo().filtered(lambda row: not row.left_at).write(_closed(reason))

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


class _RowState:
    """What applying events reads of a row, kept current as they apply."""

    __slots__ = ("left_at", "live_event_cursor", "joined_at")

    def __init__(self, left_at=False, live_event_cursor=0, joined_at=False):
        self.left_at = left_at
        self.live_event_cursor = live_event_cursor
        self.joined_at = joined_at

    def update(self, vals):
        for name in self.__slots__:
            if name in vals:
                setattr(self, name, vals[name])


def _closed(reason):
    """The values of a row closed now: they left for ``reason``."""
    return {
        "state": "left",
        "left_at": fields.Datetime.now(),
        "leave_reason": reason,
        "talking": False,
    }


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
