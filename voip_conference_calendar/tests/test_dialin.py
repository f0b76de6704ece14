# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The invitation e-mail and its .ics carry the dial-in, in each attendee's
language and for their country: exact strings in en, fr, es and nl."""

import base64
import re
from datetime import timedelta

from lxml import html

from odoo import fields
from odoo.modules.module import load_script
from odoo.tools import file_path

from .common import MONDAY, CalendarConferenceCase, holds_code

LANGS = ("fr_FR", "es_ES", "nl_NL")

# What each invitee reads in the dial-in section of their e-mail: one line
# per heading, paragraph and list item. The numbers of the attendee's country
# first, then the others by E.164; the one-tap strings grouped as people read
# them (their tel: link dials the same).
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
        "- +32 2 555 01 00,,1234#",
        "- +33 1 84 88 01 00,,1234#",
    ],
    "fr": [
        "Conférence téléphonique : Board",
        "Collègues, depuis un téléphone de bureau ou le téléphone d'Odoo, "
        "composez le poste : 8101",
        "Depuis n'importe quel téléphone, composez :",
        # A French attendee reads the French number first.
        "- +33 1 84 88 01 00 (Paris) France : 01 84 88 01 00",
        "- +32 2 555 01 00 (Brussels) France : 00 32 2 555 01 00",
        "Code d'accès (tapez-le, puis #) : 1234",
        "En un geste depuis un mobile :",
        "- +33 1 84 88 01 00,,1234#",
        "- +32 2 555 01 00,,1234#",
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
        "- +32 2 555 01 00,,1234#",
        "- +33 1 84 88 01 00,,1234#",
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
        "- +32 2 555 01 00,,1234#",
        "- +33 1 84 88 01 00,,1234#",
    ],
}
EXPECTED_LOCATION = {
    "en": r"Telephone conference Board: +32 2 555 01 00\, code 1234#",
    "fr": r"Conférence téléphonique Board : +33 1 84 88 01 00\, code 1234#",
    "es": r"Conferencia telefónica Board: +32 2 555 01 00\, código 1234#",
    "nl": r"Telefonische conferentie Board: +32 2 555 01 00\, code 1234#",
}
# Calendar's own greeting: the body is Odoo's template in that language.
GREETING = {"en": "Hello", "fr": "Bonjour", "es": "Hola", "nl": "Hallo"}
COUNTRY = {"en": "United States", "fr": "France", "es": "España", "nl": "Nederland"}
# RFC 7986 CONFERENCE, one per number: the value is the one-tap tel: URI
# (RFC 3966, # as %23), the label the number as people read it.
EXPECTED_CONFERENCE = [
    "CONFERENCE;FEATURE=PHONE;LABEL=+32 2 555 01 00 (Brussels);VALUE=URI:"
    "tel:+3225550100,,1234%23",
    "CONFERENCE;FEATURE=PHONE;LABEL=+33 1 84 88 01 00 (Paris);VALUE=URI:"
    "tel:+33184880100,,1234%23",
]
# In the attendee's order too.
CONFERENCE_BY_LANG = {
    "en": EXPECTED_CONFERENCE,
    "fr": EXPECTED_CONFERENCE[::-1],
    "es": EXPECTED_CONFERENCE,
    "nl": EXPECTED_CONFERENCE,
}


def dial_in_lines(body):
    """The text of the dial-in section of an HTML body, line by line."""
    root = html.fromstring(body)
    [section] = root.find_class("o_voip_conference_dial_in")
    return [
        ("- " if element.tag == "li" else "") + " ".join(element.text_content().split())
        for element in section.iter("h2", "p", "li")
    ]


def ics_lines(data):
    """The content lines of an .ics, unfolded (RFC 5545 section 3.1)."""
    return re.sub(r"\r?\n[ \t]", "", data.decode()).splitlines()


class InvitationCase(CalendarConferenceCase):
    """Attendees in four languages, as a database has them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in LANGS:
            cls.env["res.lang"]._activate_lang(code)
        # As a database has them: country names from base, the invitation
        # templates from calendar (a body per language), the dial-in block
        # from voip_conference and this module's words.
        cls.env["ir.module.module"]._load_module_terms(
            ["base", "calendar", "voip_conference", "voip_conference_calendar"],
            list(LANGS),
            overwrite=True,
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

    def _invite(self, partner, **vals):
        return (
            self.env["calendar.event"]
            .with_user(self.manager)
            .create(
                {
                    "name": "Board meeting",
                    "start": MONDAY + timedelta(hours=8),
                    "stop": MONDAY + timedelta(hours=9),
                    "conference_id": self.room.id,
                    "partner_ids": [(4, partner.id)],
                }
                | vals
            )
        )


class TestCalendarConferenceInvitation(InvitationCase):
    def test_invitation_and_ics_per_language(self):
        guests = self.guests
        event = (
            self.env["calendar.event"]
            .with_user(self.manager)
            .create(
                {
                    "name": "Board meeting",
                    "start": MONDAY + timedelta(hours=8),
                    "stop": MONDAY + timedelta(hours=9),
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
                self.assertIn(GREETING[lang], message.body)
                # The grouped one-tap text links the tel: URI that dials it.
                links = {
                    a.text_content().strip(): a.get("href")
                    for a in html.fromstring(message.body).find_class(
                        "o_voip_conference_dial_in_one_tap"
                    )
                }
                self.assertEqual(
                    links["+32 2 555 01 00,,1234#"], "tel:+3225550100,,1234%23"
                )
                self.assertEqual(dial_in_lines(message.body), EXPECTED_BODY[lang])
                lines = ics_lines(self._ics(message))
                self.assertEqual(
                    [line for line in lines if line.startswith("CONFERENCE")],
                    CONFERENCE_BY_LANG[lang],
                )
                self.assertIn(f"LOCATION:{EXPECTED_LOCATION[lang]}", lines)
                [description] = [li for li in lines if li.startswith("DESCRIPTION:")]
                expected = "\\n".join(EXPECTED_BODY[lang]).replace(",", "\\,")
                # The numbers as dialled from home are on their own line.
                country = COUNTRY[lang]
                for colon in (": ", " : "):  # French puts a space before ':'
                    expected = expected.replace(
                        f") {country}{colon}", f")\\n  {country}{colon}"
                    )
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
                    "start": MONDAY + timedelta(hours=8),
                    "stop": MONDAY + timedelta(hours=9),
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

    def test_room_and_event_give_one_dial_in(self):
        """The room's Dial-in Details and the event's Dial-in tab are one
        block for one reader: the numbers as dialled from their country, the
        code and the one-tap strings (the room computes them, one template
        renders them); Copy copies what the .ics says."""
        reader = self.conf_user
        reader.country_id = self.env.ref("base.fr")
        event = self._event(partner_ids=[(4, reader.partner_id.id)])
        action = self.room.with_user(reader).action_dial_in()
        wizard = (
            self.env[action["res_model"]]
            .with_user(reader)
            .with_context(lang="fr_FR")
            .browse(action["res_id"])
        )
        tab = event.with_user(reader).with_context(lang="fr_FR").conference_dial_in
        self.assertEqual(str(wizard.details), str(tab))
        self.assertEqual(dial_in_lines(wizard.details), EXPECTED_BODY["fr"])
        values = event.with_context(lang="fr_FR")._conference_dial_in_values(
            reader.partner_id, with_code=True
        )
        self.assertEqual(
            wizard.details_text,
            event.with_context(lang="fr_FR")._conference_dial_in_text(values),
        )

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
                    "start": MONDAY + timedelta(hours=8),
                    "stop": MONDAY + timedelta(hours=9),
                    "conference_id": self.room.id,
                    "partner_ids": [(4, self.guests["fr"].id)],
                }
            )
        )
        event.with_user(self.manager).write(
            {
                "start": MONDAY + timedelta(days=1, hours=8),
                "stop": MONDAY + timedelta(days=1, hours=9),
            }
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

    def test_language_installed_later_gets_the_dial_in(self):
        """A language installed after this module (with calendar's own
        translation of the invitation) carries the dial-in too (in English
        while this module has no translation for it)."""
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(
            ["base", "calendar", "voip_conference", "voip_conference_calendar"],
            ["de_DE"],
            overwrite=True,
        )
        guest = self.guests["en"]
        guest.lang = "de_DE"
        body = self._invitations(self._invite(guest))[guest].body
        self.assertIn("Guten Tag", body)  # calendar's German template
        lines = dial_in_lines(body)
        self.assertIn("Access code (type it, then #): 1234", lines)
        self.assertIn("- +32 2 555 01 00,,1234#", lines)

    def test_odoo_templates_are_left_as_they_are(self):
        """The dial-in is added when a mail is rendered: Odoo's invitation
        templates are not rewritten, in any language (so uninstalling leaves
        them as they were, and Odoo's updates of them keep applying)."""
        for xmlid in (
            "calendar.calendar_template_meeting_invitation",
            "calendar.calendar_template_meeting_changedate",
        ):
            template = self.env.ref(xmlid)
            for lang in ("en_US", *LANGS):
                with self.subTest(template=xmlid, lang=lang):
                    body = template.with_context(lang=lang).body_html
                    self.assertNotIn("voip_conference", body)

    def test_upgrade_takes_the_old_node_out_of_the_templates(self):
        """Up to 19.0.1.0.0 the dial-in node was written into the English
        body: the upgrade gives Odoo its templates back."""
        template = self.env.ref("calendar.calendar_template_meeting_invitation")
        bodies = {
            lang: template.with_context(lang=lang).body_html
            for lang in ("en_US", "fr_FR")
        }
        legacy = str(bodies["en_US"]).replace(
            "</table>\n    </div>",
            '</table>\n    </div><t t-out="object._voip_conference_dial_in_mail()"/>',
            1,
        )
        self.assertNotEqual(legacy, bodies["en_US"])
        template.with_context(lang="en_US").body_html = legacy
        template.flush_recordset()
        migration = load_script(
            file_path("voip_conference_calendar/migrations/19.0.1.1.0/post-migrate.py"),
            "voip_conference_calendar_post_migrate_19_0_1_1_0",
        )
        migration.migrate(self.env.cr, "19.0.1.0.0")
        template.invalidate_recordset()
        for lang, body in bodies.items():
            self.assertEqual(template.with_context(lang=lang).body_html, body)
        # Rendered, it still carries the dial-in once.
        event = self._invite(self.guests["fr"])
        body = self._invitations(event)[self.guests["fr"]].body
        self.assertEqual(dial_in_lines(body), EXPECTED_BODY["fr"])
        self.assertEqual(str(body).count('class="o_voip_conference_dial_in"'), 1)


class TestCalendarConferenceDialInChange(InvitationCase):
    """A change of what the attendees dial (the room, its numbers, its code)
    reaches them, as a change of date does: once per meeting and
    transaction, for the meetings to come, with the new dial-in."""

    def _updates(self, event, partner):
        """The dial-in change mails ``partner`` got for ``event``, oldest first."""
        self.env.cr.flush()  # runs the pre-commit hooks, as a commit does
        return (
            self.env["mail.message"]
            .search(
                [
                    ("model", "=", "calendar.event"),
                    ("res_id", "=", event.id),
                    ("message_type", "=", "user_notification"),
                    ("partner_ids", "in", partner.ids),
                ],
                order="id",
            )
            .filtered(lambda m: m not in self._sent_before)
        )

    def _invited(self, partner, **vals):
        event = self._invite(partner, **vals)
        self.env.cr.flush()
        self._sent_before = self.env["mail.message"].search([])
        return event

    def test_room_change_sends_the_new_dial_in(self):
        guest = self.guests["fr"]
        event = self._invited(guest)
        event.with_user(self.manager).write({"conference_id": self.room_b.id})
        [update] = self._updates(event, guest)
        self.assertEqual(
            update.subject,
            "Board meeting : nouvelles coordonnées de la conférence téléphonique",
        )
        self.assertIn("Bonjour", update.body)
        lines = dial_in_lines(update.body)
        self.assertEqual(lines[0], "Conférence téléphonique : Sales")
        self.assertFalse(holds_code(str(update.body), "1234"))
        self.assertIn(
            "LOCATION:Conférence téléphonique Sales : poste 8102",
            ics_lines(self._ics(update)),
        )
        # The same room again: nothing changed, nothing sent.
        event.with_user(self.manager).write({"conference_id": self.room_b.id})
        self.assertEqual(len(self._updates(event, guest)), 1)

    def test_room_removed_is_told(self):
        """A meeting that loses its room: its attendees are told, in their
        language, and the .ics (the same UID, no dial-in) replaces the one
        that had it."""
        guest = self.guests["fr"]
        event = self._invite(guest)
        self.env.cr.flush()
        first_ics = ics_lines(self._ics(self._invitations(event)[guest]))
        self._sent_before = self.env["mail.message"].search([])
        event.with_user(self.manager).write({"conference_id": False})
        [update] = self._updates(event, guest)
        self.assertEqual(
            update.subject, "Board meeting : plus de conférence téléphonique"
        )
        self.assertIn("Conférence téléphonique retirée", update.body)
        self.assertNotIn("o_voip_conference_dial_in", update.body)
        lines = ics_lines(self._ics(update))
        uid = [li for li in first_ics if li.startswith("UID:")]
        self.assertEqual([li for li in lines if li.startswith("UID:")], uid)
        self.assertFalse([li for li in lines if li.startswith("CONFERENCE")])
        self.assertFalse(holds_code("".join(lines), "1234"))
        # No room again: nothing removed, nothing sent.
        event.with_user(self.manager).write({"conference_id": False})
        self.assertEqual(len(self._updates(event, guest)), 1)

    def test_code_and_numbers_changes_send_one_update(self):
        guest = self.guests["nl"]
        event = self._invited(guest)
        room = self.room.with_user(self.manager)
        room.access_code = "4321"
        number = (
            self.env["voip.incoming.number"]
            .with_user(self.manager)
            .create(
                {
                    "number": "+31205550100",
                    "name": "Amsterdam",
                    "pbx_id": self.pbx.id,
                    "destination_type": "conference",
                    "conference_id": self.room.id,
                }
            )
        )
        # Both changes of one transaction: one mail, with both.
        [update] = self._updates(event, guest)
        lines = dial_in_lines(update.body)
        self.assertIn("Toegangscode (toets hem in, dan #): 4321", lines)
        # The Dutch attendee's number first.
        self.assertEqual(
            lines[3], "- +31 20 555 0100 (Amsterdam) Nederland: 020 555 0100"
        )
        self.assertIn("- +31 20 555 0100,,4321#", lines)
        self.assertIn(
            "tel:+31205550100,,4321%23", "".join(ics_lines(self._ics(update)))
        )
        # A number taken away from the room is a change too.
        number.with_user(self.manager).unlink()
        updates = self._updates(event, guest)
        self.assertEqual(len(updates), 2)
        self.assertNotIn("+31205550100", str(updates[-1].body))
        # A number of another room, or a write that changes nothing: none.
        self.env["voip.incoming.number"].create(
            {"number": "+31205550101", "pbx_id": self.pbx.id}
        )
        room.access_code = "4321"
        self.assertEqual(len(self._updates(event, guest)), 2)

    def test_series_and_past_meetings(self):
        """A series gets one update (for its next meeting), not one per
        occurrence; a meeting that is over gets none."""
        guest = self.guests["es"]
        series = self._invited(
            guest,
            recurrency=True,
            rrule_type="weekly",
            mon=True,
            interval=1,
            count=3,
            end_type="count",
        )
        past = self._event(
            start=fields.Datetime.now() - timedelta(days=2),
            partner_ids=[(4, guest.id)],
        )
        self.room.with_user(self.manager).extension = "8109"
        occurrences = series.recurrence_id.calendar_event_ids
        updates = self.env["mail.message"].browse()
        for occurrence in occurrences | past:
            updates |= self._updates(occurrence, guest)
        self.assertEqual(updates.mapped("res_id"), [occurrences.sorted("start")[0].id])
        self.assertIn(
            "Compañeros, desde un teléfono de oficina o el teléfono de Odoo, "
            "marquen la extensión: 8109",
            dial_in_lines(updates.body),
        )

    def test_no_mail_when_asked_for_none(self):
        guest = self.guests["fr"]
        event = self._invited(guest)
        event.with_user(self.manager).with_context(no_mail_to_attendees=True).write(
            {"conference_id": self.room_c.id}
        )
        self.assertFalse(self._updates(event, guest))
