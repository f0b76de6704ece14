# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# A conference made from a call: its parties, and the calls it links.
from . import voip_call_conference
from . import voip_call
