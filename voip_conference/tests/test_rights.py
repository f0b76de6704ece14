# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import psycopg2

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged, users

from .common import USER_GROUPS, VoipConferenceCase


@tagged("post_install", "-at_install")
class TestVoipConferenceRights(VoipConferenceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.room = cls._room("8001", access_code="1234")
        cls.number = cls._number(
            destination_type="conference", conference_id=cls.room.id
        )
        new_test_user(
            cls.env,
            login="vc_exporter",
            groups=f"{USER_GROUPS},base.group_allow_export",
        )

    @users("vc_internal")
    def test_plain_internal_user_sees_nothing(self):
        with self.assertRaises(AccessError):
            self.env["voip.conference"].search([])
        with self.assertRaises(AccessError):
            self.env["voip.incoming.number"].search([])

    @users("vc_user")
    def test_conference_user_reads_rooms_without_codes(self):
        Room = self.env["voip.conference"]
        room = Room.search([("id", "=", self.room.id)])
        self.assertEqual(room.name, "Room 8001")
        self.assertTrue(room.has_access_code)
        with self.assertRaises(AccessError):
            room.read(["access_code"])
        for record in room.read():
            self.assertNotIn("access_code", record)
        for record in Room.search_read([("id", "=", self.room.id)]):
            self.assertNotIn("access_code", record)
            self.assertNotIn("1234", [str(v) for v in record.values()])
        with self.assertRaises(AccessError):
            Room.search_read([("id", "=", self.room.id)], ["access_code"])
        with self.assertRaises(AccessError):
            Room.search([("access_code", "=", "1234")])
        self.assertNotIn("access_code", Room.fields_get())

    @users("vc_exporter")
    def test_conference_user_never_exports_codes(self):
        room = self.env["voip.conference"].browse(self.room.id)
        with self.assertRaises(AccessError):
            room.export_data(["name", "access_code"])
        exported = room.export_data(["name", "extension", "has_access_code"])["datas"]
        self.assertEqual(exported, [["Room 8001", "8001", True]])

    @users("vc_user")
    def test_conference_user_cannot_change_anything(self):
        room = self.env["voip.conference"].browse(self.room.id)
        with self.assertRaises(AccessError):
            room.name = "Renamed"
        with self.assertRaises(AccessError):
            self.env["voip.conference"].create(
                {"name": "New", "extension": "8090", "pbx_id": self.pbx.id}
            )
        with self.assertRaises(AccessError):
            room.unlink()
        number = self.env["voip.incoming.number"].browse(self.number.id)
        self.assertEqual(number.conference_id, room)
        with self.assertRaises(AccessError):
            number.destination_type = "hangup"

    @users("vc_manager")
    def test_manager_manages_rooms_and_codes(self):
        Room = self.env["voip.conference"]
        room = Room.create(
            {
                "name": "New",
                "extension": "8090",
                "pbx_id": self.pbx.id,
                "access_code": "42",
            }
        )
        self.assertEqual(room.read(["access_code"])[0]["access_code"], "42")
        room.write({"access_code": "4321", "name": "Renamed"})
        number = self.env["voip.incoming.number"].create(
            {
                "number": "02 555 01 55",
                "pbx_id": self.pbx.id,
                "destination_type": "conference",
                "conference_id": room.id,
            }
        )
        self.assertEqual(number.number, "+3225550155")
        number.write({"destination_type": "none", "conference_id": False})
        room.unlink()
        self.assertFalse(room.exists())

    def test_system_administrator_is_manager(self):
        admin = new_test_user(self.env, login="vc_sysadmin", groups="base.group_system")
        self.assertTrue(
            admin.has_group("voip_conference.voip_conference_group_manager")
        )
        self.assertEqual(
            self.room.with_user(admin).read(["access_code"])[0]["access_code"], "1234"
        )

    def test_multi_company_isolation(self):
        other_company = self.env["res.company"].create({"name": "Other Co"})
        other_room = self.Room.with_company(other_company).create(
            {
                "name": "Other room",
                "extension": "8500",
                "pbx_id": self.pbx.id,
                "company_id": other_company.id,
            }
        )
        mono = new_test_user(self.env, login="vc_mono", groups=USER_GROUPS)
        both = new_test_user(
            self.env,
            login="vc_both",
            groups=USER_GROUPS,
            company_ids=[(6, 0, (self.company | other_company).ids)],
        )
        Room = self.env["voip.conference"]
        self.assertNotIn(other_room, Room.with_user(mono).search([]))
        with self.assertRaises(AccessError):
            other_room.with_user(mono).read(["name"])
        visible = (
            Room.with_user(both)
            .with_context(allowed_company_ids=(self.company | other_company).ids)
            .search([])
        )
        self.assertIn(other_room, visible)
        self.assertIn(self.room, visible)
        # The numbering plan is the PBX's: a room of another company still
        # holds its extension.
        with self.assertRefused(psycopg2.errors.UniqueViolation):
            self._room("8500")
