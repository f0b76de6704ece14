# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# A feature folder extends the model, as mail's models/discuss/ does:
# pylint: disable=consider-merging-classes-inherited
"""The dial-in of an event's room: what a reader or an invitee is given
(values, the HTML section, its text), and the update mail when the dial-in
changes or the room is taken off the meeting (the .ics: calendar_event_ics)."""

import phonenumbers
from lxml import html

from odoo import api, fields, models

from odoo.addons.voip_conference.tools import dial_string, numbering

# Marks a <br/> while the text of an HTML block is flattened.
LINE_BREAK = "\ue000"
# Pre-commit data: the meetings and rooms whose dial-in changed in the
# transaction, told to the attendees once when it commits.
DIAL_IN_CHANGED = "voip_conference_calendar.dial_in_changed"


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    # Per reader: the access code is shown to the attendees and the
    # conference managers only (never stored, so never exported or tracked).
    conference_dial_in = fields.Html(
        string="Dial-in", compute="_compute_conference_dial_in", sanitize=False
    )

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

    # ------------------------------------------------------------------
    # A changed dial-in is sent to the attendees
    # ------------------------------------------------------------------

    def write(self, vals):
        rooms_before = (
            {e: e.conference_id for e in self} if "conference_id" in vals else {}
        )
        result = super().write(vals)
        if rooms_before:
            self._conference_room_changed(rooms_before, vals)
        return result

    def _conference_room_changed(self, rooms_before, vals):
        """The attendees of a meeting whose room changed get the new dial-in
        (unless Odoo's date change mail, which carries it, goes out); those
        of a meeting that lost its room are told it has none any more."""
        if self.env.context.get("is_calendar_event_new"):
            return
        removed = self.filtered(lambda e: rooms_before[e] and not e.conference_id)
        start = fields.Datetime.to_datetime(vals.get("start"))
        changed = self.browse()
        if not (start and start >= fields.Datetime.now()):
            changed = self.filtered(
                lambda e: e.conference_id and e.conference_id != rooms_before[e]
            )
        if changed or removed:
            self._conference_dial_in_changed(events=changed, removed=removed)

    @api.model
    def _conference_dial_in_changed(self, events=None, rooms=None, removed=None):
        """Tell the attendees of ``events`` and of the coming meetings of
        ``rooms`` their new dial-in, and those of ``removed`` that their
        meeting has no room any more: once per meeting and transaction (a
        save may change a room's code and numbers at once), when it
        commits."""
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
                "removed": set(),
            }
            events_model = self.sudo()
            precommit.add(lambda: events_model._conference_send_dial_in(pending))
        pending["events"].update(events.ids if events else ())
        pending["rooms"].update(rooms.ids if rooms else ())
        pending["removed"].update(removed.ids if removed else ())

    @api.model
    def _conference_send_dial_in(self, pending):
        events = self.browse(pending["events"]).exists()
        if pending["rooms"]:
            events |= self.search([("conference_id", "in", list(pending["rooms"]))])
        template = self.env.ref(
            "voip_conference_calendar.calendar_template_meeting_dial_in_changed",
            raise_if_not_found=False,
        )
        for event in self._conference_next_meetings(events.filtered("conference_id")):
            event.attendee_ids._notify_attendees(template)
        removed = self.browse(pending["removed"]).exists()
        template = self.env.ref(
            "voip_conference_calendar.calendar_template_meeting_dial_in_removed",
            raise_if_not_found=False,
        )
        for event in self._conference_next_meetings(
            removed.filtered(lambda e: not e.conference_id)
        ):
            event.attendee_ids.with_context(
                voip_conference_calendar_room_removed=True
            )._notify_attendees(template)

    @api.model
    def _conference_next_meetings(self, events):
        """The active meetings of ``events`` still to come; of a series, its
        next meeting only (its invitation names the series)."""
        now = fields.Datetime.now()
        next_meetings = {}
        for event in events.filtered(lambda e: e.active and e.stop > now).sorted(
            "start"
        ):
            next_meetings.setdefault(event.recurrence_id or event, event)
        return list(next_meetings.values())

    # ------------------------------------------------------------------
    # What a reader of the event, or an invitee, is given
    # ------------------------------------------------------------------

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
            (name or ``""``) and ``numbers`` (see _conference_numbers_values).
        """
        self.ensure_one()
        room = self.conference_id.sudo()
        if not room:
            return {}
        room_code = numbering.clean(room.access_code)
        code = room_code if with_code else ""
        country = self._conference_country(partner)
        return {
            "room": room.name,
            "extension": room.extension,
            "extension_one_tap": dial_string.one_tap(room.extension, code),
            "code": code,
            "code_hidden": bool(room_code) and not code,
            "country": country.name or "",
            "numbers": self._conference_numbers_values(code, country),
        }

    def _conference_numbers_values(self, code, country):
        """One dict per incoming number routed to the room (see
        _conference_number_values): the numbers of the reader's ``country``
        first (a local call), then the others by E.164."""
        routed = self.conference_id.sudo().incoming_number_ids.filtered(
            lambda n: n.active and n.destination_type == "conference"
        )
        at_home = country.code or ""
        return [
            self._conference_number_values(number, code, country)
            for number in routed.sorted(
                lambda n: (numbering.region_of(n.number) != at_home, n.number, n.id)
            )
        ]

    def _conference_number_values(self, number, code, country):
        """One number of the dial-in: ``label``, ``e164``, ``international``
        (``+32 2 555 01 00``), ``local`` (as dialled from ``country``:
        national format at home, the international prefix abroad),
        ``label_display`` (``(Brussels)``), ``local_display`` (``Belgium: 02
        555 01 00``), ``one_tap`` (``+3225550100,,1234#``),
        ``one_tap_display`` (the same as people read it, ``+32 2 555 01
        00,,1234#``) and ``tel`` (its RFC 3966 URI, ``#`` as ``%23``)."""
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
