# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# The core of each model first (fields, constraints, CRUD, openers), then the
# features, each a folder of files extending those models (as Odoo's
# mail/models/discuss/ does).
from . import voip_pbx
from . import res_users
from . import voip_conference
from . import voip_incoming_number
from . import job
from . import provider
from . import sync
from . import live
from . import join
from . import dialin
from . import call_conference
from . import webhook
