# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# Host controls: the participants of a room as the PBX reports them (events,
# webhooks, reads), the panel that shows them, and the host's actions.
from . import ir_websocket
from . import voip_conference_participation
from . import res_partner
from . import voip_conference
from . import voip_pbx
