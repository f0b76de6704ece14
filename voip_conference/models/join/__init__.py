# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# Joining a room: from the softphone (Join), or from any phone (dial-in).
from . import voip_conference
