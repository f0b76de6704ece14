# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The screens in a real browser: sync states where users look, actions that
work, numbers and languages as people read them (tours in
static/tests/tours/voip_conference_screens_tour.esm.js)."""

from odoo.tests import new_test_user, tagged

from ..tools.provider import Room
from .common import MANAGER_GROUPS, USER_GROUPS, TourCase

ROOMS = "/odoo/action-voip_conference.voip_conference_action"


@tagged("post_install", "-at_install")
class TestVoipConferenceScreens(TourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The observation: a company in the United States, a Brussels number.
        cls.env.company.country_id = cls.env.ref("base.us")
        pbx = cls.pbx = cls.env["voip.pbx"].create(
            {"name": "Tour PBX", "pbx_backend": "simulator"}
        )
        cls.manager = new_test_user(
            cls.env,
            login="vc_screens_manager",
            groups=MANAGER_GROUPS,
            voip_pbx_id=pbx.id,
        )
        Room_ = cls.env["voip.conference"]
        tour_room = Room_.create(
            {
                "name": "Tour room",
                "extension": "8777",
                "access_code": "4321",
                "pbx_id": pbx.id,
                "color": 3,
            }
        )
        cls.env["voip.incoming.number"].create(
            {
                "number": "+3225550177",
                "pbx_id": pbx.id,
                "destination_type": "conference",
                "conference_id": tour_room.id,
            }
        )
        Room_.create({"name": "Other room", "extension": "8778", "pbx_id": pbx.id})
        conflict = Room_.create(
            {"name": "Conflict room", "extension": "8790", "pbx_id": pbx.id}
        )
        # Everything on the PBX and in production.
        pbx._demo_setup_simulator()
        # Changed on the PBX's console and in Odoo: the scheduled sync finds
        # a conflict.
        with pbx._provider() as backend:
            backend.update_room(
                conflict.remote_id,
                Room(name="Conflict room", extension="8790", max_participants=9),
            )
        conflict.max_participants = 5
        pbx._sync(trigger="cron")
        # Saved in Odoo and pushed, not applied yet.
        tour_room.wait_for_admin = True
        pbx._sync(trigger="save", pull=False)
        cls.tour_room, cls.conflict = tour_room, conflict
        # A browser's first poll of the bus gets the last 50 s of messages:
        # the set-up's "sync run done" would reload the views at a random
        # step of a tour (closing a card's menu under it). The tours see the
        # runs' outcome in the data instead. (The bus writes its messages
        # when the transaction commits: its pre-commit hook runs first.)
        cls.env.cr.precommit.run()
        cls.env["bus.bus"].sudo().search([]).unlink()

    def test_screens(self):
        self.assertEqual(self.conflict.sync_state, "conflict")
        self.assertEqual(self.tour_room.sync_state, "pushed")
        self.start_tour(
            ROOMS, "voip_conference_screens_tour", login="vc_screens_manager"
        )
        copy = self.env["voip.conference"].search([("name", "=", "Other room (copy)")])
        self.assertEqual(copy.extension, "8779")
        self.assertTrue(self.tour_room.exists(), "Delete was refused, then cancelled")
        self.assertEqual(self.tour_room.incoming_number_ids.number, "+3225550177")

    def test_a_conference_user_is_not_offered_archive(self):
        new_test_user(
            self.env,
            login="vc_screens_user",
            groups=USER_GROUPS,
            voip_pbx_id=self.pbx.id,
        )
        self.start_tour(
            ROOMS, "voip_conference_read_only_tour", login="vc_screens_user"
        )

    def test_the_form_shows_a_sync_outcome_without_reload(self):
        room = self.env["voip.conference"].create(
            {"name": "Live room", "extension": "8800", "pbx_id": self.pbx.id}
        )
        self.start_tour(
            f"{ROOMS}/{room.id}",
            "voip_conference_live_sync_tour",
            login="vc_screens_manager",
        )

    def test_sync_runs_named_and_filtered_by_outcome(self):
        self.start_tour(
            "/odoo/action-voip_conference.voip_pbx_sync_run_action",
            "voip_conference_sync_runs_tour",
            login="vc_screens_manager",
        )

    def test_numbers_as_people_read_them(self):
        self.start_tour(
            "/odoo/action-voip_conference.voip_incoming_number_action",
            "voip_conference_numbers_tour",
            login="vc_screens_manager",
        )

    def test_pbx_limits_read_as_what_they_mean(self):
        new_test_user(
            self.env,
            login="vc_screens_admin",
            groups="base.group_system," + MANAGER_GROUPS,
        )
        self.start_tour(
            f"/odoo/action-voip_oca.voip_pbx_act_window/{self.pbx.id}",
            "voip_conference_pbx_tour",
            login="vc_screens_admin",
        )

    def test_empty_api_timeouts_read_as_their_defaults(self):
        new_test_user(
            self.env,
            login="vc_screens_admin",
            groups="base.group_system," + MANAGER_GROUPS,
        )
        pbx = self.env["voip.pbx"].create(
            {
                "name": "REST PBX",
                "pbx_backend": "rest",
                "api_url": "http://127.0.0.1:9",
                "api_connect_timeout": 0,
                "api_read_timeout": 0,
            }
        )
        self.start_tour(
            f"/odoo/action-voip_oca.voip_pbx_act_window/{pbx.id}",
            "voip_conference_pbx_timeouts_tour",
            login="vc_screens_admin",
        )

    def _no_wrap(self, lang):
        if lang != "en_US":
            self.env["res.lang"]._activate_lang(lang)
            self.env["ir.module.module"]._load_module_terms(
                ["web", "mail", "voip_conference"], [lang]
            )
        login = f"vc_screens_{lang.lower()}"
        new_test_user(
            self.env,
            login=login,
            groups=MANAGER_GROUPS,
            voip_pbx_id=self.pbx.id,
            lang=lang,
        )
        self.start_tour(ROOMS, "voip_conference_no_wrap_tour", login=login)

    def test_no_wrap_in_english(self):
        self._no_wrap("en_US")

    def test_no_wrap_in_french(self):
        self._no_wrap("fr_FR")

    def test_no_wrap_in_spanish(self):
        self._no_wrap("es_ES")

    def test_badges_and_join_read_at_wcag_aa(self):
        """White on green (Synced, Join) was 3.1:1 and on cyan (Pushed, not
        applied) 3.0:1: every badge and Join reads at 4.5:1 or more."""
        self.start_tour(
            ROOMS, "voip_conference_contrast_tour", login="vc_screens_manager"
        )
