# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# A feature folder extends the model, as mail's models/discuss/ does:
# pylint: disable=consider-merging-classes-inherited
"""The dial-in of an event's room: the room's one dial-in (values and
template of voip_conference) for a reader or an invitee of the event, and the
update mail when the dial-in changes or the room is taken off the meeting
(the .ics: calendar_event_ics)."""

from odoo import api, fields, models

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
        """What the room's dial-in says to ``partner`` (see
        voip.conference._dial_in_values), the numbers as dialled from their
        country (else the organiser's company's); ``{}`` without a room.

        :param bool with_code: include the access code (callers check who
            may read it: the attendees and the conference managers)
        """
        self.ensure_one()
        if not self.conference_id:
            return {}
        return self.conference_id._dial_in_values(
            partner, with_code=with_code, country=self._conference_country(partner)
        )

    def _conference_dial_in_html(self, values):
        """The room's dial-in block, in the environment's language."""
        return self.env["voip.conference"]._dial_in_html(values)

    def _conference_dial_in_text(self, values):
        """The dial-in block as plain text (the .ics description)."""
        return self.env["voip.conference"]._dial_in_text(values)

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
