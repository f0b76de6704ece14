# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A sync that does not take a PBX's word too early, nor hides a refusal:
one 404 is not a deletion, a refused pull shows on the PBX, a list that
never ends is stopped. Against the built-in simulator and the REST backend
over loopback HTTP."""

from odoo.tests import tagged

from ..tools.provider import Room
from .common import (
    RestPbxMixin,
    SimulatorPbxMixin,
    VoipConferenceCase,
)

TOKEN = "sync-recovery-token-42"


class RecoveryTests:
    def _remote(self):
        raise NotImplementedError

    def _save_remote(self, remote):
        """Store changes made on the provider's side."""

    def _add_fault(self, operation, status, **kwargs):
        raise NotImplementedError

    def _missing_after_one_404(self):
        room = self._room("8001")
        self.pbx._sync(trigger="manual", apply=True)
        self.assertEqual(room.sync_state, "synced")
        room.name = "Renamed"
        self._add_fault("update_room", 404)  # a proxy, a wrong route: once
        self.pbx._sync(trigger="manual", pull=False)
        self.assertEqual(room.sync_state, "missing")
        return room

    def test_a_pull_that_lists_the_room_clears_missing(self):
        room = self._missing_after_one_404()
        remote_id = room.remote_id
        run = self.pbx._sync(trigger="manual")
        self.assertEqual(run.status, "done")
        self.assertEqual(room.remote_id, remote_id)
        self.assertNotEqual(room.sync_state, "missing")
        self.assertEqual(
            [(r.id, r.name) for r in self._remote().list_rooms()],
            [(remote_id, "Renamed")],
            "Odoo's edit reached the PBX once found again",
        )

    def test_recreate_of_a_room_still_on_the_pbx_links_it_again(self):
        room = self._missing_after_one_404()
        remote_id = room.remote_id
        result = room.with_user(self.manager).action_recreate_on_pbx()
        self.assertIs(result, True, "its own room: nothing to confirm")
        self.assertEqual((room.remote_id, room.sync_state), (remote_id, "pending"))
        self.pbx._sync(trigger="manual")
        self.assertEqual(len(self._remote().list_rooms()), 1)

    def test_recreate_adopts_the_pbx_room_of_the_extension_after_confirmation(self):
        room = self._room("8001")
        self.pbx._sync(trigger="manual", apply=True)
        remote = self._remote()
        remote.delete_room(room.remote_id)
        console = remote.create_room(Room(name="Console", extension="8001"))
        self._save_remote(remote)
        room.sync_state = "missing"  # as a 404 leaves it
        action = room.with_user(self.manager).action_recreate_on_pbx()
        self.assertEqual(action["res_model"], "voip.provider.sync.adopt")
        self.assertEqual(room.sync_state, "missing", "nothing before confirmation")
        wizard = self.env[action["res_model"]].with_user(self.manager)
        wizard = wizard.browse(action["res_id"])
        self.assertIn("Console", wizard.message)
        wizard.action_confirm()
        self.assertEqual(room.remote_id, console.id)
        run = self.pbx._sync(trigger="manual")
        self.assertEqual((run.status, run.errors), ("done", 0))
        self.assertEqual(
            [(r.id, r.name) for r in self._remote().list_rooms()],
            [(console.id, "Room 8001")],
            "no second room; Odoo's values pushed",
        )

    def test_refused_pull_makes_the_pbx_status_not_ok(self):
        remote = self._remote()
        remote.create_room(Room(name="Clash", extension="200"))  # the manager's
        self._save_remote(remote)
        run = self.pbx._sync(trigger="manual")
        self.assertEqual(run.status, "partial")
        self.assertEqual(self.pbx.sync_status, "partial")
        self.assertIn("Clash", self.pbx.sync_message)
        again = self.pbx._sync(trigger="manual")
        self.assertEqual(
            (again.status, self.pbx.sync_status),
            ("partial", "partial"),
            "brought again until taken",
        )
        self.manager.voip_extension = "299"
        self.pbx._sync(trigger="manual")
        self.assertEqual(self.pbx.sync_status, "ok")
        self.assertTrue(
            self.Room.search([("pbx_id", "=", self.pbx.id), ("extension", "=", "200")])
        )


@tagged("post_install", "-at_install")
class TestRecoverySimulator(SimulatorPbxMixin, RecoveryTests, VoipConferenceCase):
    pass


@tagged("post_install", "-at_install")
class TestRecoveryRest(RestPbxMixin, RecoveryTests, VoipConferenceCase):
    pbx_token = TOKEN

    def test_a_list_that_never_ends_stops_and_says_so(self):
        self._room("8001")
        self.pbx._sync(trigger="manual", apply=True)

        def always_page_two(status, payload, *headers):
            return status, payload | {"next_page": 2}, *headers

        self.server.rewrites["list_rooms"] = always_page_two
        self.server.requests.clear()
        run = self.pbx._sync(trigger="manual")
        self.assertEqual(run.status, "failed")
        self.assertIn("pages do not advance", run.message)
        self.assertEqual(self.pbx.sync_status, "error")
        lists = [r for r in self.server.requests if r == ("GET", "/v1/conferences")]
        self.assertLessEqual(len(lists), 2)
        rooms = self.Room.search([("pbx_id", "=", self.pbx.id)])
        self.assertEqual(rooms.mapped("extension"), ["8001"], "no copies")
