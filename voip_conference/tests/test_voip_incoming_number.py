# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import psycopg2

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import VoipConferenceCase


@tagged("post_install", "-at_install")
class TestVoipIncomingNumber(VoipConferenceCase):
    def test_e164_normalisation(self):
        be, fr, es, us = (self.env.ref(f"base.{c}") for c in ("be", "fr", "es", "us"))
        cases = [
            # typed, country of the number, stored
            ("+32 2 555 01 00", be, "+3225550100"),
            ("02 555 01 01", be, "+3225550101"),
            ("0032 2 555 01 02", be, "+3225550102"),
            ("+32 (0)2 555 01 03", fr, "+3225550103"),
            ("01 23 45 67 89", fr, "+33123456789"),
            ("+33 6 12 34 56 78", be, "+33612345678"),
            ("912 345 678", es, "+34912345678"),
            ("0034 912 345 679", es, "+34912345679"),
            ("(201) 555-0123", us, "+12015550123"),
            ("+1 201-555-0124", be, "+12015550124"),
        ]
        for typed, country, stored in cases:
            with self.subTest(typed=typed):
                number = self._number(typed, country_id=country.id)
                self.assertEqual(number.number, stored)

    def test_company_country_is_the_default(self):
        number = self.Number.create({"number": "02 555 01 00", "pbx_id": self.pbx.id})
        self.assertEqual(number.country_id, self.env.ref("base.be"))
        self.assertEqual(number.number, "+3225550100")

    def test_invalid_numbers_refused_in_our_words(self):
        """What is wrong and how to type it; none of the phonenumbers
        library's English (phone_validation passes it on)."""
        Number = self.Number.with_user(self.manager)
        cases = [
            ("abc", "abc is not a phone number."),
            ("not a number", "not a number is not a phone number."),
            ("12", "12 has too few digits"),
            ("+32 2 123 45 67 89 01", "has too many digits"),
            ("+999 123 456", "does not start with a country code that exists"),
            ("+32 9 999 99 99 9", "not a phone number in use in its country"),
        ]
        library = (
            "Impossible number",
            "Unable to parse",
            "The string supplied",
            "Invalid number",
            "not enough digits",
            "too many digits.",
            "Could not interpret",
            "probably incorrect prefix",
        )
        advice = (
            "Type the number with its country code, e.g. +32 2 555 01 00, or "
            "choose its country."
        )
        for typed, problem in cases:
            with (
                self.subTest(typed=typed),
                self.assertRefused(ValidationError) as caught,
            ):
                Number.create({"number": typed, "pbx_id": self.pbx.id})
            message = str(caught.exception)
            self.assertIn(problem, message)
            self.assertTrue(message.endswith(advice), message)
            for text in library:
                self.assertNotIn(text, message)
        # A national number with no country to read it in.
        self.company.country_id = False
        with self.assertRefused(ValidationError, "has no country code and no country"):
            Number.create({"number": "0255501", "pbx_id": self.pbx.id})

    def test_write_normalises_and_refusal_loses_nothing(self):
        number = self._number()
        number.number = "02 555 01 09"
        self.assertEqual(number.number, "+3225550109")
        with self.assertRefused():
            number.number = "abc"
        self.assertEqual(number.number, "+3225550109")

    def test_label_stripped(self):
        Number = self.Number.with_user(self.manager)
        number = Number.create(
            {"number": "+3225550100", "name": "  Reception  ", "pbx_id": self.pbx.id}
        )
        self.assertEqual(number.name, "Reception")
        number.name = " Sales "
        self.assertEqual(number.name, "Sales")
        number.name = "   "
        self.assertFalse(number.name)
        self.assertEqual(number.display_name, "+32 2 555 01 00")

    def test_unique_per_pbx_whatever_the_typing(self):
        self._number("+32 2 555 01 00")
        with self.assertRefused(psycopg2.errors.UniqueViolation):
            self._number("02 555 01 00")
        other = self._number("02 555 01 00", pbx_id=self.other_pbx.id)
        self.assertEqual(other.number, "+3225550100")

    def test_destination_conference_same_pbx(self):
        room = self._room()
        number = self._number(destination_type="conference", conference_id=room.id)
        self.assertEqual(room.incoming_number_ids, number)
        self.assertEqual(room.incoming_number_count, 1)
        other_room = self._room("8001", pbx_id=self.other_pbx.id)
        with self.assertRefused(ValidationError, "cannot reach room"):
            number.conference_id = other_room
        self.assertEqual(number.conference_id, room)

    def test_destination_required_by_type(self):
        for dtype, field in (
            ("conference", "Conference Room"),
            ("extension", "Destination Extension"),
            ("voicemail", "Destination Extension"),
            ("dial_plan", "Dial Plan"),
        ):
            with (
                self.subTest(dtype=dtype),
                self.assertRefused(ValidationError, field),
            ):
                self._number(destination_type=dtype)

    def test_destination_accepted_by_type(self):
        room = self._room()
        numbers = self.Number.create(
            [
                {"number": "+3225550100", "pbx_id": self.pbx.id},
                {
                    "number": "+3225550101",
                    "pbx_id": self.pbx.id,
                    "destination_type": "hangup",
                },
                {
                    "number": "+3225550102",
                    "pbx_id": self.pbx.id,
                    "destination_type": "extension",
                    "destination_extension": "200",
                },
                {
                    "number": "+3225550103",
                    "pbx_id": self.pbx.id,
                    "destination_type": "voicemail",
                    "destination_extension": "201",
                },
                {
                    "number": "+3225550104",
                    "pbx_id": self.pbx.id,
                    "destination_type": "dial_plan",
                    "dial_plan": "Office hours",
                },
                {
                    "number": "+3225550105",
                    "pbx_id": self.pbx.id,
                    "destination_type": "conference",
                    "conference_id": room.id,
                },
            ]
        )
        self.assertEqual(
            numbers.mapped("destination_type"),
            ["none", "hangup", "extension", "voicemail", "dial_plan", "conference"],
        )
        self.assertEqual(
            numbers[5].destination_display, f"Conference: {room.display_name}"
        )

    def test_destination_inconsistent_with_type_refused(self):
        room = self._room()
        with self.assertRefused(ValidationError, "cannot also have"):
            self._number(destination_type="hangup", conference_id=room.id)
        with self.assertRefused(ValidationError, "cannot also have"):
            self._number(
                destination_type="extension",
                destination_extension="200",
                dial_plan="x",
            )

    def test_pasted_numbers_read_as_a_phone_does(self):
        """Issue 24, 4: a minus sign, dashes, bidi marks, zero-width and
        no-break spaces pasted with a number are separators."""
        Number = self.Number.with_user(self.manager)
        pasted = [
            "+32\u20112\u2013555\u201401\u221200",
            "\u202a+32 2 555 01 01\u202c",
            "+32\u200b2\u00a0555\u202f01\u206002",
            "＋３２ ２ ５５５ ０１ ０３",
            "02\u00ad555\u221201\u221204",
        ]
        for index, typed in enumerate(pasted):
            with self.subTest(typed=typed):
                number = Number.create({"number": typed, "pbx_id": self.pbx.id})
                self.assertEqual(number.number, f"+322555010{index}")
        number.write(
            {
                "destination_type": "extension",
                "destination_extension": "20\u200b0",
            }
        )
        self.assertEqual(number.destination_extension, "200")

    def test_destination_extension_digits_only(self):
        with self.assertRefused(ValidationError, "digits only"):
            self._number(destination_type="extension", destination_extension="20a")

    def test_not_routed_to_archived_room(self):
        room = self._room()
        room.action_archive()
        with self.assertRefused(ValidationError, "archived room"):
            self._number(destination_type="conference", conference_id=room.id)

    def test_route_number_wizard(self):
        room = self._room()
        number = self._number(destination_type="extension", destination_extension="200")
        action = room.action_route_number_wizard()
        wizard = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create({"incoming_number_id": number.id})
        )
        wizard.action_route()
        self.assertEqual(number.destination_type, "conference")
        self.assertEqual(number.conference_id, room)
        self.assertFalse(number.destination_extension)


@tagged("post_install", "-at_install")
class TestVoipIncomingNumberSearch(VoipConferenceCase):
    """Issue 10, 10: a number is found however it is typed, in every list."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.room = cls._room("8001")
        cls.brussels = cls._number(
            "+3225550100", destination_type="conference", conference_id=cls.room.id
        )
        cls.paris = cls._number(
            "+33 1 23 45 67 89", country_id=cls.env.ref("base.fr").id
        )
        # Demo data may hold the same numbers on its own PBX.
        cls.here = ("pbx_id", "=", cls.pbx.id)

    TYPED = (
        "02 555 01 00",
        "0032 2 555 01 00",
        "+32 2 555 01 00",
        "+3225550100",
        "+32 (0)2 555 01 00",
        "02/555.01.00",
        "555 01 00",
        "0032 2 555",
        "02 555",
    )

    def test_number_list_finds_every_form(self):
        Number = self.Number.with_user(self.manager)
        for typed in self.TYPED:
            with self.subTest(typed=typed):
                self.assertEqual(
                    Number.search([self.here, ("number", "ilike", typed)]),
                    self.brussels,
                )
                # The list's search box and the many2one fields' autocomplete.
                found = Number.name_search(typed, domain=[self.here])
                self.assertEqual([row[0] for row in found], [self.brussels.id])
                self.assertNotIn(
                    self.brussels,
                    Number.search([self.here, ("number", "not ilike", typed)]),
                )

    def test_exact_search_compares_e164(self):
        Number = self.Number.with_user(self.manager)
        for typed in ("02 555 01 00", "0032 2 555 01 00", "+32 2 555 01 00"):
            with self.subTest(typed=typed):
                self.assertEqual(
                    Number.search([self.here, ("number", "=", typed)]), self.brussels
                )
                self.assertEqual(
                    Number.search(
                        [self.here, ("number", "in", [typed, "+33123456789"])]
                    ),
                    self.brussels | self.paris,
                )
                self.assertEqual(
                    Number.search([self.here, ("number", "!=", typed)]), self.paris
                )

    def test_rooms_found_by_routed_number(self):
        """The rooms list and the softphone's Conferences tab, as a user."""
        Room = self.Room.with_user(self.conf_user)
        for typed in self.TYPED:
            with self.subTest(typed=typed):
                self.assertEqual(
                    Room.search(
                        [self.here, ("incoming_number_ids.number", "ilike", typed)]
                    ),
                    self.room,
                )
                self.assertEqual(
                    Room.search([self.here, ("incoming_number_ids", "ilike", typed)]),
                    self.room,
                )

    def test_text_and_other_numbers_do_not_match(self):
        Number = self.Number.with_user(self.manager)
        self.assertFalse(
            Number.search([self.here, ("number", "ilike", "02 555 01 01")])
        )
        self.assertFalse(Number.search([self.here, ("number", "ilike", "Brussels")]))
        self.assertEqual(
            Number.search([self.here, ("number", "ilike", "01 23 45")]), self.paris
        )


@tagged("post_install", "-at_install")
class TestFrenchPunctuation(VoipConferenceCase):
    """Texts glued from pieces take each language's punctuation: French puts
    a space before ':' (the newcomer probe read "Messagerie vocale: 101" and
    "États-Unis: 011 32 2 555 01 00")."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["voip_conference"], ["fr_FR"])

    def test_destination_and_dial_in_in_french(self):
        room = self._room("8001")
        number = self._number(
            "+3225550100", destination_type="conference", conference_id=room.id
        )
        french = self.env(context={"lang": "fr_FR"})
        number = number.with_env(french)
        number.invalidate_recordset(["destination_display"])
        self.assertRegex(number.destination_display, r"^\S.* : Room 8001")
        values = room.with_env(french)._dial_in_values(
            with_code=False, country=self.env.ref("base.us")
        )
        [shown] = values["numbers"]
        self.assertRegex(shown["local_display"], r"^\S.* : 011 32 2 555 01 00$")
        english = room._dial_in_values(with_code=False, country=self.env.ref("base.us"))
        self.assertEqual(
            english["numbers"][0]["local_display"], "United States: 011 32 2 555 01 00"
        )
