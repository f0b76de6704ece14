# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# A feature folder extends the model, as mail's models/discuss/ does:
# pylint: disable=consider-merging-classes-inherited
"""The .ics of each invitation: the dial-in for its invitee, and the meeting's
time as RFC 5545 says it. A series is one VEVENT in the meeting's time zone
with one RRULE, an EXDATE per occurrence deleted or detached, and a VEVENT
with a RECURRENCE-ID per occurrence moved on its own."""

from datetime import datetime, time, timedelta
from itertools import islice

import pytz
from dateutil import rrule

from odoo import fields, models

# More starts than a series of Odoo holds (calendar's MAX_RECURRENT_EVENT).
MAX_STARTS = 1000


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    conference_recurrence_start = fields.Datetime(
        string="Start in the Series",
        copy=False,
        readonly=True,
        help="The start the series' rule gives this meeting, kept when the "
        "meeting alone is moved (the RECURRENCE-ID of its .ics). Empty while "
        "the meeting follows its series: then it is its start.",
    )

    def write(self, vals):
        slots = self._conference_slots_before(vals)
        result = super().write(vals)
        if slots:
            self._conference_keep_slots(slots)
        return result

    def _conference_slot(self):
        """This meeting's start in its series' rule (naive UTC)."""
        return self.conference_recurrence_start or self.start

    def _conference_slots_before(self, vals):
        """The rule's start of the meetings of a series that ``vals`` moves."""
        if not set(self._get_time_fields()) & set(vals):
            return {}
        return {
            event: event._conference_slot()
            for event in self
            if event.recurrence_id and event.follow_recurrence
        }

    def _conference_keep_slots(self, slots):
        """A meeting moved alone (calendar then says it no longer follows
        its series) keeps the start its rule gave it; one moved with its
        series starts where the rule says."""
        for event, slot in slots.items():
            if not event.exists():
                continue
            moved_alone = event.recurrence_id and not event.follow_recurrence
            kept = slot if moved_alone else False
            if event.conference_recurrence_start != kept:
                event.conference_recurrence_start = kept

    # ------------------------------------------------------------------
    # The .ics
    # ------------------------------------------------------------------

    def _get_ics_file(self):
        """Add the dial-in of the room to each invitation's .ics.

        The .ics is written for the invitee given in the context
        (``voip_conference_calendar_partner_id``, set per attendee when the
        invitations are sent) in the context's language: see _conference_ics.
        A meeting that lost its room (``voip_conference_calendar_room_removed``
        in the context) keeps its UID and time, without a dial-in.
        """
        result = super()._get_ics_file()
        partner = self.env["res.partner"].browse(
            self.env.context.get("voip_conference_calendar_partner_id")
        )
        removed = self.env.context.get("voip_conference_calendar_room_removed")
        for event in self.filtered(lambda e: e.conference_id or removed):
            if event.id in result:
                result[event.id] = event._conference_ics(result[event.id], partner)
        return result

    def _conference_ics(self, data, partner):
        """``data`` (Odoo's .ics of this event, bytes) with its time as RFC
        5545 says it, and the dial-in for ``partner``: description, location
        and one RFC 7986 ``CONFERENCE`` property per number."""
        import vobject  # noqa: PLC0415 (calendar's own optional import)

        # The code goes to the invitee only when the invitee may have it.
        with_code = bool(partner) and partner in self.sudo().partner_ids
        values = self._conference_dial_in_values(partner, with_code=with_code)
        cal = vobject.readOne(data.decode())
        vevent = cal.vevent
        self._conference_ics_when(vevent)
        if values:
            self._conference_ics_dial_in(vevent, values)
        self._conference_ics_moved(cal, vevent)
        return cal.serialize().encode()

    def _conference_ics_dial_in(self, vevent, values):
        """Description, location and the ``CONFERENCE`` properties, whose
        value is the one-tap ``tel:`` URI."""
        text = self._conference_dial_in_text(values)
        if "description" in vevent.contents:
            vevent.description.value = f"{vevent.description.value}\n\n{text}"
        else:
            vevent.add("description").value = text
        location = self._conference_location_text(values)
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

    def _conference_ics_tz(self):
        return pytz.timezone(
            self.recurrence_id.event_tz or self.event_tz or self.user_id.tz or "UTC"
        )

    def _conference_ics_local(self, value, tz):
        """``value`` (naive UTC) as the .ics says it: in ``tz``, or its
        date for an all-day meeting."""
        if self.allday:
            return value.date()
        return pytz.utc.localize(value).astimezone(tz)

    def _conference_ics_when(self, vevent):
        """When, as RFC 5545 says it (Odoo writes a series as its one
        meeting in UTC with its ``rrule`` text split over two RRULE lines, and
        an all-day event as 8:00 floating):

        - a series is its first meeting and one RRULE, in the meeting's time
          zone (TZID, and a VTIMEZONE that vobject adds), so that each
          occurrence keeps its local time across DST changes; the occurrences
          it no longer holds are EXDATEs;
        - an all-day event is dates, DTEND the day after its last day;
        - a meeting (or series) keeps one UID in all its invitations, so that
          an update replaces it in the attendee's calendar.
        """
        self.ensure_one()
        for name in ("dtstart", "dtend", "rrule", "exdate", "uid"):
            vevent.contents.pop(name, None)
        tz = self._conference_ics_tz()
        if self.recurrence_id:
            self._conference_ics_series(vevent, tz)
        else:
            self._conference_ics_times(vevent, self, self.start, tz)
        record = self.recurrence_id or self
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid")
        vevent.add("uid").value = f"{record._name}-{record.id}-{uuid}@odoo"

    def _conference_ics_times(self, vevent, meeting, start, tz):
        """DTSTART and DTEND of ``meeting`` starting at ``start`` (naive
        UTC): its duration kept; an all-day meeting ends the day after."""
        vevent.add("dtstart").value = meeting._conference_ics_local(start, tz)
        if meeting.allday:
            days = (meeting.stop_date - meeting.start_date).days + 1
            end = start.date() + timedelta(days=days)
        else:
            end = meeting._conference_ics_local(
                start + (meeting.stop - meeting.start), tz
            )
        vevent.add("dtend").value = end

    def _conference_ics_meetings(self):
        """The meetings of this series, those deleted (archived) included."""
        return self.recurrence_id.with_context(
            active_test=False
        ).calendar_event_ids.sorted(lambda e: (e._conference_slot(), e.id))

    def _conference_ics_series(self, vevent, tz):
        """The series from its first start in its rule to its last; an
        EXDATE for each start of its rule that no meeting holds any more, an
        RDATE for a meeting off its rule (moved before this was recorded)."""
        meetings = self._conference_ics_meetings()
        first, last = meetings[0], meetings[-1]
        self._conference_ics_times(vevent, first, first._conference_slot(), tz)
        start = vevent.dtstart.value
        value = first._conference_ics_rrule(start, last._conference_slot(), tz)
        vevent.add("rrule").value = value
        held = {
            e._conference_ics_local(e._conference_slot(), tz)
            for e in meetings
            if e.active
        }
        starts = self._conference_ics_expand(value, start, last._conference_slot(), tz)
        exdates = [when for when in starts if when not in held]
        if exdates:
            vevent.add("exdate").value = exdates
        rdates = sorted(held - set(starts))
        if rdates:
            vevent.add("rdate").value = rdates

    def _conference_ics_rrule(self, start, last, tz):
        """The RRULE value of this meeting's series from ``start`` (a date,
        or a datetime in ``tz``) to ``last`` (the start of its last meeting
        in the rule, naive UTC): Odoo's rule, ending with UNTIL as RFC 5545
        wants it (a date for all-day series, else in UTC)."""
        local = start if self.allday else start.replace(tzinfo=None)
        if self.allday:
            local = datetime.combine(start, time())
        rule = self.recurrence_id._get_rrule(dtstart=local)
        [line] = [li for li in str(rule).splitlines() if li.startswith("RRULE:")]
        parts = [
            part
            for part in line.removeprefix("RRULE:").split(";")
            if part.partition("=")[0] not in ("COUNT", "UNTIL")
        ]
        until = f"{last:%Y%m%d}" if self.allday else f"{last:%Y%m%dT%H%M%SZ}"
        return ";".join([*parts, f"UNTIL={until}"])

    def _conference_ics_expand(self, value, start, last, tz):
        """The starts the RRULE ``value`` gives from ``start`` to ``last``
        (naive UTC), as the .ics says them (dates, or datetimes in ``tz``).
        The rule runs on local time, its end is in UTC."""
        rule_text = ";".join(
            part for part in value.split(";") if not part.startswith("UNTIL=")
        )
        if not isinstance(start, datetime):
            rule = rrule.rrulestr(rule_text, dtstart=datetime.combine(start, time()))
            return [
                when.date()
                for when in islice(rule, MAX_STARTS)
                if when.date() <= last.date()
            ]
        rule = rrule.rrulestr(rule_text, dtstart=start.replace(tzinfo=None))
        starts = []
        for when in islice(rule, MAX_STARTS):
            local = tz.localize(when, is_dst=False)
            if local.astimezone(pytz.utc).replace(tzinfo=None) > last:
                break
            starts.append(local)
        return starts

    def _conference_ics_moved(self, cal, vevent):
        """One VEVENT per meeting of the series moved on its own: the same
        UID, its start in the rule as RECURRENCE-ID, its own time."""
        if not self.recurrence_id:
            return
        tz = self._conference_ics_tz()
        for meeting in self._conference_ics_meetings().filtered(
            lambda e: e.active and e._conference_slot() != e.start
        ):
            moved = vevent.duplicate(vevent)
            for name in ("dtstart", "dtend", "rrule", "exdate"):
                moved.contents.pop(name, None)
            slot = meeting._conference_ics_local(meeting._conference_slot(), tz)
            moved.add("recurrence-id").value = slot
            self._conference_ics_times(moved, meeting, meeting.start, tz)
            cal.add(moved)

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
