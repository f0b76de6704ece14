# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The event's room: its field, who may put it on a meeting (refusals), the
event's time and place shared by every feature, and the openers.

Each feature extends calendar.event in its own folder, imported after this
file (see models/__init__.py): dialin, booking, join, reminder, call_in,
attendance. Their timed jobs are calendar.conference.scheduler's.
"""

from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import format_date, format_datetime, format_time
from odoo.tools.translate import LazyTranslate

MANAGER_GROUP = "voip_conference.voip_conference_group_manager"
USER_GROUP = "voip_conference.voip_conference_group_user"

_lt = LazyTranslate(__name__)

# Why a user who is not a conference user may not do ``what`` to a meeting
# held in a conference room (see _check_conference_room_choice).
CONFERENCE_REFUSALS = {
    "room": _lt(
        "Only conference users may put a conference room on a calendar "
        "event (its attendees read the room's access code). Ask one to "
        "choose the room."
    ),
    "attendees": _lt(
        "Only conference users may invite people to a meeting held in a "
        "conference room (its attendees read the room's access code). "
        "Ask the organiser to invite them."
    ),
    "organiser": _lt(
        "Only conference users may organise a meeting held in a "
        "conference room (the organiser sends the room's access code)."
    ),
    "call_in": _lt(
        "Only conference users may have the PBX call a meeting's "
        "attendees into its conference room."
    ),
}


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    conference_id = fields.Many2one(
        "voip.conference",
        string="Conference Room",
        index="btree_not_null",
        ondelete="set null",
        tracking=True,
        domain="[('active', '=', True)]",
        help="The telephone conference room of the meeting: its dial-in goes "
        "into the invitations. Every occurrence of a recurring meeting keeps it.",
    )
    conference_extension = fields.Char(
        string="Room Extension", compute="_compute_conference_extension"
    )

    @api.depends("conference_id")
    def _compute_conference_extension(self):
        for event in self:
            event.conference_extension = event.conference_id.sudo().extension

    # ------------------------------------------------------------------
    # CRUD and refusals
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._check_conference_room_choice(
            [
                vals["conference_id"]
                for vals in vals_list
                if vals.get("conference_id")
                and not self._conference_room_of_recurrence(vals)
            ]
        )
        return super().create(vals_list)

    def write(self, vals):
        self._conference_check_write(vals)
        return super().write(vals)

    def _conference_check_write(self, vals):
        """Refuse ``vals`` to who may not give the room's access code away:
        a new room, a new organiser (features add theirs)."""
        if vals.get("conference_id") and self.filtered(
            lambda e: e.conference_id.id != vals["conference_id"]
        ):
            self._check_conference_room_choice([vals["conference_id"]])
        if "user_id" in vals:
            # The organiser writes the invitations, codes included, and
            # reads them as their author.
            handed_over = self.filtered(
                lambda e: e.conference_id and e.user_id.id != vals["user_id"]
            )
            self._check_conference_room_choice(
                handed_over.conference_id.ids, what="organiser"
            )

    @api.model
    def _conference_room_of_recurrence(self, vals):
        """Whether ``vals`` is an occurrence of a recurrence that already
        holds this room (calendar creates occurrences as whoever moved the
        meeting, who need not be a conference user)."""
        recurrence = (
            self.env["calendar.recurrence"].sudo().browse(vals.get("recurrence_id"))
        )
        holding = recurrence.calendar_event_ids.filtered(
            lambda e: e.conference_id.id == vals["conference_id"]
        )
        # Only who may edit the meeting makes its occurrences: naming any
        # recurrence must not lend its room.
        return bool(holding.with_env(self.env)._filtered_access("write"))

    @api.model
    def _check_conference_room_choice(self, room_ids, what="room"):
        """Only conference users put a room they may read on an event, invite
        people to it, hand it over or have the PBX call its attendees: an
        attendee reads the room's access code. ``what`` says which was
        refused ("room", "attendees", "organiser", "call_in")."""
        if self.env.su or not room_ids:
            return
        rooms = self.env["voip.conference"].browse(set(room_ids))
        if self.env.user.has_group(USER_GROUP) and len(
            rooms._filtered_access("read")
        ) == len(rooms):
            return
        raise AccessError(self._conference_refusal(what))

    def _conference_refusal(self, what):
        """The refusal of ``what`` (a key of CONFERENCE_REFUSALS; see
        _check_conference_room_choice)."""
        return self.env._(CONFERENCE_REFUSALS.get(what, CONFERENCE_REFUSALS["room"]))

    def _conference_check_new_attendees(self, attendees):
        """Only conference users who may read the room give its access code
        to new people: ``attendees`` (calendar.attendee, just created or
        given a partner) of these events must be conference users' doing,
        or already be invited to the meeting (another occurrence of it).

        :raises AccessError: for anyone else (any internal user may edit a
            public event, and would otherwise invite themselves).
        """
        if self.env.su:
            return
        for attendee in attendees.sudo():
            event = attendee.event_id
            if not event.conference_id:
                continue
            meeting = event | event.recurrence_id.calendar_event_ids
            known = (meeting.attendee_ids - attendees).partner_id
            if attendee.partner_id not in known:
                self._check_conference_room_choice(
                    [event.conference_id.id], what="attendees"
                )

    def action_join_meeting(self, partner_id):
        """Odoo's join link adds the user who follows it, as superuser: to a
        meeting with a room, only a conference user who may read the room
        (any internal user may read or set an event's token)."""
        partner = self.env["res.partner"].browse(partner_id)
        if self.conference_id and partner not in self.sudo().partner_ids:
            user = partner.user_ids[:1] or self.env.user
            self.with_user(user).with_context(
                allowed_company_ids=user.company_ids.ids
            )._check_conference_room_choice([self.conference_id.id])
        return super().action_join_meeting(partner_id)

    # ------------------------------------------------------------------
    # Who reads the code, from where, and when (shared by the features)
    # ------------------------------------------------------------------

    def _conference_may_read_code(self, user=None):
        """Whether ``user`` (default: the current user) may read the access
        code of the event's room: an attendee of the event, or a conference
        manager who may read the room (companies)."""
        self.ensure_one()
        user = user or self.env.user
        room = self.conference_id
        if not room:
            return False
        if user.partner_id in self.sudo().partner_ids:
            return True
        if not user.has_group(MANAGER_GROUP):
            return False
        return bool(room.with_user(user)._filtered_access("read"))

    def _conference_country(self, partner):
        """The country whose way of dialling the numbers are shown in."""
        return (
            partner.country_id
            or self.sudo().user_id.company_id.country_id
            or self.env.company.country_id
        )

    def _conference_interval(self):
        """The event's time as naive UTC ``(start, stop)``.

        An all-day event holds the room for its whole days in the event's
        time zone (else the organiser's), not Odoo's nominal 8:00-18:00.
        """
        self.ensure_one()
        if not self.allday:
            return self.start, self.stop
        tz = pytz.timezone(self.event_tz or self.user_id.tz or "UTC")
        start = tz.localize(datetime.combine(self.start_date, time.min))
        stop = tz.localize(
            datetime.combine(self.stop_date + timedelta(days=1), time.min)
        )
        return (
            start.astimezone(pytz.utc).replace(tzinfo=None),
            stop.astimezone(pytz.utc).replace(tzinfo=None),
        )

    def _conference_reader_tz(self):
        """The time zone the reader reads the event in: theirs, else the
        event's."""
        return self.env.user.tz or self.event_tz or "UTC"

    def _conference_when(self, value=None, tz=None):
        """``value`` (naive UTC; default: the event's start) as calendar's own
        mails write a moment: the short date and time of the environment's
        language, in ``tz`` (default: the reader's time zone). The start of
        an all-day event is its date."""
        if value is None and self.allday:
            return format_date(self.env, self.start_date)
        return format_datetime(
            self.env,
            value or self.start,
            tz=tz or self._conference_reader_tz(),
            dt_format="short",
        )

    def _conference_when_soon(self):
        """The start of an event about to begin: its time when it is today
        for the reader, else its date and time (see _conference_when)."""
        tz = self._conference_reader_tz()
        zone = pytz.timezone(tz)
        start = pytz.utc.localize(self.start).astimezone(zone)
        today = pytz.utc.localize(fields.Datetime.now()).astimezone(zone).date()
        if self.allday or start.date() != today:
            return self._conference_when()
        return format_time(self.env, self.start, tz=tz, time_format="short")

    # ------------------------------------------------------------------
    # Openers
    # ------------------------------------------------------------------

    def action_conference_invitation_preview(self):
        """Preview the invitation of one attendee, e-mail and .ics."""
        self.ensure_one()
        if not self._conference_may_read_code():
            raise AccessError(
                self.env._(
                    "The invitation of %(event)s holds the access code: only its "
                    "attendees and the conference managers may preview it.",
                    event=self.name,
                )
            )
        attendee = (
            self.attendee_ids.filtered(
                lambda a: a.partner_id != self.env.user.partner_id
            )[:1]
            or self.attendee_ids[:1]
        )
        wizard = self.env["calendar.event.invitation.preview"].create(
            {"event_id": self.id, "attendee_id": attendee.id}
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Invitation Preview"),
            "res_model": "calendar.event.invitation.preview",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }
