# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import logging
from datetime import datetime, time, timedelta

import phonenumbers
import pytz
from lxml import html

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.voip_conference.tools import dial_string, numbering
from odoo.addons.voip_conference.tools.provider import ProviderError

_logger = logging.getLogger(__name__)

MANAGER_GROUP = "voip_conference.voip_conference_group_manager"
USER_GROUP = "voip_conference.voip_conference_group_user"
# A participation counts for an event when it overlaps the event widened by
# this margin: people join early and stay late.
ATTENDANCE_MARGIN = timedelta(minutes=15)
# Conflicts shown on a form (an event of a long recurrence may have many).
CONFLICTS_SHOWN = 5
# Marks a <br/> while the text of an HTML block is flattened.
LINE_BREAK = "\ue000"
# Pre-commit data: the meetings and rooms whose dial-in changed in the
# transaction, told to the attendees once when it commits.
DIAL_IN_CHANGED = "voip_conference_calendar.dial_in_changed"


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
    # Per reader: the access code is shown to the attendees and the
    # conference managers only (never stored, so never exported or tracked).
    conference_dial_in = fields.Html(
        string="Dial-in", compute="_compute_conference_dial_in", sanitize=False
    )
    conference_conflict = fields.Boolean(
        string="Room Double-booked", compute="_compute_conference_conflict"
    )
    conference_conflict_message = fields.Text(
        string="Room Conflicts", compute="_compute_conference_conflict"
    )
    conference_free_room_id = fields.Many2one(
        "voip.conference",
        string="Free Room",
        compute="_compute_conference_conflict",
        help="A room of the same PBX that is free for every occurrence.",
    )
    conference_call_in = fields.Boolean(
        string="Call External Attendees In",
        help="At the start, the PBX calls the phone number of every attendee "
        "who is not a user and has not declined, and links them into the room "
        "(once). Not for an all-day event: it has no start time.",
    )
    conference_call_in_done = fields.Boolean(
        string="External Attendees Called In", copy=False, readonly=True
    )
    conference_reminder_sent = fields.Boolean(copy=False, readonly=True)
    conference_attendance_posted = fields.Boolean(
        string="Attendance Posted", copy=False, readonly=True
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("conference_id")
    def _compute_conference_extension(self):
        for event in self:
            event.conference_extension = event.conference_id.sudo().extension

    @api.depends("conference_id", "partner_ids")
    @api.depends_context("uid", "lang")
    def _compute_conference_dial_in(self):
        partner = self.env.user.partner_id
        for event in self:
            if not event.conference_id:
                event.conference_dial_in = False
                continue
            values = event._conference_dial_in_values(
                partner, with_code=event._conference_may_read_code()
            )
            event.conference_dial_in = event._conference_dial_in_html(values)

    @api.depends("conference_id", "start", "stop", "allday", "event_tz", "user_id")
    def _compute_conference_conflict(self):
        conflicts = self._conference_conflicts()
        for event in self:
            events = event._conference_occurrences()
            found = [(e, conflicts.get(e, [])) for e in events if conflicts.get(e)]
            event.conference_conflict = bool(conflicts.get(event))
            event.conference_conflict_message = event._conference_conflict_text(found)
            event.conference_free_room_id = (
                event._conference_free_room(events) if found else False
            )

    @api.onchange("conference_id", "start", "stop", "allday")
    def _onchange_conference_warning(self):
        if self.conference_id and self.conference_conflict_message:
            return {
                "warning": {
                    "title": self.env._("The room is already booked"),
                    "message": self.conference_conflict_message,
                }
            }
        return None

    # ------------------------------------------------------------------
    # CRUD
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
        if vals.get("conference_call_in"):
            # The PBX will call people: the rights of putting the room on.
            switched = self.filtered(lambda e: not e.conference_call_in)
            self._check_conference_room_choice(
                [
                    vals.get("conference_id") or room.id
                    for room in switched.conference_id
                ],
                what="call_in",
            )
        rooms_before = (
            {e: e.conference_id for e in self} if "conference_id" in vals else {}
        )
        result = super().write(vals)
        if rooms_before:
            self._conference_room_changed(rooms_before, vals)
        return result

    def _conference_room_changed(self, rooms_before, vals):
        """The attendees of a meeting whose room changed get the new dial-in
        (unless Odoo's date change mail, which carries it, goes out)."""
        if self.env.context.get("is_calendar_event_new"):
            return
        start = fields.Datetime.to_datetime(vals.get("start"))
        if start and start >= fields.Datetime.now():
            return
        changed = self.filtered(
            lambda e: e.conference_id and e.conference_id != rooms_before[e]
        )
        if changed:
            self._conference_dial_in_changed(events=changed)

    @api.model
    def _conference_dial_in_changed(self, events=None, rooms=None):
        """Tell the attendees of ``events`` and of the coming meetings of
        ``rooms`` their new dial-in: once per meeting and transaction (a save
        may change a room's code and numbers at once), when it commits."""
        context = self.env.context
        if context.get("no_mail_to_attendees") or context.get(
            "skip_attendee_notification"
        ):
            return
        precommit = self.env.cr.precommit
        pending = precommit.data.get(DIAL_IN_CHANGED)
        if pending is None:
            pending = precommit.data[DIAL_IN_CHANGED] = {
                "events": set(),
                "rooms": set(),
            }
            events_model = self.sudo()
            precommit.add(lambda: events_model._conference_send_dial_in(pending))
        pending["events"].update(events.ids if events else ())
        pending["rooms"].update(rooms.ids if rooms else ())

    @api.model
    def _conference_send_dial_in(self, pending):
        now = fields.Datetime.now()
        events = self.browse(pending["events"]).exists()
        if pending["rooms"]:
            events |= self.search([("conference_id", "in", list(pending["rooms"]))])
        events = events.filtered(
            lambda e: e.active and e.conference_id and e.stop > now
        )
        # A series: its next meeting only (its invitation names the series).
        next_meetings = {}
        for event in events.sorted("start"):
            next_meetings.setdefault(event.recurrence_id or event, event)
        template = self.env.ref(
            "voip_conference_calendar.calendar_template_meeting_dial_in_changed",
            raise_if_not_found=False,
        )
        for event in next_meetings.values():
            event.attendee_ids._notify_attendees(template)

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
        """The refusal of ``what`` (see _check_conference_room_choice)."""
        if what == "attendees":
            return self.env._(
                "Only conference users may invite people to a meeting held in a "
                "conference room (its attendees read the room's access code). "
                "Ask the organiser to invite them."
            )
        if what == "organiser":
            return self.env._(
                "Only conference users may organise a meeting held in a "
                "conference room (the organiser sends the room's access code)."
            )
        if what == "call_in":
            return self.env._(
                "Only conference users may have the PBX call a meeting's "
                "attendees into its conference room."
            )
        return self.env._(
            "Only conference users may put a conference room on a calendar "
            "event (its attendees read the room's access code). Ask one to "
            "choose the room."
        )

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

    # ------------------------------------------------------------------
    # The dial-in: what a reader of the event, or an invitee, is given
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

    def _conference_dial_in_values(self, partner, with_code=False):
        """What a room's dial-in says to ``partner``, as plain data.

        :param partner: the reader or invitee (res.partner); the numbers are
            also given as dialled from their country
        :param bool with_code: include the access code (callers check who
            may read it)
        :returns: ``{}`` without a room, else a dict with ``room`` (name),
            ``extension``, ``extension_one_tap`` (extension and code),
            ``code`` (``""`` when hidden or when the room has none),
            ``code_hidden`` (a code exists but is not given), ``country``
            (name or ``""``) and ``numbers``: one dict per incoming number
            routed to the room, with ``label``, ``e164``, ``international``
            (``+32 2 555 01 00``), ``local`` (as dialled from the partner's
            country: national format at home, the international prefix
            abroad), ``label_display`` (``(Brussels)``), ``local_display``
            (``Belgium: 02 555 01 00``), ``one_tap``
            (``+3225550100,,1234#``), ``one_tap_display`` (the same as people
            read it, ``+32 2 555 01 00,,1234#``) and ``tel`` (its RFC 3966
            URI, ``#`` as ``%23``). The numbers of the partner's country come
            first, then the others by E.164.
        """
        self.ensure_one()
        room = self.conference_id.sudo()
        if not room:
            return {}
        room_code = numbering.clean(room.access_code)
        code = room_code if with_code else ""
        country = self._conference_country(partner)
        routed = room.incoming_number_ids.filtered(
            lambda n: n.active and n.destination_type == "conference"
        )
        # The numbers of the reader's country first (a local call), then the
        # others by E.164.
        at_home = country.code or ""
        numbers = [
            self._conference_number_values(number, code, country)
            for number in routed.sorted(
                lambda n: (numbering.region_of(n.number) != at_home, n.number, n.id)
            )
        ]
        return {
            "room": room.name,
            "extension": room.extension,
            "extension_one_tap": dial_string.one_tap(room.extension, code),
            "code": code,
            "code_hidden": bool(room_code) and not code,
            "country": country.name or "",
            "numbers": numbers,
        }

    def _conference_number_values(self, number, code, country):
        """One number of ``numbers`` (see _conference_dial_in_values)."""
        parsed = phonenumbers.parse(number.number)
        international = phonenumbers.format_number(
            parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
        local = ""
        if country.code:
            local = phonenumbers.format_out_of_country_calling_number(
                parsed, country.code
            )
        return {
            "label": number.name or "",
            "e164": number.number,
            "international": international,
            "local": local if local != international else "",
            # Whole pieces of text: the template never glues words.
            "label_display": f"({number.name})" if number.name else "",
            "local_display": f"{country.name}: {local}",
            "one_tap": dial_string.one_tap(number.number, code),
            "one_tap_display": numbering.one_tap_display(number.number, code),
            "tel": dial_string.tel_uri(number.number, self._dtmf(code)),
        }

    @api.model
    def _dtmf(self, code):
        """The post-dial part of a one-tap string: wait for the receptionist,
        then the code and the ``#`` that ends it (nothing without a code)."""
        return f",,{code}#" if code else ""

    def _conference_dial_in_html(self, values):
        """The dial-in section (QWeb view), in the environment's language."""
        if not values:
            return ""
        return self.env["ir.qweb"]._render(
            "voip_conference_calendar.calendar_event_dial_in", values
        )

    def _conference_dial_in_text(self, values):
        """The dial-in section as plain text (the .ics description): one
        line per heading, paragraph and list item of the HTML section."""
        if not values:
            return ""
        root = html.fromstring(str(self._conference_dial_in_html(values)))
        lines = []
        for element in root.iter("h2", "p", "li"):
            for br in element.iter("br"):
                br.tail = LINE_BREAK + (br.tail or "")
            text = " ".join(element.text_content().split())
            text = text.replace(f" {LINE_BREAK} ", "\n  ").replace(LINE_BREAK, "")
            lines.append(f"- {text}" if element.tag == "li" else text)
        return "\n".join(lines)

    def _conference_location_text(self, values):
        """The LOCATION of the .ics: the event's place, then the room and
        the first number reaching it (the code when given)."""
        if not values:
            return self.location or ""
        where = values["numbers"][0]["international"] if values["numbers"] else ""
        if values["code"] and where:
            phone = self.env._(
                "Telephone conference %(room)s: %(number)s, code %(code)s#",
                room=values["room"],
                number=where,
                code=values["code"],
            )
        elif where:
            phone = self.env._(
                "Telephone conference %(room)s: %(number)s",
                room=values["room"],
                number=where,
            )
        else:
            phone = self.env._(
                "Telephone conference %(room)s: extension %(extension)s",
                room=values["room"],
                extension=values["extension"],
            )
        return f"{self.location} / {phone}" if self.location else phone

    def _get_ics_file(self):
        """Add the dial-in of the room to each invitation's .ics.

        The .ics is written for the invitee given in the context
        (``voip_conference_calendar_partner_id``, set per attendee when the
        invitations are sent) in the context's language: description,
        location and one RFC 7986 ``CONFERENCE`` property per number, whose
        value is the one-tap ``tel:`` URI.
        """
        result = super()._get_ics_file()
        partner = self.env["res.partner"].browse(
            self.env.context.get("voip_conference_calendar_partner_id")
        )
        import vobject  # noqa: PLC0415 (calendar's own optional import)

        for event in self.filtered("conference_id"):
            if event.id not in result:
                continue
            # The code goes to the invitee only when the invitee may have it.
            with_code = bool(partner) and partner in event.sudo().partner_ids
            values = event._conference_dial_in_values(partner, with_code=with_code)
            cal = vobject.readOne(result[event.id].decode())
            vevent = cal.vevent
            event._conference_ics_when(vevent)
            text = event._conference_dial_in_text(values)
            if "description" in vevent.contents:
                vevent.description.value = f"{vevent.description.value}\n\n{text}"
            else:
                vevent.add("description").value = text
            location = event._conference_location_text(values)
            if "location" in vevent.contents:
                vevent.location.value = location
            else:
                vevent.add("location").value = location
            for number in values["numbers"]:
                conference = vevent.add("conference")
                conference.value = number["tel"]
                conference.params["VALUE"] = ["URI"]
                conference.params["FEATURE"] = ["PHONE"]
                label = number["international"]
                if number["label"]:
                    label = f"{label} ({number['label']})"
                conference.params["LABEL"] = [label]
                # A URI, not text: its commas (pauses) must not be escaped.
                conference.behavior = None
            result[event.id] = cal.serialize().encode()
        return result

    def _conference_ics_when(self, vevent):
        """When, as RFC 5545 says it (Odoo writes a series as its one
        meeting in UTC with its ``rrule`` text split over two RRULE lines, and
        an all-day event as 8:00 floating):

        - a series is its first meeting and one RRULE, in the meeting's time
          zone (TZID, and a VTIMEZONE that vobject adds), so that each
          occurrence keeps its local time across DST changes;
        - an all-day event is dates, DTEND the day after its last day;
        - a meeting (or series) keeps one UID in all its invitations, so that
          an update replaces it in the attendee's calendar.
        """
        self.ensure_one()
        recurrence = self.recurrence_id
        first = recurrence.calendar_event_ids.sorted("start")[:1] or self
        tz = pytz.timezone(
            recurrence.event_tz or self.event_tz or self.user_id.tz or "UTC"
        )
        for name in ("dtstart", "dtend", "rrule", "uid"):
            vevent.contents.pop(name, None)
        if first.allday:
            start = first.start_date
            end = first.stop_date + timedelta(days=1)
        else:
            start = pytz.utc.localize(first.start).astimezone(tz)
            end = pytz.utc.localize(first.stop).astimezone(tz)
        vevent.add("dtstart").value = start
        vevent.add("dtend").value = end
        if recurrence:
            vevent.add("rrule").value = first._conference_ics_rrule(start, tz)
        record = recurrence or self
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid")
        vevent.add("uid").value = f"{record._name}-{record.id}-{uuid}@odoo"

    def _conference_ics_rrule(self, start, tz):
        """The RRULE value of this meeting's series from ``start`` (a date,
        or a datetime in ``tz``): Odoo's rule, with UNTIL as RFC 5545 wants
        it (a date for all-day series, else in UTC)."""
        local = start if self.allday else start.replace(tzinfo=None)
        if self.allday:
            local = datetime.combine(start, time())
        rule = self.recurrence_id._get_rrule(dtstart=local)
        [line] = [li for li in str(rule).splitlines() if li.startswith("RRULE:")]
        parts = []
        for part in line.removeprefix("RRULE:").split(";"):
            key, _sep, value = part.partition("=")
            if key == "UNTIL":
                until = datetime.strptime(value, "%Y%m%dT%H%M%S")
                value = (
                    f"{until:%Y%m%d}"
                    if self.allday
                    else f"{tz.localize(until).astimezone(pytz.utc):%Y%m%dT%H%M%SZ}"
                )
            parts.append(f"{key}={value}")
        return ";".join(parts)

    def message_notify(self, **kwargs):
        """An invitation's .ics holds the access code: it stays readable
        through its message (the invitee's) only, not through the event."""
        messages = super().message_notify(**kwargs)
        if self.env.context.get("voip_conference_calendar_partner_id"):
            for message in messages.sudo():
                message.attachment_ids.filtered(
                    lambda a: a.res_model == self._name
                ).write({"res_model": "mail.message", "res_id": message.id})
        return messages

    # ------------------------------------------------------------------
    # Bookings
    # ------------------------------------------------------------------

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

    def _conference_occurrences(self):
        """This event and, for a recurring one, its other occurrences."""
        self.ensure_one()
        if self.recurrence_id and self.id:
            return self.sudo().recurrence_id.calendar_event_ids.sorted("start")
        return self

    @api.model
    def _conference_bookings(self, rooms, intervals, exclude_ids=()):
        """Events booking ``rooms`` at a time overlapping one of ``intervals``.

        :param rooms: voip.conference records
        :param intervals: ``[(start, stop)]`` naive UTC datetimes
        :param exclude_ids: ids of events that are not counted
        :returns: ``{room id: [(event, (start, stop))]}``, the bookings and
            their exact intervals (as superuser: a private event still holds
            its room)
        """
        intervals = [i for i in intervals if i[0] and i[1]]
        if not rooms or not intervals:
            return {}
        # All-day events are stored 8:00-18:00: a day on each side catches
        # them in any time zone; the exact check is made on their intervals.
        low = min(start for start, _stop in intervals) - timedelta(days=1)
        high = max(stop for _start, stop in intervals) + timedelta(days=1)
        candidates = (
            self.sudo()
            .with_context(active_test=True)
            .search(
                [
                    ("conference_id", "in", rooms.ids),
                    ("id", "not in", [i for i in exclude_ids if i]),
                    ("start", "<", high),
                    ("stop", ">", low),
                ]
            )
        )
        found = {}
        for other in candidates:
            other_start, other_stop = other._conference_interval()
            if any(
                other_start < stop and start < other_stop for start, stop in intervals
            ):
                found.setdefault(other.conference_id.id, []).append(
                    (other, (other_start, other_stop))
                )
        return found

    def _conference_conflicts(self):
        """Map each event of ``self`` (and the other occurrences of its
        recurrence) to the other events booking its room at an overlapping
        time. Occurrences of one recurrence never conflict with each other."""
        events = self.browse()
        for event in self.filtered("conference_id"):
            events |= event._conference_occurrences()
        conflicts = {}
        for room, room_events in events.grouped("conference_id").items():
            intervals = {event: event._conference_interval() for event in room_events}
            intervals = {e: i for e, i in intervals.items() if i[0] and i[1]}
            bookings = self._conference_bookings(room, intervals.values())
            for event, (start, stop) in intervals.items():
                family = event._origin | event._origin.recurrence_id.calendar_event_ids
                others = [
                    other
                    for other, (other_start, other_stop) in bookings.get(room.id, [])
                    if other not in family and other_start < stop and start < other_stop
                ]
                if others:
                    conflicts[event] = others
        return conflicts

    def _conference_conflict_text(self, found):
        """Say which occurrences collide with which bookings."""
        if not found:
            return False
        lines = []
        for event, others in found[:CONFLICTS_SHOWN]:
            for other in others:
                name = other.name if other._conference_visible_to_reader() else ""
                lines.append(
                    self.env._(
                        "%(room)s is already booked on %(when)s by %(event)s.",
                        room=event.conference_id.display_name,
                        when=event._conference_when(),
                        event=name or self.env._("a private meeting"),
                    )
                )
        if len(found) > CONFLICTS_SHOWN:
            lines.append(
                self.env._(
                    "... and %(count)s more occurrences.",
                    count=len(found) - CONFLICTS_SHOWN,
                )
            )
        return "\n".join(lines)

    def _conference_visible_to_reader(self):
        """Whether the current user may see this event's name (a private
        event is named to its organiser and attendees only)."""
        return (
            self.effective_privacy != "private"
            or self.env.user.partner_id in self.sudo().partner_ids
            or self.user_id == self.env.user
        )

    def _conference_when(self):
        """The event's start in the reader's time zone, for messages."""
        tz = pytz.timezone(self.env.user.tz or self.event_tz or "UTC")
        start = pytz.utc.localize(self.start).astimezone(tz)
        return start.strftime("%Y-%m-%d %H:%M")

    def _conference_free_room(self, events):
        """The first active room of the organiser's PBX (else the event's
        room's PBX) that no other event books during ``events``, among the
        rooms the current user may choose (none for who is no conference
        user)."""
        self.ensure_one()
        pbx = self.sudo().user_id.voip_pbx_id or self.conference_id.sudo().pbx_id
        if not pbx or not self.env.user.has_group(USER_GROUP):
            return self.env["voip.conference"]
        rooms = self.env["voip.conference"].search(
            [("pbx_id", "=", pbx.id), ("active", "=", True)], order="extension, id"
        )
        intervals = [e._conference_interval() for e in events]
        exclude = [e._origin.id for e in events]
        booked = self._conference_bookings(rooms, intervals, exclude)
        for room in rooms:
            if room.id not in booked and room != self.conference_id:
                return room
        return self.env["voip.conference"]

    def action_conference_pick_room(self):
        """Put a free room of the organiser's PBX on this event."""
        for event in self:
            room = event._conference_free_room(event._conference_occurrences())
            if not room:
                raise UserError(
                    self.env._(
                        "No room of your PBX is free at the time of %(event)s. "
                        "Move the meeting or free a room.",
                        event=event.name,
                    )
                )
            event.conference_id = room
        return True

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
    # Join
    # ------------------------------------------------------------------

    def action_conference_join(self):
        """Join the event's room from the phone widget."""
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "voip_conference_calendar.join",
            "params": {"event_id": self.id},
        }

    def get_conference_join_sequence(self):
        """What the phone widget dials to join the event's room.

        For the event's attendees and the conference managers only, the
        readers of its access code: attendees who are not conference users
        were given the code in their invitation and have it sent for them.
        Same shape as ``voip.conference.get_join_sequence``.
        """
        self.ensure_one()
        self.check_access("read")
        room = self.conference_id
        if not room:
            raise UserError(
                self.env._("%(event)s has no conference room.", event=self.name)
            )
        if not self._conference_may_read_code():
            raise AccessError(
                self.env._(
                    "Only the attendees of %(event)s and the conference managers "
                    "may join its conference from the event.",
                    event=self.name,
                )
            )
        # The room's own sequence, with rights that may read the room.
        return room.with_user(self.env.ref("base.user_root")).get_join_sequence()

    # ------------------------------------------------------------------
    # At the start: reminders and call-ins; afterwards: attendance (run by
    # calendar.conference.scheduler)
    # ------------------------------------------------------------------

    def _conference_notify_internal_attendees(self):
        """A notification with Join for every internal attendee."""
        self.ensure_one()
        users = self.sudo().partner_ids.user_ids.filtered(lambda u: not u.share)
        for user in users:
            event = self.with_user(user).with_context(lang=user.lang)
            user._bus_send(
                "voip_conference_calendar/reminder",
                {
                    "event_id": self.id,
                    "title": event.env._(
                        "Conference starting: %(event)s", event=self.name
                    ),
                    "message": event.env._(
                        "%(event)s starts at %(when)s in room %(room)s.",
                        event=self.name,
                        when=event._conference_when(),
                        room=self.conference_id.sudo().display_name,
                    ),
                },
            )

    def _conference_call_in_targets(self):
        """``[(partner, E.164 or "", line)]``, one per attendee: who the PBX
        calls (``line`` empty) and, for the others, the line that says why
        not (a user joins from Odoo; a declined attendee is not called)."""
        self.ensure_one()
        targets = []
        for attendee in self.sudo().attendee_ids.sorted(
            lambda a: a.partner_id.name or ""
        ):
            partner = attendee.partner_id
            why_not = self._conference_call_in_refusal(attendee)
            if why_not:
                targets.append((partner, "", why_not))
                continue
            number = partner._phone_format(
                number=partner.phone,
                country=partner.country_id or self._conference_country(partner),
                force_format="E164",
            )
            targets.append((partner, number or "", ""))
        return targets

    def _conference_call_in_refusal(self, attendee):
        """Why ``attendee`` is not called, or "" (they are)."""
        name = attendee.partner_id.display_name
        if attendee.partner_id.user_ids:
            return self.env._("%(name)s: joins from Odoo, not called.", name=name)
        if attendee.state == "declined":
            return self.env._("%(name)s: declined, not called.", name=name)
        if not attendee.partner_id.phone:
            return self.env._("%(name)s: no phone number, not called.", name=name)
        return ""

    def _conference_call_in(self):
        """Have the PBX call the attendees in; log each one on the event."""
        self.ensure_one()
        event = self.sudo()
        room = event.conference_id
        if not room.remote_id:
            event.message_post(
                body=self.env._(
                    "The external attendees could not be called in: room %(room)s "
                    "is not on the PBX yet.",
                    room=room.display_name,
                )
            )
            return
        targets = event._conference_call_in_targets()
        lines = [line for _partner, _number, line in targets if line]
        to_call = [(p, number) for p, number, line in targets if not line]
        try:
            if to_call:
                with room.pbx_id._provider() as backend:
                    for partner, number in to_call:
                        lines.append(
                            event._conference_invite_one(backend, partner, number)
                        )
        except ProviderError as error:
            lines.append(
                self.env._("The PBX could not be reached: %(error)s", error=error)
            )
        event.message_post(
            body=self.env._(
                "Calling the external attendees in to %(room)s:\n%(lines)s",
                room=room.display_name,
                lines="\n".join(lines),
            )
        )

    def _conference_call_in_key(self, partner):
        """One per attendee and meeting (an occurrence of a series is a
        meeting of its own; a meeting moved to another start is called in
        again), and per database (PBXs may be shared)."""
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid")
        return f"{uuid}:call-in:{self.id}:{self.start:%Y%m%dT%H%M%S}:{partner.id}"

    def _conference_invite_one(self, backend, partner, number):
        """Invite one attendee, once whatever the retries; return the line
        that logs it."""
        if not number:
            return self.env._(
                "%(name)s: no valid phone number.", name=partner.display_name
            )
        key = self._conference_call_in_key(partner)
        CallIn = self.env["calendar.event.call.in"]
        if CallIn._conference_claim_key(key) == "called":
            return self.env._(
                "%(name)s (%(number)s): already called in by an earlier run.",
                name=partner.display_name,
                number=number,
            )
        try:
            # Asked before with no answer ("calling"): the same key, so the
            # PBX rings once.
            backend.invite(self.conference_id.remote_id, number, idempotency_key=key)
        except ProviderError as error:
            return self.env._(
                "%(name)s (%(number)s): failed, %(error)s",
                name=partner.display_name,
                number=number,
                error=error,
            )
        CallIn._conference_mark_called(key)
        return self.env._(
            "%(name)s (%(number)s): called by the PBX.",
            name=partner.display_name,
            number=number,
        )

    def _conference_participations(self):
        """The room's participations overlapping the event (with margins)."""
        self.ensure_one()
        start, stop = self._conference_interval()
        return (
            self.env["voip.conference.participation"]
            .sudo()
            .search(
                [
                    ("conference_id", "=", self.conference_id.id),
                    ("joined_at", "<", stop + ATTENDANCE_MARGIN),
                    "|",
                    ("left_at", "=", False),
                    ("left_at", ">", start - ATTENDANCE_MARGIN),
                ],
                order="joined_at, id",
            )
        )

    def _conference_post_attendance(self):
        """Post who joined and left the room, and when, on the event."""
        self.ensure_one()
        participations = self._conference_participations()
        body = self.env["ir.qweb"]._render(
            "voip_conference_calendar.calendar_event_attendance",
            {
                "event": self,
                "room": self.conference_id.sudo().display_name,
                "rows": [
                    {
                        "name": p.partner_id.display_name
                        or p.user_id.display_name
                        or p.name
                        or p.number_display,
                        "number": p.number_display,
                        "joined": self._conference_format_time(p.joined_at),
                        "left": self._conference_format_time(p.left_at),
                        "reason": dict(
                            p._fields["leave_reason"]._description_selection(self.env)
                        ).get(p.leave_reason, ""),
                    }
                    for p in participations
                ],
            },
        )
        self.sudo().message_post(body=body)

    def _conference_format_time(self, value):
        if not value:
            return ""
        tz = pytz.timezone(self.event_tz or self.user_id.tz or "UTC")
        return pytz.utc.localize(value).astimezone(tz).strftime("%Y-%m-%d %H:%M")

    def action_conference_post_attendance(self):
        """Post the attendance now (managers, or the organiser)."""
        for event in self:
            if not (
                event.user_id == self.env.user or self.env.user.has_group(MANAGER_GROUP)
            ):
                raise AccessError(
                    self.env._(
                        "Only the organiser or a conference manager may post the "
                        "attendance of %(event)s.",
                        event=event.name,
                    )
                )
            event._conference_post_attendance()
            event.sudo().conference_attendance_posted = True
        return True

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
