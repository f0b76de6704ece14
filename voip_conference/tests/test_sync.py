# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Push, apply, pull, conflicts, deletions and invites, against the built-in
simulator and against the REST backend talking to a loopback server."""

import threading

from odoo import SUPERUSER_ID, api
from odoo.exceptions import AccessError, UserError
from odoo.modules.neutralize import get_neutralization_queries
from odoo.sql_db import db_connect
from odoo.tests import new_test_user, tagged

from ..models.sync.voip_provider_sync_mixin import INBOUND
from ..tools.provider import Room
from .common import (
    RestPbxMixin,
    SimulatorPbxMixin,
    VoipConferenceCase,
)

TOKEN = "sync-test-token-42"


class SyncTests:
    """The flows, for any backend. Subclasses say how to reach the PBX."""

    def _remote(self):
        """The PBX as the provider sees it (a SimulatedPbx)."""
        raise NotImplementedError

    def _save_remote(self, remote):
        """Store changes made directly on the provider (operator's console)."""

    def _add_fault(self, operation, status, **kwargs):
        raise NotImplementedError

    def _rename_on_pbx(self, room, name):
        """A change made in the PBX's own console."""
        remote = self._remote()
        remote.update_room(room.remote_id, {"name": name})
        self._save_remote(remote)

    def _commit(self):
        """What a commit does for us: run the post-commit push.

        The hook opens its own cursor; in test mode (as in HttpCase) that
        cursor works inside the test's transaction.
        """
        with self.enter_registry_test_mode():
            self.env.cr.postcommit.run()

    # -- push and apply --------------------------------------------------

    def test_save_pushes_after_commit_and_apply_puts_in_production(self):
        room = self._room("8001", access_code="1234")
        self.assertEqual((room.sync_state, room.need_sync), ("pending", True))
        self.assertEqual(self._remote().list_rooms(), [])
        self._commit()
        self.assertEqual(room.sync_state, "pushed")
        self.assertFalse(room.need_sync)
        remote = self._remote()
        self.assertEqual([r.access_code for r in remote.list_rooms()], ["1234"])
        self.assertEqual(remote.production_rooms(), [])
        self.pbx.action_apply_changes()
        self.assertEqual(room.sync_state, "synced")
        self.assertEqual(
            [r.id for r in self._remote().production_rooms()], [room.remote_id]
        )

    def test_auto_apply(self):
        self.pbx.auto_apply = True
        room = self._room("8001")
        self._commit()
        self.assertEqual(room.sync_state, "synced")
        self.assertEqual(len(self._remote().production_rooms()), 1)

    def test_edit_pushes_an_update_not_a_new_room(self):
        room = self._room("8001")
        self._commit()
        remote_id = room.remote_id
        room.name = "Renamed"
        self.assertEqual(room.sync_state, "pending")
        self._commit()
        rooms = self._remote().list_rooms()
        self.assertEqual([(r.id, r.name) for r in rooms], [(remote_id, "Renamed")])

    def test_fields_not_synced_do_not_mark_the_record(self):
        room = self._room("8001")
        self._commit()
        room.color = 3
        self.assertFalse(room.need_sync)
        self.assertEqual(room.sync_state, "pushed")

    # -- pull --------------------------------------------------------------

    def test_pull_creates_what_exists_only_on_the_pbx_once(self):
        remote = self._remote()
        created = remote.create_room(
            Room(name="From PBX", extension="8500", access_code="77")
        )
        remote.add_number("+3225550190", "Sales line", "conference", created.id)
        self._save_remote(remote)
        run = self.pbx._sync(trigger="manual")
        self.assertEqual((run.status, run.created), ("done", 2))
        room = self.Room.search(
            [("pbx_id", "=", self.pbx.id), ("remote_id", "=", created.id)]
        )
        self.assertEqual(
            (room.name, room.extension, room.sudo().access_code),
            ("From PBX", "8500", "77"),
        )
        self.assertEqual(room.sync_state, "synced")
        self.assertFalse(room.need_sync)
        number = self.Number.search(
            [("pbx_id", "=", self.pbx.id), ("number", "=", "+3225550190")]
        )
        self.assertEqual(number.conference_id, room)
        self.assertEqual(number.name, "Sales line")
        again = self.pbx._sync(trigger="manual")
        self.assertEqual((again.created, again.updated, again.pushed), (0, 0, 0))
        self.assertEqual(
            self.Room.search_count(
                [("pbx_id", "=", self.pbx.id), ("extension", "=", "8500")]
            ),
            1,
        )

    def test_pull_matches_by_extension_never_duplicates(self):
        room = self._room("8001", name="Sales")
        remote = self._remote()
        remote.create_room(Room(name="Sales", extension="8001"))
        self._save_remote(remote)
        self.pbx._sync(trigger="manual")
        self.assertEqual(self.Room.search_count([("pbx_id", "=", self.pbx.id)]), 1)
        self.assertTrue(room.remote_id)
        self.assertEqual(len(self._remote().list_rooms()), 1)

    def test_pull_updates_unchanged_records_without_pushing(self):
        room = self._room("8001")
        self._commit()
        self._rename_on_pbx(room, "Changed on PBX")
        run = self.pbx._sync(trigger="manual")
        self.assertEqual((run.updated, run.pushed), (1, 0))
        self.assertEqual(room.name, "Changed on PBX")
        self.assertEqual(room.sync_state, "synced")
        self.assertFalse(room.need_sync)

    def test_changed_on_both_sides_is_a_conflict(self):
        room = self._room("8001")
        self._commit()
        self._rename_on_pbx(room, "PBX name")
        room.name = "Odoo name"
        run = self.pbx._sync(trigger="manual")
        self.assertEqual(run.conflicts, 1)
        self.assertEqual(room.sync_state, "conflict")
        self.assertEqual(room.remote_values["name"], "PBX name")
        self.assertEqual(
            self._remote().list_rooms()[0].name, "PBX name", "not overwritten"
        )
        action = room.action_resolve_conflict()
        wizard = (
            self.env[action["res_model"]].with_context(**action["context"]).create({})
        )
        name = wizard.line_ids.filtered(lambda line: line.key == "name")
        self.assertEqual((name.odoo_value, name.pbx_value), ("Odoo name", "PBX name"))
        self.assertTrue(name.differs)
        wizard.action_keep_odoo()
        self._commit()
        self.assertEqual(self._remote().list_rooms()[0].name, "Odoo name")
        self.assertEqual(room.sync_state, "pushed")

    def test_conflict_resolved_with_the_pbx_values(self):
        room = self._room("8001")
        self._commit()
        self._rename_on_pbx(room, "PBX name")
        room.name = "Odoo name"
        self.pbx._sync(trigger="manual", push=False)
        self.assertEqual(room.sync_state, "conflict")
        action = room.action_resolve_conflict()
        wizard = (
            self.env[action["res_model"]].with_context(**action["context"]).create({})
        )
        wizard.action_take_provider()
        self.assertEqual((room.name, room.sync_state), ("PBX name", "synced"))
        self.assertFalse(room.need_sync)

    def test_deleted_on_the_pbx_is_flagged_not_deleted(self):
        room = self._room("8001")
        self._commit()
        remote = self._remote()
        remote.delete_room(room.remote_id)
        self._save_remote(remote)
        self.pbx._sync(trigger="manual")
        self.assertTrue(room.exists())
        self.assertEqual(room.sync_state, "missing")

    # -- the observations of issue 13 ---------------------------------------

    def _console_edit(self, room, **changes):
        """A change made in the PBX's own console, on some fields only."""
        remote = self._remote()
        remote.update_room(room.remote_id, changes)
        self._save_remote(remote)

    def test_unmapped_admin_extension_survives_a_rename(self):
        self.conf_user.voip_extension = "299"  # no Odoo user holds 201 now
        remote = self._remote()
        created = remote.create_room(
            Room(name="Console", extension="8600", admin_extension="201")
        )
        self._save_remote(remote)
        self.pbx._sync(trigger="manual")
        room = self.Room.search([("remote_id", "=", created.id)])
        self.assertFalse(room.admin_user_id)
        room.name = "Renamed"
        self._commit()
        pushed = next(r for r in self._remote().list_rooms() if r.id == created.id)
        self.assertEqual((pushed.name, pushed.admin_extension), ("Renamed", "201"))
        self.assertIn("201", room.sync_unmapped_display, "shown on the record")

    def test_extension_swap_converges_in_one_sync(self):
        first, second = self._room("8001"), self._room("8002")
        self._commit()
        first.extension = "8999"  # through a temporary value, as users do
        second.extension = "8001"
        first.extension = "8002"
        run = self.pbx._sync(trigger="manual")
        self.assertEqual((run.status, run.errors), ("done", 0))
        remote = {r.id: r.extension for r in self._remote().list_rooms()}
        self.assertEqual(remote, {first.remote_id: "8002", second.remote_id: "8001"})
        self.assertEqual((first.sync_state, second.sync_state), ("pushed", "pushed"))
        again = self.pbx._sync(trigger="manual")
        self.assertEqual((again.pushed, again.errors), (0, 0))

    def test_save_after_a_console_change_is_a_conflict(self):
        room = self._room("8001")
        self._commit()
        self._console_edit(room, name="Console name", wait_for_admin=True)
        room.max_participants = 5
        self._commit()  # the push after Save, with no pull before it
        self.assertEqual(room.sync_state, "conflict")
        pbx_room = self._remote().list_rooms()[0]
        self.assertEqual(
            (pbx_room.name, pbx_room.wait_for_admin, pbx_room.max_participants),
            ("Console name", True, 0),
            "nothing overwritten",
        )

    def test_room_deleted_on_the_pbx_can_be_recreated_or_unlinked(self):
        room, other = self._room("8001"), self._room("8002")
        self._commit()
        old_id = room.remote_id
        remote = self._remote()
        remote.delete_room(room.remote_id)
        remote.delete_room(other.remote_id)
        self._save_remote(remote)
        self.pbx._sync(trigger="manual")
        self.assertEqual((room.sync_state, other.sync_state), ("missing", "missing"))
        room.name = "Saved again"
        self.pbx._sync(trigger="manual")
        self.assertEqual(room.sync_state, "missing", "Save alone re-creates nothing")
        room.with_user(self.manager).action_recreate_on_pbx()
        self._commit()
        self.assertEqual(room.sync_state, "pushed")
        self.assertNotEqual(room.remote_id, old_id)
        self.assertEqual(
            [(r.id, r.name) for r in self._remote().list_rooms()],
            [(room.remote_id, "Saved again")],
        )
        other.unlink()
        run = self.pbx._sync(trigger="manual")
        self.assertEqual((run.status, run.errors), ("done", 0))
        self.assertFalse(
            self.env["voip.pbx.deletion"].search([("pbx_id", "=", self.pbx.id)])
        )

    def test_number_changed_on_both_sides_is_resolvable(self):
        remote = self._remote()
        remote.add_number("+3225550193", "Line")
        self._save_remote(remote)
        self.pbx._sync(trigger="manual")
        number = self.Number.search([("number", "=", "+3225550193")])
        remote = self._remote()
        remote.set_number_destination(number.remote_id, "hangup")
        self._save_remote(remote)
        number.write({"destination_type": "extension", "destination_extension": "200"})
        self.pbx._sync(trigger="manual")
        self.assertEqual(number.sync_state, "conflict")
        action = number.with_user(self.manager).action_resolve_conflict()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.manager)
            .with_context(**action["context"])
            .create({})
        )
        wizard.action_keep_odoo()
        self._commit()
        pushed = self._remote().list_numbers()[0]
        self.assertEqual(
            (pushed.destination_type, pushed.destination), ("extension", "200")
        )
        self.assertEqual(number.sync_state, "pushed")

    # -- deletions -------------------------------------------------------------

    def test_deletion_goes_through_the_outbox(self):
        room = self._room("8001")
        self._commit()
        remote_id = room.remote_id
        room.unlink()
        self.assertEqual(
            self.env["voip.pbx.deletion"]
            .search([("pbx_id", "=", self.pbx.id)])
            .remote_id,
            remote_id,
        )
        self._commit()
        self.assertEqual(self._remote().list_rooms(), [])
        self.assertFalse(
            self.env["voip.pbx.deletion"].search([("pbx_id", "=", self.pbx.id)])
        )

    def test_failed_deletion_is_retried_later(self):
        room = self._room("8001")
        self._commit()
        self._add_fault("delete_room", 422)
        room.action_archive()
        self._commit()
        deletion = self.env["voip.pbx.deletion"].search([("pbx_id", "=", self.pbx.id)])
        self.assertEqual(deletion.attempts, 1)
        self.assertTrue(deletion.last_error)
        self.assertEqual(len(self._remote().list_rooms()), 1)
        deletion.next_attempt = "2000-01-01 00:00:00"
        self.pbx._sync(trigger="manual")
        self.assertFalse(deletion.exists())
        self.assertEqual(self._remote().list_rooms(), [])

    # -- numbers and invites -------------------------------------------------

    def test_number_destination_is_pushed(self):
        remote = self._remote()
        remote.add_number("+3225550191", "Line")
        self._save_remote(remote)
        self.pbx._sync(trigger="manual")
        number = self.Number.search(
            [("pbx_id", "=", self.pbx.id), ("number", "=", "+3225550191")]
        )
        room = self._room("8001")
        number.write({"destination_type": "conference", "conference_id": room.id})
        self._commit()
        pushed = self._remote().list_numbers()[0]
        self.assertEqual(
            (pushed.destination_type, pushed.destination),
            ("conference", room.remote_id),
        )
        self.assertEqual(number.sync_state, "pushed")

    def test_number_unknown_to_the_pbx_is_missing(self):
        number = self._number("+3225550192")
        self.pbx._sync(trigger="manual")
        self.assertEqual(number.sync_state, "missing")
        self.assertIn("not provisioned", number.sync_error)

    def test_invite_calls_the_invitee_into_the_room(self):
        self.pbx.auto_apply = True
        room = self._room("8001")
        self._commit()
        wizard = self.env["voip.conference.invite"].create(
            {"conference_id": room.id, "target": "02 555 01 99"}
        )
        result = wizard.action_invite()
        participants = self._remote().list_participants(room.remote_id)
        self.assertEqual([p.number for p in participants], ["+3225550199"])
        self.assertIn("+32 2 555 01 99", room.message_ids[0].body)
        if self.pbx.pbx_backend == "simulator":
            # Test mode says plainly that nobody was called.
            self.assertEqual(result["params"]["type"], "info")
            self.assertIn("nobody is called", result["params"]["message"])
            self.assertNotIn("is calling", result["params"]["message"])
            self.assertIn("nobody was called", room.message_ids[0].body)
        else:
            self.assertEqual(result["params"]["type"], "success")
            self.assertIn("The PBX is calling", result["params"]["message"])

    def test_invite_failure_goes_to_the_chatter(self):
        self.pbx.auto_apply = True
        room = self._room("8001", max_participants=1)
        self._commit()
        wizard = self.env["voip.conference.invite"].create(
            {"conference_id": room.id, "target": "101"}
        )
        wizard.action_invite()
        result = wizard.action_invite()  # the room is full
        self.assertEqual(result["params"]["type"], "danger")
        self.assertIn("failed", room.message_ids[0].body)

    # -- failures ----------------------------------------------------------------

    def _assert_pbx_failure_loses_nothing(self, status):
        room = self._room("8001")
        self._add_fault("*", status, times=0, retry_after=0)
        run = self.pbx._sync(trigger="manual")
        self.assertEqual(run.status, "failed")
        self.assertEqual(self.pbx.sync_status, "error")
        self.assertTrue(self.pbx.sync_message)
        self.assertEqual((room.sync_state, room.need_sync), ("pending", True))
        self.assertTrue(room.exists())
        self._clear_faults()
        self.pbx._sync(trigger="manual")
        self.assertEqual(room.sync_state, "pushed")
        self.assertEqual(self.pbx.sync_status, "ok")

    def test_401_marks_the_pbx_and_loses_nothing(self):
        self._assert_pbx_failure_loses_nothing(401)

    def test_429_loses_nothing(self):
        self._assert_pbx_failure_loses_nothing(429)

    def test_500_loses_nothing(self):
        self._assert_pbx_failure_loses_nothing(500)

    def test_timeout_loses_nothing(self):
        self._assert_pbx_failure_loses_nothing("timeout")

    def test_404_on_update_flags_missing(self):
        room = self._room("8001")
        self._commit()
        remote = self._remote()
        remote.delete_room(room.remote_id)
        self._save_remote(remote)
        room.name = "Renamed"
        self.pbx._sync(trigger="manual", pull=False)
        self.assertEqual(room.sync_state, "missing")

    def test_422_keeps_the_record_with_the_provider_message(self):
        self._remote_user_extension("8001")
        room = self._room("8001")
        other = self._room("8002")
        run = self.pbx._sync(trigger="manual")
        self.assertEqual(run.status, "partial")
        self.assertEqual((run.errors, run.pushed), (1, 1))
        self.assertEqual(room.sync_state, "error")
        self.assertIn("extension", room.sync_error)
        self.assertTrue(room.need_sync, "kept pending for the next run")
        self.assertEqual(
            other.sync_state, "pushed", "one failure does not stop the others"
        )

    def test_test_connection(self):
        result = self.pbx.action_test_connection()
        self.assertEqual(result["params"]["type"], "success")
        self._add_fault("list_rooms", 401)
        with self.assertRaisesRegex(UserError, "did not answer as expected"):
            self.pbx.action_test_connection()

    def test_manager_applies_changes_from_the_rooms(self):
        room = self._room("8001")
        self._commit()
        self.assertEqual(room.sync_state, "pushed")
        rooms = self.env["voip.conference"].with_user(self.manager)
        result = rooms.browse(room.id).action_apply_changes()
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(room.sync_state, "synced")
        # Without a selection: the PBXs of the rooms the manager sees.
        other = self._room("8002")
        self._commit()
        rooms.action_apply_changes()
        self.assertEqual(other.sync_state, "synced")

    def test_sync_run_audit_trail(self):
        self._room("8001")
        run = self.pbx._sync(trigger="manual")
        self.assertEqual(
            (run.trigger, run.direction, run.status), ("manual", "both", "done")
        )
        self.assertEqual(run.pushed, 1)
        self.assertGreaterEqual(run.requests, 3)  # list rooms, list numbers, create
        self.assertGreater(run.duration, 0)
        self.assertIn("1 pushed", run.summary)


@tagged("post_install", "-at_install")
class TestSyncSimulator(SimulatorPbxMixin, SyncTests, VoipConferenceCase):
    def _clear_faults(self):
        state = dict(self.pbx.sudo().simulator_state)
        state.pop("faults", None)
        self.pbx.sudo().simulator_state = state

    def _remote_user_extension(self, extension):
        # The PBX's numbering plan holds an extension Odoo does not know of.
        self._add_fault(
            "create_room",
            422,
            target=extension,
            field_errors={"extension": "This extension is already used."},
        )

    def test_state_lives_in_the_database(self):
        self._room("8001")
        self._commit()
        self.env.invalidate_all()
        state = self.pbx.sudo().simulator_state
        self.assertEqual([r["extension"] for r in state["rooms"].values()], ["8001"])

    def test_push_after_commit_writes_in_the_saving_users_language(self):
        """The messages of the push after a save are in the saver's language,
        not in the hook's default (English)."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["voip_conference"], ["fr_FR"])
        self.manager.lang = "fr_FR"
        # As in the manager's request: the context carries their language.
        Room = self.Room.with_user(self.manager).with_context(lang="fr_FR")
        self._add_fault("create_room", 422, target="8100")
        room = Room.create(
            {"name": "Salle", "extension": "8100", "pbx_id": self.pbx.id}
        )
        self._commit()
        self.assertEqual(room.sync_state, "error")
        self.assertIn("Le PBX a refusé les valeurs.", room.sync_error)
        # A run that fails as a whole says so in the saver's language too.
        self._add_fault("capabilities", 401)
        Room.browse(room.id).name = "Salle 2"
        self._commit()
        run = self.pbx.sync_run_ids.sorted("id")[-1]
        self.assertEqual((run.trigger, run.status), ("save", "failed"))
        self.assertIn("Le PBX a refusé le jeton d'API", run.message)
        self.assertIn("Le PBX a refusé le jeton d'API", self.pbx.sync_message)

    def test_rollback_pushes_nothing(self):
        with self.enter_registry_test_mode(), self.registry.cursor() as cr:
            env = self.env(cr=cr)
            env["voip.conference"].create(
                {"name": "Rolled back", "extension": "8111", "pbx_id": self.pbx.id}
            )
            env.flush_all()
            self.assertTrue(cr.postcommit._funcs)
            cr.rollback()
            self.assertFalse(cr.postcommit._funcs)
        self.pbx._sync(trigger="manual")
        self.assertEqual(self._remote().list_rooms(), [])
        self.assertFalse(
            self.Room.search([("pbx_id", "=", self.pbx.id), ("extension", "=", "8111")])
        )

    def test_one_sync_per_pbx_at_a_time(self):
        """While one transaction syncs a PBX, a second sync of it skips.

        Three real connections: one creates a committed PBX, one holds its
        row lock as a running sync does, one tries to sync it.
        """
        connection = db_connect(self.env.cr.dbname)
        with connection.cursor() as setup:
            setup.execute(
                "INSERT INTO voip_pbx (name, mode, pbx_backend, conference_dtmf_method)"
                " VALUES ('Locked PBX', 'test', 'simulator', 'auto') RETURNING id"
            )
            pbx_id = setup.fetchone()[0]
            setup.commit()
        holder = connection.cursor()
        second = connection.cursor()
        try:
            first = api.Environment(holder, SUPERUSER_ID, {})
            self.assertTrue(
                first["voip.pbx"]
                .browse(pbx_id)
                .try_lock_for_update(allow_referencing=True)
            )
            env = api.Environment(second, SUPERUSER_ID, {})
            run = env["voip.pbx"].browse(pbx_id)._sync(trigger="cron")
            self.assertEqual(run.status, "skipped")
            self.assertEqual(run.requests, 0)
            second.rollback()
            holder.rollback()  # the first sync ends
            env = api.Environment(second, SUPERUSER_ID, {})
            run = env["voip.pbx"].browse(pbx_id)._sync(trigger="cron")
            self.assertEqual(run.status, "done")
            second.rollback()
        finally:
            holder.close()
            second.close()
            with connection.cursor() as cleanup:
                cleanup.execute("DELETE FROM voip_pbx WHERE id = %s", [pbx_id])
                cleanup.commit()

    def test_cron_syncs_every_pbx(self):
        self._room("8001")
        self._room("8001", pbx_id=self.other_pbx.id)
        self.env["voip.pbx"]._cron_sync()
        self.assertTrue(self.pbx.sync_run_ids.filtered(lambda r: r.trigger == "cron"))
        self.assertTrue(
            self.other_pbx.sync_run_ids.filtered(lambda r: r.trigger == "cron")
        )

    def test_token_for_system_administrators_only(self):
        self.pbx.sudo().api_token = "secret-token"
        pbx = self.pbx.with_user(self.manager)
        with self.assertRaises(AccessError):
            pbx.read(["api_token"])
        self.assertNotIn("api_token", pbx.read()[0])
        self.assertNotIn("api_token", pbx.fields_get())
        self.assertNotIn("secret-token", str(self.manager._voip_get_info()))
        admin = new_test_user(self.env, login="vc_admin2", groups="base.group_system")
        self.assertEqual(self.pbx.with_user(admin).api_token, "secret-token")

    def test_neutralize(self):
        self.pbx.sudo().write(
            {
                "pbx_backend": "rest",
                "api_url": "https://pbx.example.com",
                "api_token": "t",
            }
        )
        self.env.flush_all()
        for query in get_neutralization_queries(["voip_conference"]):
            self.env.cr.execute(query)
        self.env.invalidate_all()
        pbx = self.pbx.sudo()
        self.assertEqual(
            (pbx.pbx_backend, pbx.api_url, pbx.api_token, pbx.mode),
            ("simulator", False, False, "test"),
        )


@tagged("post_install", "-at_install")
class TestSyncRest(RestPbxMixin, SyncTests, VoipConferenceCase):
    pbx_token = TOKEN

    def _add_fault(self, operation, status, **kwargs):
        if status == "timeout":
            # A real read timeout over HTTP: the server answers too late.
            self.pbx.sudo().api_read_timeout = 0.2
            for op in ("list_rooms", "list_numbers", "create_room"):
                self.server.slow[op] = 0.5
            return
        return super()._add_fault(operation, status, **kwargs)

    def _clear_faults(self):
        self.server.pbx.faults.clear()
        self.server.delays.clear()
        self.server.slow.clear()
        self.pbx.sudo().api_read_timeout = self.pbx_read_timeout

    def _remote_user_extension(self, extension):
        self.server.pbx.set_user_extensions([extension])

    def test_requests_go_over_loopback_http(self):
        self._room("8001")
        self.pbx._sync(trigger="manual")
        self.assertIn(("POST", "/v1/conferences/bulk"), self.server.requests)
        self.assertIn(("GET", "/v1/conferences"), self.server.requests)

    def test_two_workers_never_push_twice(self):
        """Two Odoo workers run the scheduled sync of one PBX at once, each
        on its own database connection, committing every 3 rooms: every room
        is created on the PBX once, by one of them."""
        self.server.pbx.set_capabilities(bulk=False)
        self.server.slow["create_room"] = 0.02
        registry = self.registry
        with registry.cursor() as cr:  # committed, as a running Odoo has it
            env = api.Environment(cr, SUPERUSER_ID, {INBOUND: True})
            pbx = env["voip.pbx"].create(
                {
                    "name": "Shared PBX",
                    "pbx_backend": "rest",
                    "api_url": self.server.url,
                    "api_token": TOKEN,
                }
            )
            env["voip.conference"].create(
                [
                    {"name": f"R{i}", "extension": str(7000 + i), "pbx_id": pbx.id}
                    for i in range(12)
                ]
            )
            pbx_id = pbx.id
        runs = []

        def worker():
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
                run = env["voip.pbx"].browse(pbx_id)._sync(trigger="cron", batch=3)
                runs.append((run.status, run.pushed))

        try:
            threads = [threading.Thread(target=worker) for _index in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(120)
            creations = [
                r for r in self.server.requests if r == ("POST", "/v1/conferences")
            ]
            self.assertEqual(len(creations), 12, "each room created once")
            self.assertEqual(len(self.server.pbx.list_rooms()), 12)
            self.assertEqual(len(runs), 2)
            self.assertEqual(sum(pushed for _status, pushed in runs), 12)
            self.assertLessEqual(
                {status for status, _pushed in runs}, {"done", "skipped"}
            )
        finally:
            with registry.cursor() as cr:
                cr.execute("DELETE FROM voip_conference WHERE pbx_id = %s", [pbx_id])
                cr.execute("DELETE FROM voip_pbx WHERE id = %s", [pbx_id])

    def test_without_bulk_one_request_per_object(self):
        self.server.pbx.set_capabilities(bulk=False)
        self._room("8001")
        self._room("8002")
        self.pbx._sync(trigger="manual")
        posts = [r for r in self.server.requests if r[0] == "POST"]
        self.assertEqual(posts, [("POST", "/v1/conferences")] * 2)

    def test_refused_cursor_means_a_full_resync(self):
        room = self._room("8001")
        self.pbx._sync(trigger="manual")
        self.server.pbx.forget_changes("rooms")
        self.server.pbx.delete_room(room.remote_id)
        self.server.requests.clear()
        run = self.pbx._sync(trigger="manual")
        self.assertEqual(run.status, "done")
        self.assertEqual(room.sync_state, "missing", "found by the full list")

    def test_wrong_token(self):
        self.pbx.sudo().api_token = "wrong"
        run = self.pbx._sync(trigger="manual")
        self.assertEqual(run.status, "failed")
        self.assertIn("token", self.pbx.sync_message)

    def test_create_timeout_then_retry_makes_one_room(self):
        # The retry must be answered in time: long enough for a busy machine.
        self.pbx.sudo().api_read_timeout = 2
        self.server.delays["create_room"] = 4
        room = self._room("8001")
        self.pbx._sync(trigger="manual", pull=False)
        self.assertEqual(len(self.server.pbx.list_rooms()), 1)
        self.assertEqual(room.remote_id, self.server.pbx.list_rooms()[0].id)
