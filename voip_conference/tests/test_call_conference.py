# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged, users

from .common import VoipConferenceCase


@tagged("post_install", "-at_install")
class TestVoipCallConference(VoipConferenceCase):
    """What the phone widget records of a conference made from a call.

    Everything runs as a plain internal user (the lowest rights that may
    call), and is refused to another user.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pbx.adhoc_conference_max_parties = 3
        cls.internal_user.voip_pbx_id = cls.pbx
        cls.other_user = new_test_user(
            cls.env, login="vc_other", groups="base.group_user", voip_pbx_id=cls.pbx.id
        )
        cls.alice = cls.env["res.partner"].create(
            {"name": "Alice Adams", "phone": "+3225550111"}
        )
        cls.bob = cls.env["res.partner"].create(
            {"name": "Bob Brown", "phone": "+3225550122"}
        )

    def _first_call(self):
        Call = self.env["voip.call"]
        data = Call.create_call(
            {
                "pbx_id": self.pbx.id,
                "phone_number": "+3225550111",
                "type_call": "outgoing",
                "state": "calling",
            }
        )
        call = Call.browse(data["id"])
        call.accept_call()
        return call

    @users("vc_internal")
    def test_every_leg_is_a_call_of_one_conference(self):
        first = self._first_call()
        Conference = self.env["voip.call.conference"]
        started = Conference.start_from_call(first.id)
        self.assertEqual(started["max_parties"], 3)
        # Asking again (a second tab, a retry) gives the same conference.
        self.assertEqual(Conference.start_from_call(first.id)["id"], started["id"])
        conference = Conference.browse(started["id"])
        leg = conference.add_leg({"phone_number": "+3225550122"})
        bob_call = self.env["voip.call"].browse(leg["id"])
        self.assertEqual(bob_call.partner_id, self.bob)
        self.assertEqual(bob_call.state, "calling")
        conference.answer_leg(bob_call.id)
        self.assertEqual(bob_call.state, "ongoing")
        self.assertTrue(bob_call.start_date)
        self.assertEqual(conference.call_ids, first | bob_call)
        self.assertEqual(conference.partner_ids, self.alice | self.bob)
        self.assertEqual(conference.user_id, self.env.user)

        conference.end_leg(bob_call.id, "removed")
        self.assertEqual(bob_call.state, "terminated")
        self.assertEqual(bob_call.adhoc_end_reason, "removed")
        self.assertFalse(conference.end_date, "Alice is still there")
        ringing = self.env["voip.call"].browse(
            conference.add_leg({"phone_number": "8003"})["id"]
        )
        conference.end_leg(ringing.id, "cancelled")
        self.assertEqual(ringing.state, "aborted")
        conference.end_leg(first.id, "ended")
        self.assertEqual(first.adhoc_end_reason, "ended")
        self.assertTrue(conference.end_date, "the last leg ends the conference")
        with self.assertRaisesRegex(UserError, "has ended"):
            conference.add_leg({"phone_number": "8004"})

    @users("vc_internal")
    def test_visible_from_the_contacts_involved(self):
        conference = self.env["voip.call.conference"].browse(
            self.env["voip.call.conference"].start_from_call(self._first_call().id)[
                "id"
            ]
        )
        # As at the end of the widget's request.
        self.env.flush_all()
        found = self.env["voip.call.conference"].search(
            [("partner_ids", "in", self.alice.ids)]
        )
        self.assertEqual(found, conference)
        action = self.env.ref("voip_conference.voip_call_conference_action_partner")
        self.assertIn("partner_ids", action.sudo().domain)

    @users("vc_internal")
    def test_at_most_the_pbx_setting_of_parties(self):
        conference = self.env["voip.call.conference"].browse(
            self.env["voip.call.conference"].start_from_call(self._first_call().id)[
                "id"
            ]
        )
        conference.add_leg({"phone_number": "8002"})
        conference.add_leg({"phone_number": "8003"})
        with self.assertRaisesRegex(UserError, "at most 3 parties"):
            conference.add_leg({"phone_number": "8004"})
        with self.assertRaisesRegex(UserError, "Enter a number"):
            conference.add_leg({"phone_number": "  "})

    @users("vc_internal")
    def test_bad_reason_is_refused_and_changes_nothing(self):
        first = self._first_call()
        conference = self.env["voip.call.conference"].browse(
            self.env["voip.call.conference"].start_from_call(first.id)["id"]
        )
        with self.assertRaisesRegex(UserError, "Unknown way for a call to end"):
            conference.end_leg(first.id, "exploded")
        self.assertEqual(first.state, "ongoing")

    def test_another_user_can_neither_see_nor_act(self):
        first = self._first_call().with_user(self.internal_user)
        first.sudo().user_id = self.internal_user
        Conference = self.env["voip.call.conference"]
        conference_id = Conference.with_user(self.internal_user).start_from_call(
            first.id
        )["id"]
        as_other = Conference.with_user(self.other_user)
        self.assertFalse(as_other.search([("id", "=", conference_id)]))
        with self.assertRaises(AccessError):
            as_other.browse(conference_id).add_leg({"phone_number": "8002"})
        with self.assertRaisesRegex(AccessError, "not one of yours"):
            as_other.start_from_call(first.id)
        # Nor slip a call of theirs into it.
        with self.assertRaises(AccessError):
            self.env["voip.call"].with_user(self.other_user).create_call(
                {
                    "pbx_id": self.pbx.id,
                    "phone_number": "8009",
                    "adhoc_conference_id": conference_id,
                }
            )

    def test_max_parties_setting_is_bounded(self):
        with self.assertRaises(ValidationError):
            self.pbx.adhoc_conference_max_parties = 1

    @users("vc_internal")
    def test_parties_numbers_written_one_way(self):
        """However a party's number was typed, the call view writes it as
        contacts' phones are written (international format); an extension
        or text is left as it is."""
        self.env.company.sudo().country_id = self.env.ref("base.be")
        formatted = self.env["voip.call.conference"].format_numbers(
            ["+3225550199", "+32 2 555 01 98", "025550197", "8003", "abc"]
        )
        self.assertEqual(
            formatted,
            {
                "+3225550199": "+32 2 555 01 99",
                "+32 2 555 01 98": "+32 2 555 01 98",
                "025550197": "+32 2 555 01 97",
                "8003": "8003",
                "abc": "abc",
            },
        )
        with self.assertRaises(UserError):
            self.env["voip.call.conference"].format_numbers(["8003"] * 51)
