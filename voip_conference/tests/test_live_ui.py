# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json

from odoo.tests import new_test_user, tagged

from ..tools import webhook
from ..tools.simulated_pbx import SimulatedPbx
from .common import USER_GROUPS, LoopbackPbxMixin, TourCase

TOKEN = "live-ui-token"
SECRET = "live-ui-secret-0123456789"


@tagged("post_install", "-at_install")
class TestParticipantsLive(LoopbackPbxMixin, TourCase):
    """A second session sees a join and a removal without reload."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_pbx_server(TOKEN)
        cls.env.company.country_id = cls.env.ref("base.be")
        cls.pbx = cls.env["voip.pbx"].create(
            {
                "name": "Live PBX",
                "pbx_backend": "rest",
                "api_url": cls.server.url,
                "api_token": TOKEN,
                "conference_webhook_secret": SECRET,
            }
        )
        cls.room = cls.env["voip.conference"].create(
            {"name": "Live room", "extension": "8666", "pbx_id": cls.pbx.id}
        )
        cls.pbx._sync(trigger="manual", apply=True)
        cls.env["res.partner"].create(
            {"name": "Carla Contact", "phone": "02 555 01 11"}
        )
        new_test_user(cls.env, login="vc_live_user", groups=USER_GROUPS)

    def _deliveries(self):
        """What the PBX will push: Carla joins, then the host removes her.
        Made on a copy of the PBX, so the room is empty when the panel opens."""
        future = SimulatedPbx.from_state(self.server.pbx.to_state())
        participant = future.dial_in(self.room.remote_id, "+3225550111")
        joined, cursor = future.events(self.server.pbx.state.get("event_cursor", 0))
        future.remove_participant(self.room.remote_id, participant.id)
        removed, _cursor = future.events(cursor)
        url = f"/voip_conference/webhook/{self.pbx.id}"
        deliveries = {}
        for name, events in (("join", joined), ("remove", removed)):
            body = json.dumps({"events": [e.to_dict() for e in events]})
            deliveries[name] = {
                "url": url,
                "body": body,
                "headers": webhook.signed_headers(SECRET, body.encode()),
            }
        return deliveries

    def test_a_second_session_sees_a_join_and_a_removal(self):
        options = {"stepDelay": 0, "keepWatchBrowser": False, "debug": False}
        self.start_tour(
            f"/odoo/action-voip_conference.voip_conference_action/{self.room.id}",
            "voip_conference_participants_live_tour",
            login="vc_live_user",
            code=(
                f"window.voipConferenceDeliveries = {json.dumps(self._deliveries())};"
                f"odoo.startTour('voip_conference_participants_live_tour', "
                f"{json.dumps(options)})"
            ),
        )
        self.assertEqual(
            self.room.participation_ids.mapped("leave_reason"), ["removed"]
        )


@tagged("post_install", "-at_install")
class TestParticipantsPanelHost(TourCase):
    """The room's administrator (a conference user) clicks every control of
    the participants panel, on the built-in simulator, at 1366x768."""

    def test_invite_mute_remove_lock_end(self):
        self.env.company.country_id = self.env.ref("base.be")
        pbx = self.env["voip.pbx"].create(
            {"name": "Host PBX", "pbx_backend": "simulator"}
        )
        host = new_test_user(
            self.env,
            login="vc_live_host",
            groups=USER_GROUPS,
            voip_pbx_id=pbx.id,
            voip_extension="240",
        )
        room = self.env["voip.conference"].create(
            {
                "name": "Host room",
                "extension": "8667",
                "pbx_id": pbx.id,
                "admin_user_id": host.id,
            }
        )
        pbx._sync(trigger="manual", apply=True)
        Partner = self.env["res.partner"]
        Partner.create({"name": "Carla Contact", "phone": "02 555 01 11"})
        Partner.create({"name": "Bruno Contact", "phone": "02 555 01 12"})
        # The set-up's "sync run done" would reload the form at a random step.
        self.env.cr.precommit.run()
        self.env["bus.bus"].sudo().search([]).unlink()
        self.start_tour(
            f"/odoo/action-voip_conference.voip_conference_action/{room.id}",
            "voip_conference_participants_host_tour",
            login="vc_live_host",
        )
        rows = room.participation_ids
        self.assertEqual(
            {(r.name, r.leave_reason, r.simulated) for r in rows},
            {("Carla Contact", "ended", True), ("Bruno Contact", "removed", True)},
        )
