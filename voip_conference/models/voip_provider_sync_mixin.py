# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# The sync engine moved to sync/voip_provider_sync_mixin.py. This alias only
# keeps the calendar bridge's tests importing its context keys from here;
# remove it once they import from models.sync.
from .sync.voip_provider_sync_mixin import ADOPT, INBOUND, MEMO  # noqa: F401
