# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# Joining a room from the softphone (Join); from any phone: see dialin/.
from . import voip_conference
