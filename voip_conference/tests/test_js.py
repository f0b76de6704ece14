# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from odoo.addons.web.tests.test_js import WebSuite


@tagged("post_install", "-at_install")
class TestVoipConferenceHoot(WebSuite):
    """Run the addon's Hoot tests in Chromium."""

    def get_hoot_filters(self):
        self._test_params = [("+", "@voip_conference")]
        return super().get_hoot_filters()

    def test_voip_conference_hoot(self):
        self.test_unit_desktop()
