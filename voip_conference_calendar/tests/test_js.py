# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from odoo.addons.web.tests import test_js as web_test_js


@tagged("post_install", "-at_install")
class TestVoipConferenceCalendarHoot(web_test_js.WebSuite):
    """Run the module's Hoot tests (``@voip_conference_calendar``) in Chromium."""

    _test_params = [("+", "@voip_conference_calendar")]

    # The inherited checks test web's own test runner, the legacy QUnit
    # suite and the Hoot library itself: they belong to web's suite.
    test_hoot = None
    test_qunit_desktop = None
    test_canonical_tags = None
    test_get_hoot_filter = None
    test_generate_hoot_hash = None
    test_get_qunit_regex = None
    test_check_suite = None
    # test_unit_desktop, inherited, runs the filtered Hoot suite.
