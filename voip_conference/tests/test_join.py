# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged, users

from .common import USER_GROUPS, VoipConferenceCase


@tagged("post_install", "-at_install")
class TestVoipConferenceJoin(VoipConferenceCase):
    """The server side of Join: the only path by which a code reaches a user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pbx.conference_receptionist_delay = 2.0
        cls.room = cls._room("8001", access_code="1234")
        cls.open_room = cls._room("8002")
        other_company = cls.env["res.company"].create({"name": "Elsewhere"})
        cls.foreign_room = cls.Room.with_company(other_company).create(
            {
                "name": "Foreign",
                "extension": "8003",
                "access_code": "999",
                "pbx_id": cls.pbx.id,
                "company_id": other_company.id,
            }
        )

    @users("vc_user")
    def test_conference_user_gets_the_sequence(self):
        room = self.env["voip.conference"].browse(self.room.id)
        self.assertEqual(
            room.get_join_sequence(),
            {
                "id": self.room.id,
                "name": "Room 8001",
                "extension": "8001",
                "dtmf": "1234#",
                "delay_ms": 2000,
                "dtmf_method": "auto",
                "wait": False,
            },
        )

    def test_code_sent_when_asked(self):
        """Issue 24, 2: a receptionist that waits for the caller: Join stops
        at a wait and the user sends the code."""
        self.pbx.conference_code_on_request = True
        sequence = self.room.with_user(self.conf_user).get_join_sequence()
        self.assertEqual((sequence["dtmf"], sequence["wait"]), ("1234#", True))

    @users("vc_user")
    def test_no_code_sends_nothing_not_even_a_hash(self):
        room = self.env["voip.conference"].browse(self.open_room.id)
        self.assertEqual(room.get_join_sequence()["dtmf"], "")

    def test_room_delay_overrides_the_pbx(self):
        self.room.receptionist_delay = 3.5
        self.pbx.conference_dtmf_method = "info"
        sequence = self.room.with_user(self.conf_user).get_join_sequence()
        self.assertEqual(
            (sequence["delay_ms"], sequence["dtmf_method"]), (3500, "info")
        )

    def test_room_can_ask_for_no_delay(self):
        """Issue 10, 9: 0 on the room meant "the PBX's delay"."""
        self.pbx.conference_receptionist_delay = 2.0
        room = self.room.with_user(self.manager)
        room.write({"receptionist_delay_source": "room", "receptionist_delay": 0})
        sequence = self.room.with_user(self.conf_user).get_join_sequence()
        self.assertEqual(sequence["delay_ms"], 0)
        room.receptionist_delay = 1.5
        room.receptionist_delay = 0  # back to 0: still the room's own
        self.assertEqual(room.receptionist_delay_source, "room")
        self.assertEqual(
            self.room.with_user(self.conf_user).get_join_sequence()["delay_ms"], 0
        )
        room.receptionist_delay_source = "pbx"
        self.assertEqual(
            self.room.with_user(self.conf_user).get_join_sequence()["delay_ms"], 2000
        )
        with self.assertRaisesRegex(ValidationError, "between 0 and 60 seconds"):
            room.receptionist_delay = -1

    def test_widget_learns_the_dial_rule_and_the_dtmf_method(self):
        self.pbx.write(
            {"dial_international_prefix": "00", "conference_dtmf_method": "info"}
        )
        info = self.conf_user._voip_get_info()
        self.assertEqual(
            (info["international_prefix"], info["dtmf_method"]), ("00", "info")
        )
        with self.assertRaisesRegex(ValidationError, "must be digits"):
            self.pbx.dial_international_prefix = "+"
        # Issue 24, 4: pasted with a zero-width space, still digits.
        self.pbx.write(
            {
                "dial_international_prefix": "00\u200b",
                "conference_menu_lock": "*\u20602",
            }
        )
        self.assertEqual(
            (self.pbx.dial_international_prefix, self.pbx.conference_menu_lock),
            ("00", "*2"),
        )

    def test_invite_target_read_with_the_dial_string_grammar(self):
        Invite = self.env["voip.conference.invite"].with_user(self.manager)

        def target(text):
            return Invite.create({"conference_id": self.room.id, "target": text})

        self.assertEqual(
            target("+32 2 555 01 00 BE (Brussels)")._target(), "+3225550100"
        )
        self.assertEqual(target("02 555 01 00")._target(), "+3225550100")
        self.assertEqual(target(" 101 ")._target(), "101")
        with self.assertRaisesRegex(UserError, "cannot send tones"):
            target("+3225550100,,1234#")._target()
        # An invitee who is no phone number is told so in our words.
        with self.assertRaises(ValidationError) as caught:
            target("+32 2 555")._target()
        self.assertIn("+322555 has too few digits", str(caught.exception))
        self.assertNotIn("Impossible number", str(caught.exception))

    @users("vc_internal")
    def test_plain_internal_user_is_refused(self):
        with self.assertRaises(AccessError):
            self.env["voip.conference"].browse(self.room.id).get_join_sequence()

    @users("vc_user")
    def test_room_of_another_company_is_refused(self):
        with self.assertRaises(AccessError):
            self.env["voip.conference"].browse(self.foreign_room.id).get_join_sequence()

    def test_archived_room_is_refused(self):
        self.open_room.action_archive()
        with self.assertRaisesRegex(UserError, "archived"):
            self.open_room.with_user(self.conf_user).get_join_sequence()

    def test_call_linked_to_the_room(self):
        Call = self.env["voip.call"].with_user(self.conf_user)
        call = Call.create_call(
            {
                "phone_number": "8001",
                "type_call": "outgoing",
                "state": "calling",
                "pbx_id": self.pbx.id,
                "conference_id": self.room.id,
            }
        )
        self.assertEqual(call["conference"], {"id": self.room.id, "name": "Room 8001"})
        self.assertEqual(self.room.call_ids.ids, [call["id"]])
        stranger = new_test_user(
            self.env, login="vc_stranger", groups="base.group_user"
        )
        with self.assertRaises(AccessError):
            self.env["voip.call"].with_user(stranger).create_call(
                {"phone_number": "8001", "conference_id": self.room.id}
            )
        other = new_test_user(self.env, login="vc_user2", groups=USER_GROUPS)
        with self.assertRaises(AccessError):
            self.env["voip.call"].with_user(other).create_call(
                {"phone_number": "8003", "conference_id": self.foreign_room.id}
            )

    def test_ice_servers_are_the_pbx_ones(self):
        self.assertEqual(self.conf_user._voip_get_info()["ice_servers"], [])
        self.pbx.ice_servers = (
            "stun:stun.example.com:3478\n\nturn:turn.example.com alice s3cret"
        )
        self.assertEqual(
            self.conf_user._voip_get_info()["ice_servers"],
            [
                {"urls": "stun:stun.example.com:3478"},
                {
                    "urls": "turn:turn.example.com",
                    "username": "alice",
                    "credential": "s3cret",
                },
            ],
        )

    def test_dial_in_one_tap_strings(self):
        self._number(
            "+3225550100",
            name="Brussels",
            destination_type="conference",
            conference_id=self.room.id,
        )
        action = self.room.with_user(self.conf_user).action_dial_in()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.conf_user)
            .browse(action["res_id"])
        )
        # RFC 3966: a raw "#" would start a URI fragment (issue 10, 3).
        self.assertIn('href="tel:+3225550100,,1234%23"', str(wizard.details))
        # Shown as people read it (issue 23, 6): some mail apps link no tel:
        # with commas, the text is then what is copied.
        self.assertIn(">+32 2 555 01 00,,1234#<", str(wizard.details))
        self.assertIn("Brussels", str(wizard.details))
        # Another user cannot read it.
        with self.assertRaises(AccessError):
            wizard.with_user(self.manager).read(["details"])
        open_action = self.open_room.with_user(self.conf_user).action_dial_in()
        details = (
            self.env[open_action["res_model"]].browse(open_action["res_id"]).details
        )
        self.assertIn("8002", str(details))
        with self.assertRaises(AccessError):
            self.room.with_user(self.internal_user).action_dial_in()
