# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A call-out (Invite) is the user's action: when Odoo runs the request again
after a serialization failure, the PBX gets the same Idempotency-Key and
rings the invitee once; another click invites again."""

from unittest.mock import patch

from odoo.tests import HttpCase, new_test_user, tagged

from ..models.voip_conference import VoipConference
from .common import MANAGER_GROUPS, LoopbackPbxMixin

TOKEN = "callout-test-token"


@tagged("post_install", "-at_install")
class TestVoipConferenceCallout(LoopbackPbxMixin, HttpCase):
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
        new_test_user(cls.env, login="vc_callout_manager", groups=MANAGER_GROUPS)

    def _invite(self, target):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw/voip.conference/live_invite",
            {
                "model": "voip.conference",
                "method": "live_invite",
                "args": [[self.room.id]],
                "kwargs": {"target": target},
            },
        )

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
        invites = [r for r in self.server.requests if r[1].endswith("/invite")]
        self.assertEqual(len(invites), 3)
