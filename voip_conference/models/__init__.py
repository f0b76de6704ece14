# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import voip_pbx
from . import res_users
from . import voip_conference
from . import voip_incoming_number
