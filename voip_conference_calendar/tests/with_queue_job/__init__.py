# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# Run in a database where OCA queue_job is installed (scripts/test tier 2
# makes one); the tests beside this folder run without it.
from . import test_call_in_job
