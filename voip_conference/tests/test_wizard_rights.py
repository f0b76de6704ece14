# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every wizard of both addons is its creator's, within the companies of
what it points to.

The wizards are found by walking the registry (every transient model of
voip_conference and voip_conference_calendar): a new one fails
``test_every_wizard_is_walked`` until it has its values in ``wizard_values``
below, and is then checked like the others.
"""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import MANAGER_GROUPS, VoipConferenceCase

ADDONS = ("voip_conference", "voip_conference_calendar")


def addon_wizards(env):
    """The transient models of both addons, from the registry."""
    return sorted(
        name
        for name in env.registry
        if env[name]._transient and env[name]._original_module in ADDONS
    )


@tagged("post_install", "-at_install")
class TestWizardRights(VoipConferenceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.room = cls._room("8001", access_code="4321")
        cls.number = cls._number(
            destination_type="conference", conference_id=cls.room.id
        )
        cls.other_company = cls.env["res.company"].create({"name": "Company B"})
        cls.manager_b = new_test_user(
            cls.env,
            login="vc_manager_b",
            groups=MANAGER_GROUPS,
            company_id=cls.other_company.id,
            company_ids=[(6, 0, cls.other_company.ids)],
        )
        # A second manager of company A: the same rights, not the creator.
        cls.manager_a2 = new_test_user(
            cls.env, login="vc_manager_a2", groups=MANAGER_GROUPS
        )

    def wizard_values(self):
        """{model: values of a wizard of company A's records}."""
        values = {
            "voip.conference.invite": {"conference_id": self.room.id, "target": "201"},
            "voip.conference.route.number": {
                "conference_id": self.room.id,
                "incoming_number_id": self.number.id,
            },
            "voip.conference.unroute": {"conference_ids": [(6, 0, self.room.ids)]},
            "voip.conference.dial.in": {"conference_id": self.room.id},
            "voip.provider.sync.conflict": {
                "res_model": "voip.conference",
                "res_id": self.room.id,
            },
            "voip.provider.sync.adopt": {
                "res_model": "voip.conference",
                "res_ids": self.room.ids,
                "message": "Room 8001: Sales, on the PBX with 8001",
            },
        }
        # Lines point to a wizard: company A's manager's.
        conflict = (
            self.env["voip.provider.sync.conflict"]
            .with_user(self.manager)
            .create(values["voip.provider.sync.conflict"])
        )
        values["voip.provider.sync.conflict.line"] = {
            "wizard_id": conflict.id,
            "key": "access_code",
            "odoo_value": "4321",
            "pbx_value": "9876",
        }
        if "calendar.event.invitation.preview" in self.env:
            now = fields.Datetime.now()
            event = self.env["calendar.event"].create(
                {
                    "name": "Board meeting",
                    "start": now + timedelta(days=1),
                    "stop": now + timedelta(days=1, hours=1),
                    "user_id": self.manager.id,
                    "partner_ids": [(6, 0, self.manager.partner_id.ids)],
                    "conference_id": self.room.id,
                }
            )
            values["calendar.event.invitation.preview"] = {
                "event_id": event.id,
                "attendee_id": event.attendee_ids[:1].id,
            }
        return values

    def test_every_wizard_is_walked(self):
        wizards = addon_wizards(self.env)
        self.assertIn("voip.conference.invite", wizards)
        missing = set(wizards) - set(self.wizard_values())
        self.assertFalse(missing, "give these wizards values in wizard_values()")

    def test_only_the_creator_reads_and_writes(self):
        for model, values in self.wizard_values().items():
            with self.subTest(model=model):
                wizard = self.env[model].with_user(self.manager).create(values)
                self.assertEqual(wizard.company_id, self.company)
                self.assertTrue(wizard.read(["display_name"]))
                for other in (self.manager_a2, self.manager_b):
                    theirs = self.env[model].with_user(other)
                    self.assertFalse(theirs.search([("id", "=", wizard.id)]))
                    self.assertFalse(theirs.search_read([], ["id"]))
                    with self.assertRaises(AccessError):
                        theirs.browse(wizard.id).read(["display_name"])
                    with self.assertRaises(AccessError):
                        theirs.browse(wizard.id).write({})
                        theirs.browse(wizard.id).unlink()

    def test_creator_loses_it_outside_its_company(self):
        """Within the companies of its record: a creator acting only as
        another company no longer reads it."""
        both = new_test_user(
            self.env,
            login="vc_manager_ab",
            groups=MANAGER_GROUPS,
            company_ids=[(6, 0, (self.company | self.other_company).ids)],
        )
        wizard = (
            self.env["voip.conference.invite"]
            .with_user(both)
            .create({"conference_id": self.room.id, "target": "201"})
        )
        as_b = wizard.with_context(allowed_company_ids=self.other_company.ids)
        with self.assertRaises(AccessError):
            as_b.read(["target"])

    def test_no_wizard_on_another_companys_records(self):
        """A manager of company B makes no wizard on company A's records, so
        never reads their names, numbers or codes back."""
        for model, values in self.wizard_values().items():
            with self.subTest(model=model):
                with self.assertRefused(AccessError):
                    self.env[model].with_user(self.manager_b).create(values)

    def test_no_wizard_moved_onto_another_companys_records(self):
        mine = self._room("8002").with_company(self.other_company)
        mine.sudo().company_id = self.other_company
        wizard = (
            self.env["voip.conference.invite"]
            .with_user(self.manager_b)
            .create({"conference_id": mine.id, "target": "201"})
        )
        with self.assertRefused(AccessError):
            wizard.write({"conference_id": self.room.id})


@tagged("post_install", "-at_install")
class TestWizardRightsOverRpc(HttpCase):
    """The reported probe: company B's manager reads company A's conflict
    lines over JSON-RPC."""

    def test_conflict_lines_of_another_company_are_not_read(self):
        company_b = self.env["res.company"].create({"name": "RPC Company B"})
        pbx = self.env["voip.pbx"].create({"name": "RPC PBX A"})
        room = self.env["voip.conference"].create(
            {"name": "RPC room", "extension": "8601", "pbx_id": pbx.id}
        )
        manager_a = new_test_user(self.env, login="vc_rpc_ma", groups=MANAGER_GROUPS)
        new_test_user(
            self.env,
            login="vc_rpc_mb",
            groups=MANAGER_GROUPS,
            company_id=company_b.id,
            company_ids=[(6, 0, company_b.ids)],
        )
        conflict = (
            self.env["voip.provider.sync.conflict"]
            .with_user(manager_a)
            .create({"res_model": "voip.conference", "res_id": room.id})
        )
        self.env["voip.provider.sync.conflict.line"].with_user(manager_a).create(
            [
                {"wizard_id": conflict.id, "key": "access_code", "odoo_value": code}
                for code in ("4321", "9876")
            ]
        )
        self.authenticate("vc_rpc_mb", "vc_rpc_mb")
        for model in (
            "voip.provider.sync.conflict.line",
            "voip.provider.sync.conflict",
        ):
            found = self.make_jsonrpc_request(
                f"/web/dataset/call_kw/{model}/search_read",
                {"model": model, "method": "search_read", "args": [[]], "kwargs": {}},
            )
            self.assertEqual(found, [], model)
