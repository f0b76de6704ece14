# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# The PBX's events pushed to Odoo: signed deliveries, each event once.
from . import voip_pbx_event
from . import voip_pbx
