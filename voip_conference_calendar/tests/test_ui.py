# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from odoo.addons.voip_conference.tests.common import TourCase

USER_GROUPS = "base.group_user,voip_conference.voip_conference_group_user"


@tagged("post_install", "-at_install")
class TestCalendarConferenceUi(TourCase):
    """In a real browser, as a conference user: create an event, pick a
    room, open the invitation preview, join in test mode (which dials
    nothing and so records no call)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.be")
        pbx = cls.env["voip.pbx"].create({"name": "Tour PBX"})
        cls.user = new_test_user(
            cls.env,
            login="vcc_tour_user",
            groups=USER_GROUPS,
            voip_pbx_id=pbx.id,
            voip_extension="231",
            email="tour@example.com",
            tz="Europe/Brussels",
        )
        cls.room = cls.env["voip.conference"].create(
            {
                "name": "Board",
                "extension": "8101",
                "access_code": "1234",
                "pbx_id": pbx.id,
            }
        )
        cls.env["voip.incoming.number"].create(
            {
                "number": "+3225550100",
                "pbx_id": pbx.id,
                "destination_type": "conference",
                "conference_id": cls.room.id,
            }
        )

    def test_create_event_pick_room_preview_and_join(self):
        self.start_tour(
            "/odoo/action-calendar.action_calendar_event/new",
            "voip_conference_calendar_tour",
            login="vcc_tour_user",
        )
        event = self.env["calendar.event"].search([("name", "=", "Tour meeting")])
        self.assertEqual(event.conference_id, self.room)
        # Test mode places no call: nothing that looks like one is recorded.
        calls = self.env["voip.call"].search([("user_id", "=", self.user.id)])
        self.assertFalse(calls)

    def test_not_attendees_read_no_code(self):
        """A colleague who is not invited, and a conference manager of
        another company, open the event: no access code."""
        event = self.env["calendar.event"].create(
            {
                "name": "Board meeting",
                "start": fields.Datetime.now() + timedelta(days=7),
                "stop": fields.Datetime.now() + timedelta(days=7, hours=1),
                "user_id": self.user.id,
                "partner_ids": [Command.set(self.user.partner_id.ids)],
                "conference_id": self.room.id,
            }
        )
        other_company = self.env["res.company"].create({"name": "Other Company"})
        new_test_user(self.env, login="vcc_tour_colleague", groups="base.group_user")
        new_test_user(
            self.env,
            login="vcc_tour_other_manager",
            groups="base.group_user,voip_conference.voip_conference_group_manager",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        for login in ("vcc_tour_colleague", "vcc_tour_other_manager"):
            with self.subTest(login=login):
                self.start_tour(
                    f"/odoo/action-calendar.action_calendar_event/{event.id}",
                    "voip_conference_calendar_no_code_tour",
                    login=login,
                )
