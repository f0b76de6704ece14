# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The invitation e-mail and its .ics carry the dial-in, in each attendee's
language and for their country: exact strings in en, fr, es and nl."""

import base64
import re

from lxml import html

from .common import CalendarConferenceCase

LANGS = ("fr_FR", "es_ES", "nl_NL")

# What each invitee reads in the dial-in section of their e-mail: one line
# per heading, paragraph and list item.
EXPECTED_BODY = {
    "en": [
        "Telephone conference: Board",
        "Colleagues, from an office phone or the phone widget, dial the "
        "extension: 8101",
        "From any phone, dial:",
        "- +32 2 555 01 00 (Brussels) United States: 011 32 2 555 01 00",
        "- +33 1 84 88 01 00 (Paris) United States: 011 33 1 84 88 01 00",
        "Access code (type it, then #): 1234",
        "One tap from a mobile phone:",
        "- +3225550100,,1234#",
        "- +33184880100,,1234#",
    ],
    "fr": [
        "Conférence téléphonique : Board",
        "Collègues, depuis un téléphone de bureau ou le téléphone d'Odoo, "
        "composez le poste : 8101",
        "Depuis n'importe quel téléphone, composez :",
        "- +32 2 555 01 00 (Brussels) France: 00 32 2 555 01 00",
        "- +33 1 84 88 01 00 (Paris) France: 01 84 88 01 00",
        "Code d'accès (tapez-le, puis #) : 1234",
        "En un geste depuis un mobile :",
        "- +3225550100,,1234#",
        "- +33184880100,,1234#",
    ],
    "es": [
        "Conferencia telefónica: Board",
        "Compañeros, desde un teléfono de oficina o el teléfono de Odoo, "
        "marquen la extensión: 8101",
        "Desde cualquier teléfono, marque:",
        "- +32 2 555 01 00 (Brussels) España: 00 32 2 555 01 00",
        "- +33 1 84 88 01 00 (Paris) España: 00 33 1 84 88 01 00",
        "Código de acceso (márquelo y luego #): 1234",
        "Con un toque desde un móvil:",
        "- +3225550100,,1234#",
        "- +33184880100,,1234#",
    ],
    "nl": [
        "Telefonische conferentie: Board",
        "Collega's, bel vanaf een kantoortelefoon of de telefoon in Odoo het "
        "toestel: 8101",
        "Bel vanaf elke telefoon:",
        "- +32 2 555 01 00 (Brussels) Nederland: 00 32 2 555 01 00",
        "- +33 1 84 88 01 00 (Paris) Nederland: 00 33 1 84 88 01 00",
        "Toegangscode (toets hem in, dan #): 1234",
        "Met één tik vanaf een mobiele telefoon:",
        "- +3225550100,,1234#",
        "- +33184880100,,1234#",
    ],
}
EXPECTED_LOCATION = {
    "en": r"Telephone conference Board: +32 2 555 01 00\, code 1234#",
    "fr": r"Conférence téléphonique Board : +32 2 555 01 00\, code 1234#",
    "es": r"Conferencia telefónica Board: +32 2 555 01 00\, código 1234#",
    "nl": r"Telefonische conferentie Board: +32 2 555 01 00\, code 1234#",
}
COUNTRY = {"en": "United States", "fr": "France", "es": "España", "nl": "Nederland"}
# RFC 7986 CONFERENCE, one per number: the value is the one-tap tel: URI
# (RFC 3966, # as %23), the label the number as people read it.
EXPECTED_CONFERENCE = [
    "CONFERENCE;FEATURE=PHONE;LABEL=+32 2 555 01 00 (Brussels);VALUE=URI:"
    "tel:+3225550100,,1234%23",
    "CONFERENCE;FEATURE=PHONE;LABEL=+33 1 84 88 01 00 (Paris);VALUE=URI:"
    "tel:+33184880100,,1234%23",
]


def dial_in_lines(body):
    """The text of the dial-in section of an HTML body, line by line."""
    root = html.fromstring(body)
    [section] = root.find_class("o_voip_conference_calendar_dial_in")
    return [
        ("- " if element.tag == "li" else "") + " ".join(element.text_content().split())
        for element in section.iter("h2", "p", "li")
    ]


def ics_lines(data):
    """The content lines of an .ics, unfolded (RFC 5545 section 3.1)."""
    return re.sub(r"\r?\n[ \t]", "", data.decode()).splitlines()


class TestCalendarConferenceInvitation(CalendarConferenceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in LANGS:
            cls.env["res.lang"]._activate_lang(code)
        # Country names come from base, the dial-in from this module.
        cls.env["ir.module.module"]._load_module_terms(
            ["base", "voip_conference_calendar"], list(LANGS), overwrite=True
        )
        for code in LANGS:
            cls.guests[code[:2]].lang = code

    def _invitations(self, event):
        """``{partner: mail.message}`` of the invitations sent for ``event``."""
        messages = self.env["mail.message"].search(
            [
                ("model", "=", "calendar.event"),
                ("res_id", "=", event.id),
                ("message_type", "=", "user_notification"),
            ]
        )
        return {message.partner_ids: message for message in messages}

    def _ics(self, message):
        [ics] = message.attachment_ids.filtered(lambda a: a.name == "invitation.ics")
        return base64.b64decode(ics.datas)

    def test_invitation_and_ics_per_language(self):
        guests = self.guests
        event = (
            self.env["calendar.event"]
            .with_user(self.manager)
            .create(
                {
                    "name": "Board meeting",
                    "start": "2026-12-07 08:00:00",
                    "stop": "2026-12-07 09:00:00",
                    "conference_id": self.room.id,
                    "partner_ids": [
                        (4, p.id) for p in [*guests.values(), self.colleague.partner_id]
                    ],
                }
            )
        )
        invitations = self._invitations(event)
        for lang, partner in guests.items():
            with self.subTest(lang=lang):
                message = invitations[partner]
                self.assertEqual(dial_in_lines(message.body), EXPECTED_BODY[lang])
                lines = ics_lines(self._ics(message))
                self.assertEqual(
                    [line for line in lines if line.startswith("CONFERENCE")],
                    EXPECTED_CONFERENCE,
                )
                self.assertIn(f"LOCATION:{EXPECTED_LOCATION[lang]}", lines)
                [description] = [li for li in lines if li.startswith("DESCRIPTION:")]
                expected = "\\n".join(EXPECTED_BODY[lang]).replace(",", "\\,")
                # The numbers as dialled from home are on their own line.
                country = COUNTRY[lang]
                expected = expected.replace(f") {country}: ", f")\\n  {country}: ")
                self.assertTrue(
                    description.endswith(expected), f"{description}\n!=\n{expected}"
                )

    def test_internal_attendee_without_conference_rights_gets_the_code(self):
        """A colleague who is not a conference user still reads the code in
        their own invitation, with the national numbers of the company's
        country; the organiser's copy is not sent to the organiser."""
        event = (
            self.env["calendar.event"]
            .with_user(self.manager)
            .create(
                {
                    "name": "Board meeting",
                    "start": "2026-12-07 08:00:00",
                    "stop": "2026-12-07 09:00:00",
                    "conference_id": self.room.id,
                    "partner_ids": [(4, self.colleague.partner_id.id)],
                }
            )
        )
        invitations = self._invitations(event)
        self.assertEqual(list(invitations), [self.colleague.partner_id])
        lines = dial_in_lines(invitations[self.colleague.partner_id].body)
        self.assertIn("- +32 2 555 01 00 (Brussels) Belgium: 02 555 01 00", lines)
        self.assertIn("Access code (type it, then #): 1234", lines)
        # The .ics is read through the message, by its recipient.
        ics = invitations[self.colleague.partner_id].attachment_ids.with_user(
            self.colleague
        )
        self.assertIn(
            "CONFERENCE;FEATURE=PHONE;LABEL=+32 2 555 01 00 (Brussels);VALUE=URI:"
            "tel:+3225550100,,1234%23",
            ics_lines(base64.b64decode(ics.datas)),
        )

    def test_room_without_code_or_number(self):
        event = self._event(room=self.room_b)
        values = event._conference_dial_in_values(self.colleague.partner_id, True)
        self.assertEqual(
            (values["code"], values["code_hidden"], values["numbers"]), ("", False, [])
        )
        ics = ics_lines(event._get_ics_file()[event.id])
        self.assertIn("LOCATION:Telephone conference Sales: extension 8102", ics)
        self.assertFalse([line for line in ics if line.startswith("CONFERENCE")])

    def test_preview_per_attendee_and_language(self):
        event = self._event(partner_ids=[(4, self.guests["nl"].id)])
        action = event.with_user(self.manager).action_conference_invitation_preview()
        preview = (
            self.env[action["res_model"]]
            .with_user(self.manager)
            .browse(action["res_id"])
        )
        self.assertEqual(preview.attendee_id.partner_id, self.guests["nl"])
        self.assertEqual(preview.lang, "nl_NL")
        self.assertEqual(dial_in_lines(preview.body_html), EXPECTED_BODY["nl"])
        self.assertIn(
            f"LOCATION:{EXPECTED_LOCATION['nl']}", ics_lines(preview.ics.encode())
        )
        preview.lang = "fr_FR"
        self.assertEqual(
            dial_in_lines(preview.body_html)[0], "Conférence téléphonique : Board"
        )

    def test_date_change_mail_carries_the_dial_in(self):
        event = (
            self.env["calendar.event"]
            .with_user(self.manager)
            .create(
                {
                    "name": "Board meeting",
                    "start": "2026-12-07 08:00:00",
                    "stop": "2026-12-07 09:00:00",
                    "conference_id": self.room.id,
                    "partner_ids": [(4, self.guests["fr"].id)],
                }
            )
        )
        event.with_user(self.manager).write(
            {"start": "2026-12-08 08:00:00", "stop": "2026-12-08 09:00:00"}
        )
        messages = self.env["mail.message"].search(
            [
                ("model", "=", "calendar.event"),
                ("res_id", "=", event.id),
                ("partner_ids", "in", self.guests["fr"].ids),
            ]
        )
        self.assertEqual(len(messages), 2)
        for message in messages:
            self.assertEqual(dial_in_lines(message.body), EXPECTED_BODY["fr"])
            self.assertIn(EXPECTED_CONFERENCE[0], ics_lines(self._ics(message)))

    def test_template_hook_added_once_and_removed_on_uninstall(self):
        Attendee = self.env["calendar.attendee"]
        template = self.env.ref("calendar.calendar_template_meeting_invitation")
        hook = "object._voip_conference_dial_in_mail()"
        self.assertEqual(template.body_html.count(hook), 1)
        Attendee._voip_conference_install_templates()  # an upgrade
        self.assertEqual(template.body_html.count(hook), 1)
        Attendee._voip_conference_install_templates(add=False)  # uninstall
        self.assertEqual(template.body_html.count(hook), 0)
        self.assertIn("Details", template.body_html)
