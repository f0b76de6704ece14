# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import voip_provider_sync_mixin
from . import voip_pbx
from . import voip_pbx_deletion
from . import voip_pbx_sync_run
from . import res_users
from . import voip_conference
from . import voip_incoming_number
from . import voip_call
from . import voip_call_conference
from . import voip_conference_participation
from . import res_partner
from . import voip_pbx_event
from . import ir_websocket
