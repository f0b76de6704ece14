# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Probes of a hostile low-rights user: a plain internal user, a conference
user, a user of another company. What they must not get: access codes, SIP
passwords, TURN credentials, another company's rooms."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import MANAGER_GROUPS, VoipConferenceCase

CODE = "86420"
SIP_PASSWORD = "sip-s3cret-pw"
TURN = "turn:turn.example.com:3478 alice turn-s3cret"


class TestVoipConferenceProbe(VoipConferenceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.room = cls._room("8601", access_code=CODE)
        cls.other_company = cls.env["res.company"].create({"name": "Probe Co"})
        cls.foreign_pbx = cls.env["voip.pbx"].create(
            {
                "name": "Foreign PBX",
                "company_id": cls.other_company.id,
                "ice_servers": TURN,
            }
        )
        cls.foreign_room = cls.Room.with_company(cls.other_company).create(
            {
                "name": "Foreign room",
                "extension": "8602",
                "access_code": "13579",
                "pbx_id": cls.foreign_pbx.id,
                "company_id": cls.other_company.id,
            }
        )
        cls.other_manager = new_test_user(
            cls.env,
            login="vc_probe_other_manager",
            groups=MANAGER_GROUPS,
            company_id=cls.other_company.id,
            company_ids=[Command.set(cls.other_company.ids)],
        )
        cls.manager.voip_username = "vc_manager"
        cls.manager.voip_password = SIP_PASSWORD
        cls.users = (cls.internal_user, cls.conf_user, cls.other_manager)

    def test_sip_password_of_others(self):
        """voip_oca leaves a user's SIP password readable by every internal
        user: only its owner and the administrators read it."""
        for user in self.users:
            with self.subTest(user=user.login):
                manager = self.manager.with_user(user)
                with self.assertRaises(AccessError):
                    manager.read(["voip_password"])
                with self.assertRaises(AccessError):
                    manager.search_read(
                        [("id", "=", self.manager.id)], ["voip_password"]
                    )
                with self.assertRaises(AccessError):
                    self.env["res.users"].with_user(user).search(
                        [("voip_password", "=", SIP_PASSWORD)]
                    )
        # The owner still reads and sets it (preferences), so does the phone.
        own = self.manager.with_user(self.manager)
        self.assertEqual(own.read(["voip_password"])[0]["voip_password"], SIP_PASSWORD)
        own.write({"voip_password": "new-pw"})
        self.assertEqual(
            self.manager.with_user(self.manager)._voip_get_info()["pbx_password"],
            "new-pw",
        )

    def test_no_move_to_another_companys_pbx(self):
        """voip_oca lets users set their own PBX: moving to another
        company's would hand them its TURN credentials in their session."""
        for user in (self.internal_user, self.conf_user):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    user.with_user(user).write({"voip_pbx_id": self.foreign_pbx.id})
                info = user.with_user(user).sudo()._voip_get_info()
                self.assertNotIn("turn-s3cret", str(info))
        # Their own company's PBX stays theirs to choose.
        self.internal_user.with_user(self.internal_user).write(
            {"voip_pbx_id": self.other_pbx.id}
        )
        self.assertEqual(self.internal_user.voip_pbx_id, self.other_pbx)

    def test_access_code_through_every_read(self):
        """A conference user joins rooms but never reads their code, by any
        ORM path; nobody reads another company's room."""
        # Export is a right of its own: given, to prove what it exports.
        self.conf_user.group_ids += self.env.ref("base.group_allow_export")
        Room = self.Room.with_user(self.conf_user)
        for call in (
            lambda: self.room.with_user(self.conf_user).read(["access_code"]),
            lambda: Room.search_read([("id", "=", self.room.id)], ["access_code"]),
            lambda: Room.search([("access_code", "=", CODE)]),
            lambda: Room.read_group([], ["access_code"], ["access_code"]),
            lambda: Room.web_read_group([], ["access_code"], ["__count"]),
            lambda: self.room.with_user(self.conf_user).export_data(["access_code"]),
            lambda: self.room.with_user(self.conf_user).web_read({"access_code": {}}),
            lambda: Room.web_search_read([], {"access_code": {}}),
            lambda: self.room.with_user(self.conf_user).onchange(
                {}, [], {"access_code": {}}
            ),
            lambda: Room.onchange({}, [], {"access_code": {}}),
            lambda: self.room.with_user(self.conf_user).read(["sync_agreed"]),
            lambda: self.room.with_user(self.conf_user).read(["remote_values"]),
        ):
            with self.assertRaises(AccessError):
                call()
        # Name search by code finds nothing to infer from.
        self.assertFalse(Room.name_search(CODE))
        for user in self.users:
            with self.subTest(user=user.login):
                foreign = self.foreign_room.with_user(user)
                if user == self.other_manager:
                    continue
                with self.assertRaises(AccessError):
                    foreign.read(["name"])
                with self.assertRaises(AccessError):
                    foreign.get_join_sequence()

    def test_sync_runs_of_another_company(self):
        """Another company's manager reads none of this company's sync runs."""
        self.pbx.company_id = self.company
        self.pbx._sync(trigger="manual")
        runs = self.env["voip.pbx.sync.run"].search([("pbx_id", "=", self.pbx.id)])
        self.assertTrue(runs)
        Run = self.env["voip.pbx.sync.run"]
        self.assertEqual(
            Run.with_user(self.manager).search([("pbx_id", "=", self.pbx.id)]), runs
        )
        self.assertFalse(
            Run.with_user(self.other_manager).search([("pbx_id", "=", self.pbx.id)])
        )
        with self.assertRaises(AccessError):
            runs.with_user(self.other_manager).read(["summary"])
