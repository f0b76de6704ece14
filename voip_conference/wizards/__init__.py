# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import voip_conference_wizard_mixin
from . import voip_conference_route_number
from . import voip_conference_unroute
from . import voip_provider_sync_conflict
from . import voip_conference_invite
from . import voip_conference_dial_in
from . import voip_provider_sync_adopt
