# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# A feature folder extends the model, as mail's models/discuss/ does:
# pylint: disable=consider-merging-classes-inherited
"""Call-in: at the start, the PBX calls the external attendees into the
room, once per attendee and meeting (run by calendar.conference.scheduler);
each attendee gets a line in the event's log."""

from odoo import fields, models

from odoo.addons.voip_conference.tools.provider import ProviderError


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    conference_call_in = fields.Boolean(
        string="Call External Attendees In",
        help="At the start, the PBX calls the phone number of every attendee "
        "who is not a user and has not declined, and links them into the room "
        "(once). Not for an all-day event: it has no start time.",
    )
    conference_call_in_done = fields.Boolean(
        string="External Attendees Called In", copy=False, readonly=True
    )

    def _conference_check_write(self, vals):
        """Switching call-in on takes the rights of putting the room on."""
        result = super()._conference_check_write(vals)
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
        return result

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
