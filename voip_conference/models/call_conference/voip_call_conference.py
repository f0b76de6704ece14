# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from ...tools import numbering

# The numbers one request may ask to format: the parties of one conference.
MAX_NUMBERS_TO_FORMAT = 50

# How a leg left the conference -> the state of its voip.call.
END_STATES = {
    "hangup": "terminated",
    "removed": "terminated",
    "ended": "terminated",
    "transferred": "terminated",
    "rejected": "rejected",
    "cancelled": "aborted",
}


class VoipCallConference(models.Model):
    """A conference the host made in the phone widget from an ordinary call.

    Every leg (one per party, the first call included) is a ``voip.call``
    linked here; the browser mixes the audio, so no PBX API is involved. The
    widget reports each leg through the ``*_leg`` methods below, which act on
    the host's own calls only.
    """

    _name = "voip.call.conference"
    _description = "Conference from a Call"
    _order = "start_date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    user_id = fields.Many2one(
        "res.users",
        string="Host",
        default=lambda self: self.env.user,
        required=True,
        readonly=True,
        index=True,
    )
    pbx_id = fields.Many2one("voip.pbx", string="PBX", readonly=True)
    call_ids = fields.One2many(
        "voip.call", "adhoc_conference_id", string="Calls", readonly=True
    )
    partner_ids = fields.Many2many(
        "res.partner",
        string="Contacts",
        compute="_compute_partner_ids",
        store=True,
    )
    party_count = fields.Integer(string="Parties", compute="_compute_party_count")
    start_date = fields.Datetime(default=fields.Datetime.now, readonly=True)
    end_date = fields.Datetime(readonly=True)

    @api.depends("start_date", "user_id")
    def _compute_name(self):
        for conference in self:
            start = conference.start_date or fields.Datetime.now()
            when = fields.Datetime.to_string(start)
            conference.name = self.env._(
                "Conference of %(host)s, %(when)s",
                host=conference.user_id.name or "",
                when=when[:16],
            )

    @api.depends("call_ids.partner_id")
    def _compute_partner_ids(self):
        for conference in self:
            conference.partner_ids = conference.call_ids.partner_id

    @api.depends("call_ids")
    def _compute_party_count(self):
        for conference in self:
            conference.party_count = len(conference.call_ids)

    # ------------------------------------------------------------------
    # Reported by the phone widget
    # ------------------------------------------------------------------

    def _own_call(self, call_id):
        """The host's own call ``call_id``.

        :raises AccessError: no such call, or another user's.
        """
        call = self.env["voip.call"].browse(int(call_id)).exists()
        if not call or call.user_id != self.env.user:
            raise AccessError(self.env._("This call is not one of yours."))
        call.check_access("write")
        return call

    @api.model
    def start_from_call(self, call_id):
        """Make a conference of the host's call ``call_id`` (an int).

        :returns: ``{"id": int, "max_parties": int}``
        """
        call = self._own_call(call_id)
        conference = call.adhoc_conference_id
        if not conference:
            conference = self.create(
                {
                    "pbx_id": call.pbx_id.id,
                    "start_date": call.start_date or fields.Datetime.now(),
                    "call_ids": [Command.link(call.id)],
                }
            )
        return {"id": conference.id, "max_parties": conference._max_parties()}

    def _max_parties(self):
        return self.pbx_id.adhoc_conference_max_parties or 5

    def add_leg(self, values):
        """A new party dialled from the conference.

        :param values: ``{"phone_number": str, "partner_id": int|False}``
        :returns: the new ``voip.call``, as ``voip.call.format_call`` gives it
        """
        self.ensure_one()
        self.check_access("write")
        if self.end_date:
            raise UserError(self.env._("This conference has ended."))
        number = (values.get("phone_number") or "").strip()
        if not number:
            raise UserError(self.env._("Enter a number to call."))
        live = self.call_ids.filtered(lambda c: c.state in ("calling", "ongoing"))
        if len(live) >= self._max_parties():
            raise UserError(
                self.env._(
                    "A conference may have at most %(count)s parties.",
                    count=self._max_parties(),
                )
            )
        return self.env["voip.call"].create_call(
            {
                "pbx_id": self.pbx_id.id,
                "phone_number": number,
                "partner_id": values.get("partner_id") or False,
                "type_call": "outgoing",
                "state": "calling",
                "adhoc_conference_id": self.id,
            }
        )

    def answer_leg(self, call_id):
        """The party of ``call_id`` answered. :returns: the formatted call."""
        self.ensure_one()
        call = self._leg(call_id)
        if call.state == "calling":
            call.accept_call()
        return call.format_call()

    def end_leg(self, call_id, reason):
        """The leg of ``call_id`` ended; ``reason`` is a key of END_STATES.

        The conference ends with its last leg. :returns: the formatted call.
        """
        self.ensure_one()
        if reason not in END_STATES:
            raise UserError(
                self.env._("Unknown way for a call to end: %(reason)s", reason=reason)
            )
        call = self._leg(call_id)
        if call.state in ("calling", "ongoing"):
            state = END_STATES[reason]
            if call.state == "calling" and state == "terminated":
                state = "aborted"
            call.write(
                {
                    "state": state,
                    "end_date": fields.Datetime.now(),
                    "adhoc_end_reason": reason,
                }
            )
        if not self.end_date and not self.call_ids.filtered(
            lambda c: c.state in ("calling", "ongoing")
        ):
            self.end_date = fields.Datetime.now()
        return call.format_call()

    @api.model
    def format_numbers(self, numbers):
        """The parties' numbers written one way, as Odoo writes contacts'
        phones: international format, ``+32 2 555 01 98``, a number without
        country code read in the company's country. An extension or anything
        else phonenumbers cannot read comes back as given. Nothing is read
        or written: any user of the phone widget may ask.

        :param numbers: a list of str (at most MAX_NUMBERS_TO_FORMAT)
        :returns: ``{number: written}``
        """
        if not isinstance(numbers, list) or len(numbers) > MAX_NUMBERS_TO_FORMAT:
            raise UserError(self.env._("Too many numbers to format at once."))
        country = self.env.company.country_id
        result = {}
        for number in numbers:
            if not isinstance(number, str):
                continue
            e164 = self.env.user._phone_format(
                number=number, country=country, force_format="E164"
            )
            result[number] = numbering.format_international(e164) if e164 else number
        return result

    def _leg(self, call_id):
        call = self._own_call(call_id)
        if call.adhoc_conference_id != self:
            raise UserError(self.env._("This call is not part of this conference."))
        return call
