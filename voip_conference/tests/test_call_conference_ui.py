# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The call view of a conference made from a call, in a real browser at
HttpCase's window size (1366x768): static/tests/tours/
voip_conference_call_view_tour.esm.js."""

from odoo.tests import new_test_user, tagged

from .common import TourCase


@tagged("post_install", "-at_install")
class TestVoipConferenceCallView(TourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.be")
        pbx = cls.env["voip.pbx"].create({"name": "Call view PBX"})
        # A plain internal user: the lowest rights that make a conference
        # from a call (no SIP password: the softphone is in test mode).
        new_test_user(
            cls.env,
            login="vc_call_view",
            groups="base.group_user",
            voip_pbx_id=pbx.id,
        )
        cls.env["res.partner"].create(
            {"name": "Ann Example", "phone": "+32 2 555 01 11"}
        )

    def test_three_parties_every_control_in_sight_and_used(self):
        self.assertEqual(self.browser_size, "1366x768")
        self.start_tour("/odoo", "voip_conference_call_view_tour", login="vc_call_view")
