# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import psycopg2

from odoo.exceptions import RedirectWarning
from odoo.tests import tagged

from .common import VoipConferenceCase


@tagged("post_install", "-at_install")
class TestVoipConferenceUnroute(VoipConferenceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.room = cls._room("8001")
        cls.numbers = cls._number(
            "+3225550100", destination_type="conference", conference_id=cls.room.id
        ) | cls._number(
            "+3225550101", destination_type="conference", conference_id=cls.room.id
        )

    def test_delete_refused_with_the_list_of_numbers(self):
        with self.assertRefused(RedirectWarning) as caught:
            self.room.unlink()
        message, action, button = caught.exception.args[:3]
        self.assertIn("+32 2 555 01 00", message)
        self.assertIn("+32 2 555 01 01", message)
        # The refusal offers the confirmation, wherever Delete was clicked.
        self.assertEqual(action["res_model"], "voip.conference.unroute")
        self.assertEqual(action["context"]["default_mode"], "delete")
        self.assertEqual(action["context"]["default_conference_ids"], self.room.ids)
        self.assertEqual(button, "Unroute and Delete")
        self.assertTrue(self.room.exists())
        self.assertEqual(self.numbers.conference_id, self.room)

    def test_archive_refused_with_the_list_of_numbers(self):
        with self.assertRefused(RedirectWarning, r"\+32 2 555 01 00") as caught:
            self.room.action_archive()
        self.assertEqual(caught.exception.args[1]["context"]["default_mode"], "archive")
        self.assertTrue(self.room.active)
        self.assertEqual(set(self.numbers.mapped("destination_type")), {"conference"})

    def test_room_without_numbers_goes_freely(self):
        room = self._room("8002")
        room.action_archive()
        self.assertFalse(room.active)
        room.unlink()
        self.assertFalse(room.exists())

    def test_unroute_and_archive_after_confirmation(self):
        action = self.room.with_context(
            voip_conference_unroute_mode="archive"
        ).action_unroute_wizard()
        wizard = (
            self.env[action["res_model"]].with_context(**action["context"]).create({})
        )
        self.assertEqual(wizard.incoming_number_ids, self.numbers)
        wizard.action_confirm()
        self.assertFalse(self.room.active)
        self.assertEqual(set(self.numbers.mapped("destination_type")), {"none"})
        self.assertFalse(self.numbers.conference_id)

    def test_unroute_and_delete_after_confirmation(self):
        action = self.room.with_context(
            voip_conference_unroute_mode="delete"
        ).action_unroute_wizard()
        wizard = (
            self.env[action["res_model"]].with_context(**action["context"]).create({})
        )
        wizard.action_confirm()
        self.assertFalse(self.room.exists())
        self.assertTrue(all(self.numbers.exists()))
        self.assertEqual(set(self.numbers.mapped("destination_type")), {"none"})

    def test_database_refuses_a_dangling_destination(self):
        """Even bypassing the ORM guard, the foreign key keeps numbers whole."""
        with self.assertRefused(psycopg2.errors.ForeignKeyViolation):
            self.env.cr.execute(
                "DELETE FROM voip_conference WHERE id = %s", [self.room.id]
            )
