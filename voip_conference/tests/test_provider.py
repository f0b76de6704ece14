# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every provider failure is recorded, translated, and loses nothing.

The reported observations, then the fault matrix: every fault on every path
that reaches the PBX ends in the documented state below, against the
built-in simulator and against the REST backend over loopback HTTP.

Documented states (what a manager sees, what is kept):

- push after Save: the run (trigger Save) fails and the PBX says Error for a
  failure of the PBX as a whole (401, 403, 429, 5xx, timeout, reset, an
  answer not JSON or not of the contract's shape); for 404/409/422 the run
  is partial and the room says Missing/Error with the reason. Either way the
  room keeps its values and stays pending (need_sync).
- Sync Now, scheduled sync: the run fails with the reason, the room stays
  pending; in the scheduled sync the other PBXs are synced, once each.
- Apply: the run fails, the room stays "pushed, not applied".
- Invite: a notification and a chatter message; "could not call" when the
  PBX refused, "may already be calling" when the outcome is unknown
  (timeout, reset, a malformed success).
- Deletion: 404 is done (already gone); 409/422 keep the deletion queued with
  the reason, readable by managers and on the run; a PBX failure fails the
  run and keeps the deletion queued.
- Test connection: a translated error, nothing written.
"""

import contextlib
import functools

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from ..models.provider import voip_pbx as voip_pbx_module
from ..tools.provider import Room
from ..tools.rest_client import RestPbxClient
from ..tools.simulated_pbx import SimulatedPbx
from .common import (
    RestPbxMixin,
    SimulatorPbxMixin,
    VoipConferenceCase,
)

TOKEN = "failure-test-token-42"

RECORD_FAULTS = (404, 409, 422)
PBX_FAULTS = (
    401,
    403,
    429,
    500,
    503,
    "timeout",
    "reset",
    "not_json",
    "wrong_shape",
)
FAULTS = RECORD_FAULTS + PBX_FAULTS
# Invite: the PBX may have called although no answer says so.
UNKNOWN_OUTCOME = ("timeout", "reset", "not_json", "wrong_shape")


class FailureTests:
    """The observations and the matrix, for any backend."""

    def _remote(self):
        raise NotImplementedError

    def _save_remote(self, remote):
        """Store changes made on the provider's own console."""

    def _add_fault(self, operation, status, **kwargs):
        raise NotImplementedError

    def _reset_provider(self):
        raise NotImplementedError

    def _commit(self):
        """What a commit does: run the post-commit push."""
        with self.enter_registry_test_mode():
            self.env.cr.postcommit.run()

    def _last_run(self, pbx=None):
        return (pbx or self.pbx).sync_run_ids.sorted("id")[-1:]

    def _synced_room(self, extension="8001", **vals):
        self.pbx.auto_apply = True
        room = self._room(extension, **vals)
        self._commit()
        self.pbx.auto_apply = False
        self.assertEqual(room.sync_state, "synced")
        return room

    def _fault(self, operation, status):
        self._add_fault(operation, status, times=0, retry_after=0)

    # -- observations ------------------------------------------------------

    def test_malformed_pull_is_a_recorded_failure(self):
        for fault in (404, 422, "not_json", "html", "wrong_shape"):
            with self.subTest(fault=fault), self._cell():
                room = self._room("8001")
                self._fault("list_rooms", fault)
                result = room.with_user(self.manager).action_sync_now()
                self.assertEqual(result["params"]["type"], "warning")
                run = self._last_run()
                self.assertEqual(run.status, "failed")
                self.assertTrue(run.message)
                self.assertIn(run.message, result["params"]["message"])
                self.assertEqual(self.pbx.sync_status, "error")
                self.assertEqual((room.sync_state, room.need_sync), ("pending", True))

    def test_malformed_push_after_save_is_recorded_on_the_run(self):
        room = self._room("8001")
        self._fault("create_room", "not_json")
        self._commit()
        run = self._last_run()
        self.assertEqual((run.trigger, run.status), ("save", "failed"))
        self.assertIn("describe", run.message)
        self.assertEqual((room.sync_state, room.need_sync), ("pending", True))

    def test_failure_half_way_keeps_nothing(self):
        """Rooms pulled before the numbers' list failed are not kept."""
        remote = self._remote()
        remote.create_room(Room(name="From PBX", extension="8500"))
        self._save_remote(remote)
        self._fault("list_numbers", 503)
        run = self.pbx._sync(trigger="manual")
        self.assertEqual((run.status, run.created), ("failed", 0))
        self.assertFalse(
            self.Room.search([("pbx_id", "=", self.pbx.id), ("extension", "=", "8500")])
        )

    def _newcomer_on_a_user_extension(self):
        """A room created on the PBX's console on the extension an Odoo user
        of the PBX holds (200): Odoo's numbering plan refuses it. (A room
        re-created on the PBX on an Odoo room's extension is not refused: it
        re-matches that room by its extension, see the sync tests.)"""
        remote = self._remote()
        remote.state["user_extensions"] = []  # the PBX does not know them
        remote.create_room(Room(name="Newcomer", extension="200"))
        return remote

    def test_pulled_room_on_a_taken_extension_is_flagged(self):
        """The reported case: a raw database error aborted the whole sync."""
        self._synced_room("8001")
        remote = self._newcomer_on_a_user_extension()
        remote.create_room(Room(name="Fine", extension="8600"))
        self._save_remote(remote)
        run = self.pbx._sync(trigger="manual")
        self.assertEqual(run.status, "partial")
        self.assertEqual((run.created, run.errors), (1, 1))
        self.assertIn("Newcomer", run.message)
        self.assertIn("200", run.message)
        self.assertTrue(
            self.Room.search([("pbx_id", "=", self.pbx.id), ("extension", "=", "8600")])
        )
        self.assertFalse(
            self.Room.search([("pbx_id", "=", self.pbx.id), ("extension", "=", "200")])
        )

    def test_pulled_change_odoo_refuses_flags_the_record(self):
        room = self._synced_room("8001")
        other = self._synced_room("8002")
        remote = self._remote()
        # Changed on the PBX to an extension a user of the PBX holds in Odoo.
        remote.state["rooms"][other.remote_id]["extension"] = "200"
        self._save_remote(remote)
        run = self.pbx._sync(trigger="manual")
        self.assertEqual(run.status, "partial")
        self.assertEqual(other.sync_state, "error")
        self.assertIn("200", other.sync_error)
        self.assertEqual(other.extension, "8002", "Odoo's value kept")
        self.assertEqual(room.sync_state, "synced")

    def test_cron_isolates_pbxs(self):
        """The reported case: a pulled room on an extension an Odoo room
        holds failed the scheduled action on every run, the PBXs after it
        never synced. Now: flagged, the others synced, each once."""
        self.other_pbx.pbx_backend = "simulator"
        self._synced_room("8001")
        self._save_remote(self._newcomer_on_a_user_extension())
        other_room = self._room("8001", pbx_id=self.other_pbx.id)
        self.env["voip.pbx"]._cron_sync()
        runs = self.pbx.sync_run_ids.filtered(lambda r: r.trigger == "cron")
        other_runs = self.other_pbx.sync_run_ids.filtered(lambda r: r.trigger == "cron")
        self.assertEqual(runs.mapped("status"), ["partial"])
        self.assertIn("Newcomer", runs.message)
        self.assertEqual(other_runs.mapped("status"), ["done"])
        self.assertEqual(other_room.sync_state, "pushed")

    def test_refused_deletion_reason_for_managers(self):
        room = self._synced_room("8001")
        self._fault("delete_room", 422)
        room.with_user(self.manager).unlink()
        self._commit()
        run = self._last_run()
        self.assertEqual(run.status, "partial")
        self.assertIn("Room 8001", run.message)
        self.assertIn("refused", run.message)
        deletion = self.env["voip.pbx.deletion"].with_user(self.manager).search([])
        self.assertEqual(deletion.name, "Room 8001")
        self.assertIn("refused", deletion.last_error)

    def test_invite_whose_answer_is_lost_says_the_pbx_may_be_calling(self):
        """The reported case: an Invite that timed out after the PBX placed
        the call said "could not call", inviting a second call."""
        room = self._synced_room("8001")
        self._late_invite_answers()
        wizard = (
            self.env["voip.conference.invite"]
            .with_user(self.manager)
            .create({"conference_id": room.id, "target": "201"})
        )
        result = wizard.action_invite()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn("may already be calling 201", result["params"]["message"])
        self.assertNotIn("could not", result["params"]["message"])
        self.assertIn("may already be calling", room.message_ids[0].body)
        participants = self._remote().list_participants(room.remote_id)
        self.assertEqual([p.number for p in participants], ["201"], "called once")

    def test_token_with_a_line_break(self):
        """The reported case: a token saved with its line break made every
        request fail with an invalid header, as a traceback."""
        self.pbx.sudo().api_token = f" {TOKEN}\n"
        self.assertEqual(self.pbx.sudo().api_token, TOKEN)
        # Saved before this fix: the client strips it too.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE voip_pbx SET api_token = %s WHERE id = %s",
            [f"{TOKEN}\n", self.pbx.id],
        )
        self.env.invalidate_all()
        self._room("8001")
        run = self.pbx._sync(trigger="manual")
        self.assertEqual(run.status, "done")

    # -- the matrix ----------------------------------------------------------

    def test_fault_matrix(self):
        self.patch(
            voip_pbx_module,
            "RestPbxClient",
            functools.partial(RestPbxClient, sleep=lambda _s: None),
        )
        for path in (
            "push_after_save",
            "sync_now",
            "scheduled_sync",
            "apply",
            "invite",
            "deletion",
            "test_connection",
        ):
            for fault in FAULTS:
                with self.subTest(path=path, fault=fault), self._cell():
                    getattr(self, f"_cell_{path}")(fault)

    @contextlib.contextmanager
    def _cell(self):
        """A fresh provider; everything done in Odoo undone afterwards."""
        self._reset_provider()
        self.env.flush_all()
        self.env.cr.execute("SAVEPOINT failure_cell")
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                self.env.flush_all()
            self.env.cr.execute("ROLLBACK TO SAVEPOINT failure_cell")
            self.env.invalidate_all(flush=False)

    def _assert_pending(self, room):
        self.assertTrue(room.exists())
        self.assertEqual(room.name, "Room 8001", "nothing lost")
        self.assertTrue(room.need_sync, "still to push")

    def _cell_push_after_save(self, fault):
        room = self._room("8001")
        self._fault("create_room", fault)
        self._commit()
        run = self._last_run()
        self.assertEqual(run.trigger, "save")
        self._assert_pending(room)
        if fault in RECORD_FAULTS:
            self.assertEqual(run.status, "partial")
            self.assertIn(room.sync_state, ("error", "missing"))
            self.assertIn("PBX", room.sync_error)
        else:
            self.assertEqual(run.status, "failed")
            self.assertEqual(room.sync_state, "pending")
            self.assertEqual(self.pbx.sync_status, "error")
        self.assertTrue(run.message or room.sync_error)

    def _cell_sync_now(self, fault):
        room = self._room("8001")
        self._fault("list_rooms", fault)
        result = room.with_user(self.manager).action_sync_now()
        self.assertEqual(result["params"]["type"], "warning")
        run = self._last_run()
        self.assertEqual(run.status, "failed")
        self.assertIn("PBX", run.message)
        self.assertEqual(run.user_id, self.manager)
        self.assertEqual(room.sync_state, "pending")
        self._assert_pending(room)

    def _cell_scheduled_sync(self, fault):
        self.other_pbx.pbx_backend = "simulator"
        room = self._room("8001")
        other_room = self._room("8001", pbx_id=self.other_pbx.id)
        self._fault("list_rooms", fault)
        self.env["voip.pbx"]._cron_sync()
        runs = self.pbx.sync_run_ids.filtered(lambda r: r.trigger == "cron")
        self.assertEqual(runs.mapped("status"), ["failed"])
        other_runs = self.other_pbx.sync_run_ids.filtered(lambda r: r.trigger == "cron")
        self.assertEqual(other_runs.mapped("status"), ["done"])
        self.assertEqual(other_room.sync_state, "pushed")
        self._assert_pending(room)

    def _cell_apply(self, fault):
        room = self._room("8001")
        self._commit()
        self.assertEqual(room.sync_state, "pushed")
        self._fault("apply_changes", fault)
        result = room.with_user(self.manager).action_apply_changes()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertEqual(self._last_run().status, "failed")
        self.assertEqual(room.sync_state, "pushed", "still to apply")
        self.assertEqual(self._remote().production_rooms(), [])

    def _cell_invite(self, fault):
        room = self._synced_room("8001")
        self._fault("invite", fault)
        wizard = (
            self.env["voip.conference.invite"]
            .with_user(self.manager)
            .create({"conference_id": room.id, "target": "201"})
        )
        messages = len(room.message_ids)
        result = wizard.action_invite()
        message = result["params"]["message"]
        if fault in UNKNOWN_OUTCOME:
            self.assertEqual(result["params"]["type"], "warning")
            self.assertIn("may already be calling 201", message)
        else:
            self.assertEqual(result["params"]["type"], "danger")
            self.assertIn("could not call 201", message)
        self.assertEqual(len(room.message_ids), messages + 1)

    def _cell_deletion(self, fault):
        room = self._synced_room("8001")
        self._fault("delete_room", fault)
        room.with_user(self.manager).unlink()
        self._commit()
        run = self._last_run()
        deletions = self.env["voip.pbx.deletion"].search([("pbx_id", "=", self.pbx.id)])
        if fault == 404:
            self.assertEqual(run.status, "done")
            self.assertFalse(deletions, "already gone: done")
        elif fault in RECORD_FAULTS:
            self.assertEqual(run.status, "partial")
            self.assertEqual(deletions.attempts, 1)
            self.assertIn("refused", deletions.last_error)
            self.assertIn("Room 8001", run.message)
        else:
            self.assertEqual(run.status, "failed")
            self.assertEqual(len(deletions), 1, "still to delete")

    def _cell_test_connection(self, fault):
        admin = new_test_user(
            self.env, login=f"vc_matrix_admin_{fault}", groups="base.group_system"
        )
        self._fault("list_rooms", fault)
        with self.assertRaisesRegex(UserError, "PBX") as caught:
            self.pbx.with_user(admin).action_test_connection()
        self.assertIn("did not answer as expected", str(caught.exception))


@tagged("post_install", "-at_install")
class TestFailuresSimulator(SimulatorPbxMixin, FailureTests, VoipConferenceCase):
    def _reset_provider(self):
        self.pbx.sudo().simulator_state = False

    def _late_invite_answers(self):
        self._add_fault("invite", "timeout", after=True, times=0)


@tagged("post_install", "-at_install")
class TestFailuresRest(RestPbxMixin, FailureTests, VoipConferenceCase):
    pbx_token = TOKEN

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server.fault_timeout = 0.4

    def _add_fault(self, operation, status, **kwargs):
        if status == "timeout":
            self._give_up_soon()
        return super()._add_fault(operation, status, **kwargs)

    def _give_up_soon(self):
        """Only where the PBX is meant to answer too late (0.4 s)."""
        self.pbx.sudo().api_read_timeout = 0.2

    def _reset_provider(self):
        self.pbx.sudo().api_read_timeout = 30
        self.server.pbx = SimulatedPbx()
        self.server.requests.clear()
        self.server.slow.clear()

    def _late_invite_answers(self):
        # The PBX calls at once and answers after the client's read timeout;
        # the client's retries carry the same key: one call.
        self.patch(
            voip_pbx_module,
            "RestPbxClient",
            functools.partial(RestPbxClient, sleep=lambda _s: None),
        )
        self._give_up_soon()
        self.server.slow["invite"] = 0.4
