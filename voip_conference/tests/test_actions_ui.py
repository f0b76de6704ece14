# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every main action of the screens, clicked through its real button in a
browser; a client error fails the tour (tours in
static/tests/tours/voip_conference_actions_tour.esm.js)."""

from odoo.tests import new_test_user, tagged, test_cursor

from .common import MANAGER_GROUPS, TourCase

ROOMS = "/odoo/action-voip_conference.voip_conference_action"


@tagged("post_install", "-at_install")
class TestVoipConferenceActions(TourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        pbx = cls.pbx = cls.env["voip.pbx"].create(
            {"name": "Actions PBX", "pbx_backend": "simulator"}
        )
        cls.manager = new_test_user(
            cls.env,
            login="vc_actions_manager",
            groups=MANAGER_GROUPS,
            voip_pbx_id=pbx.id,
        )
        cls.room = cls.env["voip.conference"].create(
            {"name": "Clash room", "extension": "8795", "pbx_id": pbx.id}
        )
        # A number of the PBX that reaches nothing yet.
        cls.number = cls.env["voip.incoming.number"].create(
            {"number": "+3225550188", "pbx_id": pbx.id}
        )
        # On the PBX and in production.
        pbx._demo_setup_simulator()
        cls._forget_bus()

    @classmethod
    def _forget_bus(cls):
        # A browser's first poll of the bus gets the last 50 s of messages:
        # the set-up's "sync run done" would reload the form at a random step.
        cls.env.cr.precommit.run()
        cls.env["bus.bus"].sudo().search([]).unlink()

    def setUp(self):
        super().setUp()
        # A real server pushes a saved room once the transaction commits; a
        # test cursor drops its post-commit hooks: run them as a commit does.
        commit = test_cursor.TestCursor.commit

        def commit_and_run_hooks(cursor):
            hooks = cursor.postcommit
            funcs, data = list(hooks._funcs), dict(hooks.data)
            commit(cursor)  # drops them
            hooks._funcs.extend(funcs)
            hooks.data.update(data)
            hooks.run()

        self.patch(test_cursor.TestCursor, "commit", commit_and_run_hooks)

    def _change_on_the_pbx(self, **values):
        """An operator changes the room in the PBX's console while its form is
        open in Odoo."""
        with self.pbx._provider() as backend:
            backend.update_room(self.room.remote_id, values)

    def _resolve(self, tour):
        self.assertEqual(self.room.sync_state, "synced")
        self._change_on_the_pbx(name="PBX name", max_participants=9)
        self.start_tour(f"{ROOMS}/{self.room.id}", tour, login="vc_actions_manager")
        self.assertNotEqual(self.room.sync_state, "conflict")
        with self.pbx._provider() as backend:
            (remote,) = backend.list_rooms()
        return remote

    def test_resolve_conflict_keeping_odoo(self):
        remote = self._resolve("voip_conference_resolve_keep_odoo_tour")
        self.assertEqual(self.room.name, "Odoo name")
        self.assertEqual(remote.name, "Odoo name", "Odoo's values pushed")
        self.assertFalse(remote.max_participants)

    def test_resolve_conflict_taking_the_pbx(self):
        remote = self._resolve("voip_conference_resolve_take_pbx_tour")
        self.assertEqual((self.room.name, self.room.max_participants), ("PBX name", 9))
        self.assertEqual(self.room.sync_state, "synced")
        self.assertEqual(remote.name, "PBX name")

    def test_resolve_conflict_as_chosen(self):
        remote = self._resolve("voip_conference_resolve_as_chosen_tour")
        # The PBX's name, Odoo's (unset) capacity.
        self.assertEqual((self.room.name, self.room.max_participants), ("PBX name", 0))
        self.assertEqual((remote.name, remote.max_participants), ("PBX name", 0))

    def test_apply_changes_on_the_form(self):
        self.room.wait_for_admin = True
        self.pbx._sync(trigger="save", pull=False)
        self.assertEqual(self.room.sync_state, "pushed")
        self._forget_bus()
        self.start_tour(
            f"{ROOMS}/{self.room.id}",
            "voip_conference_apply_changes_form_tour",
            login="vc_actions_manager",
        )
        self.assertEqual(self.room.sync_state, "synced")

    def _pushed(self):
        """The room saved and pushed, not put in production."""
        self.room.wait_for_admin = True
        self.pbx._sync(trigger="save", pull=False)
        self.assertEqual(self.room.sync_state, "pushed")
        self._forget_bus()

    def test_room_form_buttons(self):
        self.start_tour(
            f"{ROOMS}/{self.room.id}",
            "voip_conference_room_form_buttons_tour",
            login="vc_actions_manager",
        )
        self.assertFalse(self.room.active)
        self.assertEqual(self.number.destination_type, "none", "unrouted")

    def test_room_card_and_list_buttons(self):
        spare = self.env["voip.conference"].create(
            {"name": "Spare room", "extension": "8796", "pbx_id": self.pbx.id}
        )
        self._pushed()
        self.start_tour(
            ROOMS, "voip_conference_room_views_buttons_tour", login="vc_actions_manager"
        )
        self.assertFalse(spare.exists())
        self.assertEqual(self.room.sync_state, "synced")

    def test_recreate_on_the_pbx(self):
        with self.pbx._provider() as backend:
            backend.delete_room(self.room.remote_id)
        self.pbx._sync(trigger="manual")
        self.assertEqual(self.room.sync_state, "missing")
        self._forget_bus()
        self.start_tour(
            f"{ROOMS}/{self.room.id}",
            "voip_conference_recreate_tour",
            login="vc_actions_manager",
        )
        with self.pbx._provider() as backend:
            self.assertEqual([r.extension for r in backend.list_rooms()], ["8795"])

    def test_resolve_an_incoming_number_conflict(self):
        with self.pbx._provider() as backend:
            backend.set_number_destination(self.number.remote_id, "hangup")
        self.number.write(
            {"destination_type": "extension", "destination_extension": "200"}
        )
        self.pbx._sync(trigger="manual")
        self.assertEqual(self.number.sync_state, "conflict")
        self._forget_bus()
        self.start_tour(
            f"/odoo/action-voip_conference.voip_incoming_number_action/{self.number.id}",
            "voip_conference_number_conflict_tour",
            login="vc_actions_manager",
        )
        self.assertNotEqual(self.number.sync_state, "conflict")
        self.assertEqual(self.number.destination_extension, "200")

    def test_pbx_form_buttons(self):
        new_test_user(
            self.env,
            login="vc_actions_admin",
            groups="base.group_system," + MANAGER_GROUPS,
        )
        self._pushed()
        self.start_tour(
            f"/odoo/action-voip_oca.voip_pbx_act_window/{self.pbx.id}",
            "voip_conference_pbx_buttons_tour",
            login="vc_actions_admin",
        )
        self.assertEqual(self.room.sync_state, "synced")

    def test_generate_the_webhook_secret(self):
        """A system administrator generates the PBX's webhook secret on its
        form: the field shows it masked; each click makes a new one."""
        new_test_user(self.env, login="vc_actions_sysadmin", groups="base.group_system")
        pbx = self.env["voip.pbx"].create(
            {
                "name": "Webhook PBX",
                "pbx_backend": "rest",
                "api_url": "http://127.0.0.1:9",
                "conference_webhook_secret": "old-secret-0123456789",
            }
        )
        self.start_tour(
            f"/odoo/action-voip_oca.voip_pbx_act_window/{pbx.id}",
            "voip_conference_webhook_secret_tour",
            login="vc_actions_sysadmin",
        )
        secret = pbx.conference_webhook_secret
        self.assertEqual(len(secret), 43)
        self.assertNotEqual(secret, "old-secret-0123456789")

    def test_unroute_and_delete_a_routed_room(self):
        """Unroute and Delete on the form of a room two numbers reach:
        cancelled, nothing changes; confirmed, the room is gone from Odoo and
        the PBX, and both numbers reach nothing."""
        self.env["voip.conference"].create(
            {"name": "Spare room", "extension": "8796", "pbx_id": self.pbx.id}
        )
        other = self.env["voip.incoming.number"].create(
            {"number": "+3225550189", "pbx_id": self.pbx.id}
        )
        numbers = self.number | other
        numbers.write({"destination_type": "conference", "conference_id": self.room.id})
        self.pbx._sync(trigger="manual", apply=True)
        self.assertEqual(self.room.incoming_number_ids, numbers)
        self._forget_bus()
        self.start_tour(
            f"{ROOMS}/{self.room.id}",
            "voip_conference_unroute_delete_tour",
            login="vc_actions_manager",
        )
        self.assertFalse(self.room.exists())
        self.assertEqual(set(numbers.mapped("destination_type")), {"none"})
        with self.pbx._provider() as backend:
            self.assertNotIn("8795", [r.extension for r in backend.list_rooms()])
            remote = {n.number: n.destination_type for n in backend.list_numbers()}
        # (The simulator has the number of the set-up, not the one added here.)
        self.assertEqual(remote["+3225550188"], "none")
