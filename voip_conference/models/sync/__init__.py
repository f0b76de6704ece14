# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# Two-way sync with the PBX: the engine (a mixin the synced models inherit
# here), its runs, the deletion outbox, and each synced model's hooks.
from . import voip_provider_sync_mixin
from . import voip_provider_sync_mixin_pull
from . import voip_provider_sync_mixin_push
from . import voip_pbx
from . import voip_pbx_deletion
from . import voip_pbx_sync_run
from . import voip_conference
from . import voip_incoming_number
