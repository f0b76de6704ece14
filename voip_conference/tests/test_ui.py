# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json

from odoo.tests import new_test_user, tagged

from .common import MANAGER_GROUPS, USER_GROUPS, TourCase


@tagged("post_install", "-at_install")
class TestVoipConferenceUi(TourCase):
    """The kanban, list and form views load and behave in a real browser."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        pbx = cls.env["voip.pbx"].create({"name": "Tour PBX"})
        cls.env.company.country_id = cls.env.ref("base.be")
        new_test_user(cls.env, login="vc_tour_manager", groups=MANAGER_GROUPS)
        new_test_user(
            cls.env, login="vc_tour_user", groups=USER_GROUPS, voip_pbx_id=pbx.id
        )
        room = cls.env["voip.conference"].create(
            {
                "name": "Tour room",
                "extension": "8777",
                "access_code": "4321",
                "pbx_id": pbx.id,
            }
        )
        cls.env["voip.incoming.number"].create(
            {
                "number": "02 555 01 77",
                "pbx_id": pbx.id,
                "destination_type": "conference",
                "conference_id": room.id,
            }
        )
        cls.room = room
        cls.env["voip.conference"].create(
            {"name": "Other room", "extension": "8778", "pbx_id": pbx.id}
        )

    def test_manager_views(self):
        self.start_tour(
            "/odoo/action-voip_conference.voip_conference_action",
            "voip_conference_manager_tour",
            login="vc_tour_manager",
        )
        self.assertTrue(self.room.exists(), "the refused delete kept the room")

    def test_user_views(self):
        self.start_tour(
            "/odoo/action-voip_conference.voip_conference_action",
            "voip_conference_user_tour",
            login="vc_tour_user",
        )

    def test_join_from_the_softphone_in_test_mode(self):
        """Conferences tab, search, Join: the widget says which digits it
        would send, masked; test mode places no call, so it records none."""
        self.start_tour("/odoo", "voip_conference_join_tour", login="vc_tour_user")
        self.assertFalse(
            self.env["voip.call"].search([("user_id.login", "=", "vc_tour_user")]),
            "a test-mode Join looks like a real call in the history",
        )

    def _rpc_error(self, model, method, args):
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "model": model,
                        "method": method,
                        "args": args,
                        "kwargs": {},
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        return response.json()["error"]["data"]

    def test_duplicate_extension_message_through_rpc(self):
        """What a manager sees when saving a room on a taken extension."""
        self.authenticate("vc_tour_manager", "vc_tour_manager")
        error = self._rpc_error(
            "voip.conference",
            "create",
            [{"name": "Twin", "extension": "8777", "pbx_id": self.room.pbx_id.id}],
        )
        self.assertEqual(error["name"], "odoo.exceptions.ValidationError")
        self.assertIn(
            "Another active room of this PBX already uses this extension",
            error["message"],
        )
        self.assertEqual(
            self.env["voip.conference"].search_count([("extension", "=", "8777")]), 1
        )
