# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The webhook controller over real HTTP: signed events from a loopback PBX
reach the participants' history; forged, stale, replayed and malformed
deliveries get a bare 401."""

import json
import time

from odoo.exceptions import AccessError
from odoo.modules.neutralize import get_neutralization_queries
from odoo.tests import HttpCase, new_test_user, tagged

from ..tools import webhook
from .common import MANAGER_GROUPS, LoopbackPbxMixin

TOKEN = "webhook-test-token"
SECRET = "webhook-test-secret-0123456789"


@tagged("post_install", "-at_install")
class TestVoipConferenceWebhook(LoopbackPbxMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_pbx_server(TOKEN)
        cls.pbx = cls.env["voip.pbx"].create(
            {
                "name": "Webhook PBX",
                "pbx_backend": "rest",
                "api_url": cls.server.url,
                "api_token": TOKEN,
                "conference_webhook_secret": SECRET,
            }
        )
        cls.room = cls.env["voip.conference"].create(
            {"name": "Hooked", "extension": "8555", "pbx_id": cls.pbx.id}
        )
        cls.pbx._sync(trigger="manual", apply=True)
        cls.url = f"/voip_conference/webhook/{cls.pbx.id}"

    def setUp(self):
        super().setUp()
        self.server.pbx.state["participants"] = {}

    def _events_body(self, number="+3225550111"):
        """A participant joins on the PBX: the body the PBX would send."""
        pbx = self.server.pbx
        cursor = pbx.state.get("event_cursor", 0)
        pbx.dial_in(self.room.remote_id, number)
        events, _cursor = pbx.events(cursor)
        return json.dumps({"events": [e.to_dict() for e in events]}).encode()

    def _post(self, body, headers):
        return self.url_open(self.url, data=body, headers=headers, method="POST")

    def test_a_signed_delivery_is_applied(self):
        body = self._events_body()
        response = self._post(body, webhook.signed_headers(SECRET, body))
        self.assertEqual(response.status_code, 204)
        row = self.room.participation_ids
        self.assertEqual((row.number, row.state), ("+3225550111", "connected"))
        self.assertEqual((self.room.live_state, self.room.live_count), ("active", 1))

    def test_refused_deliveries_get_a_bare_401_and_change_nothing(self):
        body = self._events_body()
        good = webhook.signed_headers(SECRET, body)
        cases = {
            "forged": webhook.signed_headers("not-the-secret", body),
            "stale": webhook.signed_headers(SECRET, body, now=time.time() - 3600),
            "malformed": {"Content-Type": "application/json"},
            "garbled signature": dict(good, **{webhook.SIGNATURE_HEADER: "v1=zz"}),
        }
        for case, headers in cases.items():
            with self.subTest(case=case):
                with self.assertLogs(
                    "odoo.addons.voip_conference.controllers.webhook", "WARNING"
                ) as logs:
                    response = self._post(body, headers)
                self.assertEqual(response.status_code, 401)
                self.assertEqual(response.content, b"")  # no detail leaks
                self.assertNotIn(SECRET, "".join(logs.output))
        self.assertFalse(self.room.participation_ids)
        # Unknown PBX: the same bare 401.
        response = self.url_open(
            "/voip_conference/webhook/999999", data=body, headers=good, method="POST"
        )
        self.assertEqual((response.status_code, response.content), (401, b""))

    def test_a_replayed_delivery_is_refused(self):
        body = self._events_body()
        headers = webhook.signed_headers(SECRET, body)
        self.assertEqual(self._post(body, headers).status_code, 204)
        self.assertEqual(self._post(body, headers).status_code, 401)
        self.assertEqual(len(self.room.participation_ids), 1)

    def test_a_pbx_without_secret_accepts_nothing(self):
        self.pbx.conference_webhook_secret = False
        body = self._events_body()
        response = self._post(body, webhook.signed_headers("", body))
        self.assertEqual(response.status_code, 401)

    def test_signed_but_unreadable_events_are_a_400(self):
        body = json.dumps({"events": [{"cursor": 1}]}).encode()
        response = self._post(body, webhook.signed_headers(SECRET, body))
        self.assertEqual((response.status_code, response.content), (400, b""))

    def test_the_secret_is_for_system_administrators_only(self):
        manager = new_test_user(
            self.env, login="vc_hook_manager", groups=MANAGER_GROUPS
        )
        pbx = self.pbx.with_user(manager)
        with self.assertRaises(AccessError):
            pbx.read(["conference_webhook_secret"])
        self.assertNotIn("conference_webhook_secret", pbx.fields_get())
        with self.assertRaises(AccessError):
            pbx.action_generate_webhook_secret()
        self.pbx.action_generate_webhook_secret()
        self.assertNotEqual(self.pbx.conference_webhook_secret, SECRET)
        self.assertGreaterEqual(len(self.pbx.conference_webhook_secret), 40)

    def test_neutralization_clears_the_secret(self):
        self.env.flush_all()
        for query in get_neutralization_queries(["voip_conference"]):
            self.env.cr.execute(query)
        self.env.invalidate_all()
        self.assertFalse(self.pbx.conference_webhook_secret)
