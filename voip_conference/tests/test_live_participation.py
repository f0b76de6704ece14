# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged, users

from .common import USER_GROUPS, VoipConferenceCase


@tagged("post_install", "-at_install")
class TestVoipConferenceParticipationAccess(VoipConferenceCase):
    """Who reads the attendance history: by group, by company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.room = cls._room("8001")
        cls.partner = cls.env["res.partner"].create({"name": "Alice Caller"})
        cls.row = cls.env["voip.conference.participation"].create(
            {
                "conference_id": cls.room.id,
                "partner_id": cls.partner.id,
                "name": "Alice Caller",
                "number": "+3225550111",
                "joined_at": fields.Datetime.now(),
            }
        )
        cls.other_company = cls.env["res.company"].create({"name": "Other Co"})
        cls.other_pbx = cls.env["voip.pbx"].create(
            {"name": "Other Co PBX", "company_id": cls.other_company.id}
        )
        cls.other_room = cls.Room.create(
            {
                "name": "Elsewhere",
                "extension": "8901",
                "pbx_id": cls.other_pbx.id,
                "company_id": cls.other_company.id,
            }
        )
        cls.other_row = cls.env["voip.conference.participation"].create(
            {"conference_id": cls.other_room.id, "name": "Bob", "number": "300"}
        )
        new_test_user(
            cls.env,
            login="vc_other_company",
            groups=USER_GROUPS,
            company_id=cls.other_company.id,
            company_ids=[Command.set(cls.other_company.ids)],
        )

    def test_related_fields_are_stored(self):
        self.assertEqual(self.row.pbx_id, self.pbx)
        self.assertEqual(self.row.company_id, self.company)
        self.assertEqual(self.partner.voip_participation_ids, self.row)
        self.assertEqual(self.room.participation_ids, self.row)

    @users("vc_user")
    def test_conference_user_reads_own_company_rows_only(self):
        rows = self.env["voip.conference.participation"].search([])
        self.assertIn(self.row, rows)
        self.assertNotIn(self.other_row, rows)
        with self.assertRaises(AccessError):
            self.row.with_env(self.env).write({"name": "Changed"})
        with self.assertRaises(AccessError):
            self.env["voip.conference.participation"].create(
                {"conference_id": self.room.id, "name": "Forged"}
            )

    @users("vc_manager")
    def test_manager_reads_but_never_writes_history(self):
        row = self.row.with_env(self.env)
        self.assertEqual(row.number, "+3225550111")
        with self.assertRaises(AccessError):
            row.write({"leave_reason": "removed"})
        with self.assertRaises(AccessError):
            row.unlink()

    @users("vc_internal")
    def test_plain_user_reads_nothing(self):
        with self.assertRaises(AccessError):
            self.env["voip.conference.participation"].search([])
        partner = self.partner.with_env(self.env)
        self.assertNotIn("voip_participation_ids", partner.fields_get())

    @users("vc_other_company")
    def test_other_company_reads_its_own_only(self):
        rows = self.env["voip.conference.participation"].search([])
        self.assertEqual(rows, self.other_row)
