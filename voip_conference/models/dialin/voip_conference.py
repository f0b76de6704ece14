# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# A feature folder extends the model, as mail's models/discuss/ does:
# pylint: disable=consider-merging-classes-inherited

import phonenumbers
from lxml import html

from odoo import api, models

from ...tools import dial_string, numbering

# The one rendering of a dial-in (views/voip_conference_templates.xml).
DIAL_IN_TEMPLATE = "voip_conference.dial_in"
# Marks a <br/> while the text of the rendered block is flattened.
LINE_BREAK = "\ue000"


class VoipConference(models.Model):
    _inherit = "voip.conference"

    def _dial_in_values(self, reader=None, with_code=None, country=None):
        """What this room's dial-in says to ``reader``, as plain data (the
        values of the ``voip_conference.dial_in`` template).

        :param reader: the reader or invitee (res.partner; default: the
            current user's partner)
        :param with_code: give the access code; ``None``: when the reader
            may join the room (see _dial_in_may_read_code). Callers with
            rules of their own (the attendees of an event) say it.
        :param country: the country the numbers are dialled from (res.country;
            default: the reader's, else the room's company's)
        :returns: a dict with ``room`` (name), ``extension``,
            ``extension_one_tap`` (extension and code), ``code`` (``""`` when
            hidden or when the room has none), ``code_hidden`` (a code exists
            but is not given), ``country`` (name or ``""``) and ``numbers``
            (see _dial_in_number_values), the reader's country first.
        """
        self.ensure_one()
        reader = reader if reader is not None else self.env.user.partner_id
        if with_code is None:
            with_code = self._dial_in_may_read_code(reader)
        if country is None:
            country = self._dial_in_country(reader)
        room = self.sudo()
        room_code = numbering.clean(room.access_code)
        code = room_code if with_code else ""
        return {
            "room": room.name,
            "extension": room.extension,
            "extension_one_tap": dial_string.one_tap(room.extension, code),
            "code": code,
            "code_hidden": bool(room_code) and not code,
            "country": country.name or "",
            "numbers": [
                self._dial_in_number_values(number, code, country)
                for number in room._dial_in_numbers(country)
            ],
        }

    def _dial_in_may_read_code(self, reader):
        """Whether ``reader`` (res.partner) may read the access code: a
        conference user who may read (and so join) the active room."""
        self.ensure_one()
        user = self.env.user
        if reader != user.partner_id:
            user = reader.user_ids[:1]
        if not (user and self.active):
            return False
        if not user.has_group("voip_conference.voip_conference_group_user"):
            return False
        return bool(self.with_user(user)._filtered_access("read"))

    def _dial_in_country(self, reader):
        """The country whose way of dialling the numbers are shown in."""
        return (
            reader.country_id
            or self.sudo().company_id.country_id
            or self.env.company.country_id
        )

    def _dial_in_numbers(self, country):
        """The active numbers routed to the room: those of ``country`` first
        (a local call), then the others by E.164."""
        at_home = country.code or ""
        return self.incoming_number_ids.filtered(
            lambda n: n.active and n.destination_type == "conference"
        ).sorted(lambda n: (numbering.region_of(n.number) != at_home, n.number, n.id))

    @api.model
    def _dial_in_number_values(self, number, code, country):
        """One number of the dial-in: ``label``, ``e164``, ``international``
        (``+32 2 555 01 00``), ``local`` (as dialled from ``country``:
        national format at home, the international prefix abroad; ``""``
        when the same), ``label_display`` (``(Brussels)``),
        ``local_display`` (``Belgium: 02 555 01 00``), ``one_tap``
        (``+3225550100,,1234#``), ``one_tap_display`` (the same as people
        read it, ``+32 2 555 01 00,,1234#``: several mail apps link no
        ``tel:`` with commas, so it must be readable and copyable) and
        ``tel`` (its RFC 3966 URI, ``#`` as ``%23``; ``""`` for a number
        that is not E.164)."""
        international = numbering.format_international(number.number)
        local = ""
        if country.code:
            try:
                parsed = phonenumbers.parse(number.number)
                local = phonenumbers.format_out_of_country_calling_number(
                    parsed, country.code
                )
            except phonenumbers.NumberParseException:
                local = ""
        try:
            tel = dial_string.tel_uri(number.number, f",,{code}#" if code else "")
        except ValueError:  # not E.164: no tel: link without a phone-context
            tel = ""
        return {
            "label": number.name or "",
            "e164": number.number,
            "international": international,
            "local": local if local != international else "",
            # Whole pieces of text: the template never glues words.
            "label_display": f"({number.name})" if number.name else "",
            # Each language its own punctuation (French: "Belgique : 02 …").
            "local_display": self.env._(
                "%(country)s: %(number)s", country=country.name, number=local
            ),
            "one_tap": dial_string.one_tap(number.number, code),
            "one_tap_display": numbering.one_tap_display(number.number, code),
            "tel": tel,
        }

    @api.model
    def _dial_in_html(self, values):
        """The dial-in block (the ``voip_conference.dial_in`` template) of
        ``values`` (see _dial_in_values), in the environment's language."""
        if not values:
            return ""
        return self.env["ir.qweb"]._render(DIAL_IN_TEMPLATE, values)

    @api.model
    def _dial_in_text(self, values):
        """The dial-in block as plain text (an .ics description, what Copy
        copies): one line per heading, paragraph and list item."""
        if not values:
            return ""
        root = html.fromstring(str(self._dial_in_html(values)))
        lines = []
        for element in root.iter("h2", "p", "li"):
            for br in element.iter("br"):
                br.tail = LINE_BREAK + (br.tail or "")
            text = " ".join(element.text_content().split())
            text = text.replace(f" {LINE_BREAK} ", "\n  ").replace(LINE_BREAK, "")
            lines.append(f"- {text}" if element.tag == "li" else text)
        return "\n".join(lines)

    def action_dial_in(self):
        """Dial-in Details: the block a conference user reads and copies to
        those who join from another phone (the rights of Join)."""
        self.ensure_one()
        self.get_join_sequence()
        wizard = self.env["voip.conference.dial.in"].create({"conference_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dial-in Details of %(room)s", room=self.name),
            "res_model": "voip.conference.dial.in",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }
