# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import psycopg2

from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from ..models.live.voip_conference import EMPTY_ROOM_MESSAGES, ROOM_STATE_ERRORS
from ..models.live.voip_pbx import CAPABILITY_MISSING
from ..models.provider.voip_pbx import PROVIDER_ERRORS
from ..models.voip_conference import NUMBERING_ERRORS
from .common import VoipConferenceCase


@tagged("post_install", "-at_install")
class TestVoipConference(VoipConferenceCase):
    def test_extension_accepted(self):
        for extension in ("10", "8001", "12345678"):
            room = self._room(extension)
            self.assertEqual(room.extension, extension)
        room = self._room(" 80 09 ")
        self.assertEqual(room.extension, "8009", "blanks typed by users are removed")

    def test_extension_refused(self):
        for extension in ("1", "123456789", "80a1", "8001#", "*80", "+321"):
            with self.subTest(extension=extension), self.assertRefused():
                self._room(extension)
        self.assertFalse(self.Room.search([("pbx_id", "=", self.pbx.id)]))

    def test_extension_rule_names_only_what_is_refused(self):
        """Blanks are read away before the rule, so its message does not
        list them (the newcomer probe read "no spaces" for 80ab, while
        "80 05" is saved as 8005)."""
        with self.assertRefused(regex=r"digits only \(no letters, # or \*\)"):
            self._room("80ab")
        self.assertEqual(self._room("80 05").extension, "8005")

    def test_empty_extension_says_it_is_required(self):
        Room = self.Room.with_user(self.manager)
        for extension in ("", "   "):
            with (
                self.subTest(extension=extension),
                self.assertRefused(ValidationError, "^The extension is required"),
            ):
                Room.create(
                    {"name": "A", "extension": extension, "pbx_id": self.pbx.id}
                )

    def test_name_stripped_required_and_bounded(self):
        Room = self.Room.with_user(self.manager)
        room = Room.create(
            {"name": "  Sales  ", "extension": "8001", "pbx_id": self.pbx.id}
        )
        self.assertEqual(room.name, "Sales")
        room.name = " Sales EU "
        self.assertEqual(room.name, "Sales EU")
        room.name = "x" * 100
        for name in ("   ", "\t\n"):
            with (
                self.subTest(name=name),
                self.assertRefused(ValidationError, "needs a name"),
            ):
                Room.create({"name": name, "extension": "8002", "pbx_id": self.pbx.id})
        with self.assertRefused(ValidationError, "at most 100"):
            room.name = "x" * 101
        with self.assertRefused(ValidationError, "601 characters"):
            Room.create({"name": "y" * 601, "extension": "8003", "pbx_id": self.pbx.id})
        self.assertEqual(room.name, "x" * 100, "a refused name loses nothing")
        copy = room.copy()
        self.assertEqual(copy.name, "x" * 93 + " (copy)", "a copy's name fits too")

    def test_access_code_cannot_be_the_extension(self):
        Room = self.Room.with_user(self.manager)
        with self.assertRefused(ValidationError, "could guess it"):
            Room.create(
                {
                    "name": "A",
                    "extension": "8001",
                    "access_code": "80 01",
                    "pbx_id": self.pbx.id,
                }
            )
        room = Room.create(
            {
                "name": "A",
                "extension": "8001",
                "access_code": "1234",
                "pbx_id": self.pbx.id,
            }
        )
        with self.assertRefused(ValidationError, "could guess it"):
            room.access_code = "8001"
        with self.assertRefused(ValidationError, "could guess it"):
            room.extension = "1234"
        self.assertEqual((room.extension, room.access_code), ("8001", "1234"))

    def test_receptionist_delay_bounded(self):
        room = self._room("8001").with_user(self.manager)
        for delay in (0, 2.5, 60):
            room.receptionist_delay = delay
        for delay in (-1, 60.5, 1e9):
            with (
                self.subTest(delay=delay),
                self.assertRefused(ValidationError, "between 0 and 60 seconds"),
            ):
                room.receptionist_delay = delay
        self.assertEqual(room.receptionist_delay, 60)
        admin = new_test_user(self.env, login="vc_admin", groups="base.group_system")
        pbx = self.pbx.with_user(admin)
        for delay in (0, 60):
            pbx.conference_receptionist_delay = delay
        for delay in (-1, 61, 1e9):
            with (
                self.subTest(pbx_delay=delay),
                self.assertRefused(ValidationError, "between 0 and 60 seconds"),
            ):
                pbx.conference_receptionist_delay = delay
        self.assertEqual(pbx.conference_receptionist_delay, 60)

    def test_extension_unique_among_rooms_of_a_pbx(self):
        self._room("8001")
        # The unique index refuses it; users get its message through RPC
        # (see test_ui).
        with self.assertRefused(psycopg2.errors.UniqueViolation):
            self._room("8001")
        # Same extension on another PBX is another numbering plan.
        other = self._room("8001", pbx_id=self.other_pbx.id)
        self.assertEqual(other.pbx_id, self.other_pbx)

    def test_extension_unique_against_users_extensions(self):
        with self.assertRefused(ValidationError, "200 is already used"):
            self._room("200")
        room = self._room("8002")
        with self.assertRefused(ValidationError, "8002 is already used"):
            self.conf_user.voip_extension = "8002"
        with self.assertRefused(ValidationError, "201 is already used"):
            self.manager.voip_extension = "201"
        self.assertEqual(self.conf_user.voip_extension, "201")
        self.assertEqual(room.extension, "8002")

    def test_extension_of_archived_room_can_be_reused(self):
        old = self._room("8001")
        old.action_archive()
        new = self._room("8001")
        self.assertTrue(new.active)
        with self.assertRefused(psycopg2.errors.UniqueViolation):
            old.action_unarchive()

    def test_extension_unique_in_one_batch(self):
        with self.assertRefused(psycopg2.errors.UniqueViolation):
            self.Room.create(
                [
                    {"name": "A", "extension": "8100", "pbx_id": self.pbx.id},
                    {"name": "B", "extension": "8100", "pbx_id": self.pbx.id},
                ]
            )

    def test_access_code_accepted(self):
        room = self._room(access_code="1234")
        self.assertEqual(room.access_code, "1234")
        self.assertTrue(room.has_access_code)
        room.access_code = "9" * 20
        room.access_code = False
        self.assertFalse(room.has_access_code)

    def test_access_code_refused(self):
        room = self._room(access_code="1234")
        for code in ("1234#", "12*4", "abcd", "9" * 21):
            with self.subTest(code=code), self.assertRefused():
                room.access_code = code
        self.assertEqual(room.access_code, "1234", "a refused code loses nothing")

    def test_pasted_digits_read_as_a_phone_does(self):
        """Issue 24, 4: an extension or a code pasted with a zero-width space,
        bidi marks, a soft hyphen, a minus sign or full-width digits is digits
        (it was refused as "digits only")."""
        Room = self.Room.with_user(self.manager)
        pasted = {
            "8101\u200b": "8101",
            "\u202a81\u221202\u202c": "8102",
            "８１０３": "8103",
            "81\u00ad0\u20604": "8104",
            "81\u00a00\u20115": "8105",
        }
        for typed, stored in pasted.items():
            with self.subTest(typed=typed):
                room = Room.create(
                    {
                        "name": "Pasted",
                        "extension": typed,
                        "access_code": typed + "9",
                        "pbx_id": self.pbx.id,
                    }
                )
                self.assertEqual(room.extension, stored)
                self.assertEqual(room.sudo().access_code, stored + "9")
        room.write({"extension": "\ufeff8106", "access_code": "12\u200b34"})
        self.assertEqual((room.extension, room.sudo().access_code), ("8106", "1234"))
        # Users' extensions are set by administrators (voip_oca).
        self.conf_user.voip_extension = "20\u200b2"
        self.assertEqual(self.conf_user.voip_extension, "202")

    def test_access_code_error_names_hash(self):
        with self.assertRefused(ValidationError, "end it with #"):
            self._room(access_code="1234#")

    def test_administrator_needs_extension_on_room_pbx(self):
        room = self._room(admin_user_id=self.manager.id, wait_for_admin=True)
        self.assertEqual(room.admin_extension, "200")
        with self.assertRefused(ValidationError, "needs an extension"):
            room.admin_user_id = self.internal_user
        with self.assertRefused(ValidationError, "needs an extension"):
            self._room("8003", pbx_id=self.other_pbx.id, admin_user_id=self.manager.id)

    def test_room_capacity_per_pbx(self):
        self.pbx.conference_max_rooms = 2
        self._room("8001")
        self._room("8002")
        with self.assertRefused(ValidationError, "at most 2 active rooms"):
            self._room("8003")
        # No limit on the other PBX
        for ext in ("8001", "8002", "8003"):
            self._room(ext, pbx_id=self.other_pbx.id)
        # Archiving frees a place
        self.Room.search(
            [("extension", "=", "8001"), ("pbx_id", "=", self.pbx.id)]
        ).action_archive()
        self._room("8003")

    def test_room_capacity_in_one_batch(self):
        self.pbx.conference_max_rooms = 10
        with self.assertRefused():
            self.Room.create(
                [
                    {"name": f"R{i}", "extension": str(8100 + i), "pbx_id": self.pbx.id}
                    for i in range(11)
                ]
            )
        self.Room.create(
            [
                {"name": f"R{i}", "extension": str(8100 + i), "pbx_id": self.pbx.id}
                for i in range(10)
            ]
        )

    def test_lowering_pbx_limit_below_existing_rooms_is_refused(self):
        self._room("8001")
        self._room("8002")
        with self.assertRefused():
            self.pbx.conference_max_rooms = 1
        self.pbx.conference_max_rooms = 2

    def test_participants_per_room(self):
        self.pbx.conference_max_participants = 10
        room = self._room(max_participants=10)
        with self.assertRefused(ValidationError, "at most 10 per room"):
            room.max_participants = 11
        with self.assertRefused():
            room.max_participants = -1
        room.max_participants = 0  # empty: the PBX's limit
        with self.assertRefused():
            self.pbx.conference_max_participants = -5

    def test_moving_room_with_numbers_to_another_pbx_is_refused(self):
        room = self._room()
        self._number(destination_type="conference", conference_id=room.id)
        with self.assertRefused(UserError):
            room.pbx_id = self.other_pbx
        self.assertEqual(room.pbx_id, self.pbx)

    def test_display_name_and_search(self):
        room = self._room("8077", name="Weekly")
        self.assertEqual(room.display_name, "Weekly (8077)")
        self.assertIn(room.id, [rid for rid, _name in self.Room.name_search("8077")])
        self.assertEqual(self.Room.search([("display_name", "ilike", "8077")]), room)

    @mute_logger("odoo.sql_db")
    def test_sql_unique_index_backs_the_constraint(self):
        """Two concurrent saves pass the Python check; the index stops the second."""
        self._room("8001")
        with self.assertRefused(psycopg2.errors.UniqueViolation):
            self.env.cr.execute(
                "INSERT INTO voip_conference"
                " (name, extension, pbx_id, company_id, active, live_state)"
                " VALUES ('x', '8001', %s, %s, true, 'idle')",
                (self.pbx.id, self.company.id),
            )

    def test_tracking_never_writes_the_code_to_the_chatter(self):
        room = self.Room.with_context(tracking_disable=False).create(
            {"name": "Tracked", "extension": "8050", "pbx_id": self.pbx.id}
        )
        self.env.cr.precommit.run()
        room.with_context(tracking_disable=False).access_code = "4242"
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking values are written before commit
        bodies = " ".join(
            str(v)
            for v in room.message_ids.tracking_value_ids.mapped(
                lambda t: (t.old_value_char, t.new_value_char)
            )
        )
        self.assertNotIn("4242", bodies)
        self.assertIn(
            "has_access_code",
            room.message_ids.tracking_value_ids.field_id.mapped("name"),
        )


@tagged("post_install", "-at_install")
class TestWordingTables(VoipConferenceCase):
    """Each code space has one table of translatable messages (a ``_lt`` per
    code), read in the reader's language by every layer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["voip_conference"], ["fr_FR"])

    def test_every_table_message_is_translated(self):
        tables = {
            "numbering": [
                message
                for messages in NUMBERING_ERRORS.values()
                for message in messages.values()
            ],
            "provider": list(PROVIDER_ERRORS.values()),
            "capability": list(CAPABILITY_MISSING.values()),
            "room state": list(ROOM_STATE_ERRORS.values()),
            "empty room": list(EMPTY_ROOM_MESSAGES.values()),
        }
        english = self.env(context={"lang": "en_US"})
        french = self.env(context={"lang": "fr_FR"})
        for table, messages in tables.items():
            for message in messages:
                with self.subTest(table=table, message=english._(message)):
                    self.assertNotEqual(french._(message), english._(message))

    def test_a_rule_refuses_in_the_users_language(self):
        self.manager.lang = "fr_FR"
        Room = self.Room.with_user(self.manager).with_context(lang="fr_FR")
        with self.assertRefused(ValidationError, "ne peut contenir que des chiffres"):
            Room.create({"name": "Salle", "extension": "80a1", "pbx_id": self.pbx.id})
