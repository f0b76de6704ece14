# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Invite over real HTTP, as the panel and the wizard do it.

A call-out is the user's action: when Odoo runs the request again after a
serialization failure, the PBX gets the same Idempotency-Key and rings the
invitee once; another click invites again. A locked room is refused in Odoo,
before the PBX is asked. A target of blanks is a message, not a traceback."""

from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged

from ..models.live.voip_conference import VoipConference
from .common import MANAGER_GROUPS, LoopbackPbxMixin

TOKEN = "callout-test-token"


@tagged("post_install", "-at_install")
class TestVoipConferenceInvite(LoopbackPbxMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_pbx_server(TOKEN)
        cls.pbx = cls.env["voip.pbx"].create(
            {
                "name": "Callout PBX",
                "pbx_backend": "rest",
                "api_url": cls.server.url,
                "api_token": TOKEN,
            }
        )
        cls.room = cls.env["voip.conference"].create(
            {"name": "Called", "extension": "8558", "pbx_id": cls.pbx.id}
        )
        cls.pbx._sync(trigger="manual", apply=True)
        cls.manager = new_test_user(
            cls.env, login="vc_callout_manager", groups=MANAGER_GROUPS
        )

    def setUp(self):
        super().setUp()
        self.server.pbx.state["participants"] = {}
        self.server.requests.clear()

    def _call(self, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/voip.conference/{method}",
            {
                "model": "voip.conference",
                "method": method,
                "args": [[self.room.id], *args],
                "kwargs": kwargs,
            },
        )

    def _invite(self, target):
        return self._call("live_invite", target=target)

    def _invites_sent(self):
        return [r for r in self.server.requests if r[1].endswith("/invite")]

    def _ringing(self):
        return [
            p.number for p in self.server.pbx.list_participants(self.room.remote_id)
        ]

    def test_invite_retried_by_odoo_rings_once(self):
        self.authenticate("vc_callout_manager", "vc_callout_manager")
        shown = VoipConference._invite_shown
        attempts = []

        def fail_once(room, number):
            # As a webhook committing on the room meanwhile would make it.
            attempts.append(number)
            if len(attempts) == 1:
                room.env.cr.execute(
                    "DO $$ BEGIN RAISE EXCEPTION 'concurrent update' "
                    "USING ERRCODE = 'serialization_failure'; END $$"
                )
            return shown(room, number)

        with patch.object(VoipConference, "_invite_shown", fail_once):
            result = self._invite("+3225550133")
        self.assertTrue(result["ok"], result)
        self.assertEqual(len(attempts), 2, "Odoo ran the request again")
        self.assertEqual(self._ringing(), ["+3225550133"])
        # Another click is another invitation.
        self.server.pbx.hang_up(
            self.room.remote_id,
            self.server.pbx.list_participants(self.room.remote_id)[0].id,
        )
        self.assertTrue(self._invite("+3225550133")["ok"])
        self.assertEqual(self._ringing(), ["+3225550133"])
        self.assertEqual(len(self._invites_sent()), 3)

    def test_a_locked_room_is_refused_before_the_pbx_is_asked(self):
        self.authenticate("vc_callout_manager", "vc_callout_manager")
        self.server.pbx.dial_in(self.room.remote_id, "101")
        self.assertTrue(self._call("live_room_action", "lock")["ok"])
        self.assertEqual(self.room.live_state, "locked")
        result = self._invite("+3225550133")
        self.assertFalse(result["ok"])
        self.assertIn("is locked: unlock it", result["message"])
        self.assertEqual(result["panel"]["state"], "locked")
        self.assertEqual(self._invites_sent(), [])
        # The wizard too.
        wizard = (
            self.env["voip.conference.invite"]
            .with_user(self.manager)
            .create({"conference_id": self.room.id, "target": "+3225550133"})
        )
        action = wizard.action_invite()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("is locked", action["params"]["message"])
        self.assertEqual(self._invites_sent(), [])
        self.assertTrue(self._call("live_room_action", "unlock")["ok"])
        self.assertTrue(self._invite("+3225550133")["ok"])
        self.assertEqual(len(self._invites_sent()), 1)

    def test_a_target_of_blanks_is_a_message(self):
        Wizard = self.env["voip.conference.invite"].with_user(self.manager)
        for target in ("   ", "\t", "\u00a0\u2003", "\u200b\u2060 "):
            with self.subTest(target=target):
                wizard = Wizard.create(
                    {"conference_id": self.room.id, "target": target}
                )
                with self.assertRaisesRegex(UserError, "Type an extension or a"):
                    wizard.action_invite()
        # Separators only: not a number, said so.
        wizard = Wizard.create({"conference_id": self.room.id, "target": " - ( ) "})
        with self.assertRaisesRegex(UserError, "is not a phone number"):
            wizard.action_invite()
        self.assertEqual(self._invites_sent(), [])

    def test_a_room_not_applied_on_the_pbx_offers_and_takes_no_invite(self):
        """Saved and pushed, the PBX has not applied it: the panel offers no
        Invite and an invite is refused before the PBX is asked."""
        self.room.wait_for_admin = True
        self.pbx._sync(trigger="save", pull=False)
        self.assertEqual(self.room.sync_state, "pushed")
        self.authenticate("vc_callout_manager", "vc_callout_manager")
        self.assertFalse(self._call("get_live_panel")["can_invite"])
        with self.assertRaisesRegex(UserError, "has not applied the changes"):
            self.room.with_user(self.manager).live_invite(target="+3225550133")
        self.assertEqual(self._invites_sent(), [])
        self.pbx._sync(trigger="manual", apply=True)
        self.assertTrue(self._call("get_live_panel")["can_invite"])
        self.assertTrue(self._invite("+3225550133")["ok"])
        # A PBX that calls people records real participations.
        self.assertTrue(self.room.participation_ids)
        self.assertFalse(any(self.room.participation_ids.mapped("simulated")))
