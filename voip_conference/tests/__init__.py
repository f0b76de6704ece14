# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# Odoo tests (tier 2). The tests in plain/ need no Odoo and are run by pytest
# alone (tier 1).
from . import test_access
from . import test_actions_ui
from . import test_call_conference
from . import test_call_conference_ui
from . import test_join
from . import test_js
from . import test_live
from . import test_live_invite
from . import test_live_participation
from . import test_live_ui
from . import test_probe
from . import test_provider
from . import test_rights
from . import test_screens
from . import test_screens_ui
from . import test_sync
from . import test_sync_recovery
from . import test_ui
from . import test_unroute
from . import test_voip_conference
from . import test_voip_incoming_number
from . import test_webhook
from . import test_wizard_rights
